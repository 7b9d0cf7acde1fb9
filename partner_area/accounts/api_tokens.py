"""API tokens, the service module: issued by POST /api/v1/auth/token, listed and revoked by their owner (account
page and API).

A key is `brl_` and 43 random URL-safe characters, shown once; the database keeps only its SHA-256 digest, so a
copy of the database (or a backup) holds no usable key. A plain digest, not a salted password hash, is enough:
the key is random, not chosen by a person, and the digest is what the token is looked up by. Every token expires
API_TOKEN_TTL_DAYS after it was issued. A new password (User.save) or turning on two-factor login deletes all
of a person's tokens; blocking the company or deactivating the member stops them through the API's permissions."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device

from partner_area.platform.audit.services import audit_record

from .models import ApiToken, User

KEY_PREFIX = "brl_"
# Recording every use would write on every API request; once a minute is precise enough to spot an idle token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_digest(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for the user; return it with its key, which is stored nowhere."""
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        if ApiToken.objects.filter(user=user).count() >= settings.API_TOKEN_MAX_PER_USER:
            raise ValidationError(
                _("You already have %(count)d API tokens: revoke one you no longer use first.")
                % {"count": settings.API_TOKEN_MAX_PER_USER},
                code="too_many_tokens",
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            user=user,
            name=name.strip() or _("API token"),
            digest=api_token_digest(key),
            expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        token.full_clean()
        token.save()
    return token, key


def api_token_issue_on_login(*, user: User, otp: str = "", name: str = "") -> tuple[ApiToken, str]:
    """api_token_issue for someone who has just given their password: never staff; with two-factor, a code too."""
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(_("API tokens are for partner accounts; staff work in the admin."))
    if user_has_device(user, confirmed=True):
        # A token works without the second step, so it must not be easier to get than a session.
        code = otp.strip()
        if not code:
            raise ValidationError(
                {"otp": _("This account uses two-factor login: send a current code from its app as “otp”.")},
                code="two_factor_required",
            )
        if match_token(user, code) is None:
            raise ValidationError({"otp": _("The code is not right or has expired.")}, code="invalid")
    return api_token_issue(user=user, name=name)


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; another person's token answers 404, the same as a missing one."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No such API token")
    return token


def api_token_revoke(*, token: ApiToken, company=None, request=None) -> None:
    """Delete one token at its owner's request, and note it in the audit log."""
    with transaction.atomic():
        audit_record(
            request=request,
            actor=token.user,
            action="api_token.revoke",
            company=company,
            target=token,
            details={"name": token.name, "created_at": token.created_at.isoformat()},
        )
        token.delete()


def api_tokens_delete_all(*, user: User) -> int:
    """Delete all of the user's tokens (e.g. on turning on two-factor login); return how many there were."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_tokens_expired_delete(*, older_than: timedelta) -> int:
    """Delete tokens that expired more than `older_than` ago (their owners saw them as "Expired" meanwhile);
    return how many there were. Beat runs it daily (accounts.api_tokens_expired_delete)."""
    deleted, _by_model = ApiToken.objects.filter(expires_at__lte=timezone.now() - older_than).delete()
    return deleted


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token with this key (its user loaded), noting its use; None for an unknown or expired key."""
    token = ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()
    now = timezone.now()
    if token is None or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
