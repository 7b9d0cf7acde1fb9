"""Sync conflicts: a field both sides changed since the last sync. The sync applies the owner's value and records
a SyncConflict (companies.py); staff look at the open ones on the ERP sync page and mark each one reviewed."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from partner_area.accounts.models import User
from partner_area.platform.audit.services import audit_record

from .models import SyncConflict


def sync_conflict_open_get(*, conflict_id: str) -> SyncConflict:
    """An open (not yet reviewed) conflict; a malformed, unknown or already reviewed id answers 404."""
    conflict = None
    if str(conflict_id).isdigit():
        conflict = SyncConflict.objects.filter(pk=conflict_id, resolved_at__isnull=True).first()
    if conflict is None:
        raise Http404("No such conflict")
    return conflict


def sync_conflict_review(*, conflict: SyncConflict, by: User, request=None) -> SyncConflict:
    """Mark the conflict reviewed by `by`, in the audit log; reviewing it twice changes nothing more."""
    with transaction.atomic():
        locked = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.resolved_at is not None:  # another member of staff was quicker
            return locked
        locked.resolved_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["resolved_at"])
        audit_record(
            request=request,
            actor=by,
            action="erp.conflict_reviewed",
            target=locked,
            details={"field": locked.field},
        )
    return locked
