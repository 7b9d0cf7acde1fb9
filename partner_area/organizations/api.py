"""JSON twins of the partner pages: /api/v1/me, /api/v1/company (members and invitations: api_members.py)."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from partner_area.ratelimits import limit_posts, posted_username

from .access import IsActivePartner, membership_for
from .models import Company


class CompanyOutput(serializers.ModelSerializer):
    upline = serializers.CharField(source="parent.legal_name", default=None, allow_null=True)

    class Meta:
        model = Company
        fields = [
            "id", "legal_name", "registration_number", "vat_number", "country", "address", "city",
            "postal_code", "phone", "email", "website", "status", "tier", "upline", "created_at",
        ]  # fmt: skip


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    preferred_language = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    sections = serializers.ListField(child=serializers.CharField())
    company = serializers.DictField(allow_null=True)


class MeView(APIView):
    """The logged-in person, their role, the sections they may open and their company's status."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutput)
    def get(self, request):
        membership = membership_for(request)
        user = request.user
        data = {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "role": membership.role if membership else None,
            "sections": membership.sections if membership and membership.is_active else [],
            "company": (
                {"id": membership.company_id, "legal_name": membership.company.legal_name,
                 "status": membership.company.status}
                if membership else None
            ),
        }  # fmt: skip
        return Response(MeOutput(data).data)


class CompanyView(APIView):
    """The acting member's own company."""

    permission_classes = [IsActivePartner]

    @extend_schema(responses=CompanyOutput)
    def get(self, request):
        company = Company.objects.select_related("parent").get(pk=request.membership.company_id)
        return Response(CompanyOutput(company).data)


# On `post`, inside DRF's handling, so that a refusal answers 429 in JSON like the rest of the API.
@method_decorator(limit_posts("RATELIMIT_LOGIN", "ip", posted_username), name="post")
class TokenView(ObtainAuthToken):
    """Exchange e-mail (as `username`) and password for an API token. An account with two-factor login also sends
    `otp`, a current code from its authenticator app: a token lasts until revoked, so it must not be easier to
    get than a session. Staff accounts get no token (they work in the admin, where two-factor is required)."""

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # ObtainAuthToken's own list has DRF's plain JSON parser

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user.is_staff or user.is_superuser:
            raise PermissionDenied(_("API tokens are for partner accounts; staff work in the admin."))
        if user_has_device(user, confirmed=True):
            code = str(request.data.get("otp", "")).strip()
            if not code:
                raise ValidationError(
                    {"otp": [_("This account uses two-factor login: send a current code from its app as “otp”.")]},
                    code="two_factor_required",
                )
            if match_token(user, code) is None:
                raise ValidationError({"otp": [_("The code is not right or has expired.")]}, code="invalid")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
