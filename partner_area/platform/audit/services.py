from django.db import models

from partner_area.platform.net import client_ip

from .models import AuditLogEntry


def audit_record(
    *,
    request=None,
    actor=None,
    action: str,
    company=None,
    target: models.Model | None = None,
    details: dict | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit log; actor and origin default to the request's."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        actor_is_staff=bool(getattr(actor, "is_staff", False)),
        action=action,
        company=company,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        details=details or {},
        ip_address=(client_ip(request) or None) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""),
    )
