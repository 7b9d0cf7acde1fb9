"""/api/v1/auth/token (issue) and /api/v1/auth/tokens (the caller's own tokens: list, revoke)."""

from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from partner_area.companies.access import membership_for
from partner_area.platform.ratelimits import limit_posts, posted_username

from .api_tokens import api_token_get, api_token_issue_on_login, api_token_list, api_token_revoke
from .models import ApiToken


class TokenIssueInput(AuthTokenSerializer):
    token = None  # AuthTokenSerializer's read-only output field; the answer is TokenIssuedOutput
    otp = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=16)
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="What the token is for (default “API token”)."
    )


class TokenOutput(serializers.ModelSerializer):
    expired = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField(help_text="Whether this request is authenticated by this token.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "last_used_at", "expires_at", "expired", "current"]

    def get_expired(self, token) -> bool:
        return token.is_expired

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class TokenIssuedOutput(TokenOutput):
    token = serializers.CharField(help_text="The key. Shown only in this answer: the portal keeps only its digest.")

    class Meta(TokenOutput.Meta):
        fields = ["token", *TokenOutput.Meta.fields]


# On `post`, inside DRF's handling, so that a refusal answers 429 in JSON like the rest of the API.
@method_decorator(limit_posts("RATELIMIT_LOGIN", "ip", posted_username), name="post")
class TokenView(APIView):
    """Exchange e-mail (as `username`) and password for a new API token, optionally named. An account with
    two-factor login also sends `otp`, a current code from its authenticator app: a token works without the
    second step, so it must not be easier to get than a session. Staff accounts get no token (they work in the
    admin, where two-factor is required). The key is in this answer only; it expires after API_TOKEN_TTL_DAYS."""

    authentication_classes = []  # credentials are in the body; a stale token header must not make this a 401
    permission_classes = [AllowAny]
    throttle_classes = []  # limit_posts above counts per IP and per account

    @extend_schema(request=TokenIssueInput, responses={200: TokenIssuedOutput}, auth=[])
    def post(self, request):
        serializer = TokenIssueInput(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key = api_token_issue_on_login(user=data["user"], otp=data.get("otp", ""), name=data.get("name", ""))
        token.token = key
        return Response(TokenIssuedOutput(token, context={"request": request}).data)


class TokenListView(APIView):
    """The caller's own API tokens (never their keys)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenOutput(many=True))
    def get(self, request):
        tokens = api_token_list(user=request.user)
        return Response(TokenOutput(tokens, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """Revoke one of the caller's own API tokens (another person's token id answers 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, token_id: int):
        token = api_token_get(user=request.user, token_id=token_id)
        membership = membership_for(request)
        api_token_revoke(token=token, company=membership.company if membership else None, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
