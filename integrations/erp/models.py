from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partner_area.platform.outbox import OutboxMessageBase


class OutboxMessage(OutboxMessageBase):
    """A change bound for the ERP (the delivery fields and rules: partner_area/platform/outbox.py). Messages about
    one entity are delivered in the order they were written."""

    entity_type = models.CharField(_("entity"), max_length=48)
    entity_id = models.CharField(_("entity id"), max_length=64)
    # This table has had its own index on the column since its first migration; kept rather than dropped.
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)

    class Meta(OutboxMessageBase.Meta):
        verbose_name = _("outbox message")
        verbose_name_plural = _("ERP outbox")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["entity_type", "entity_id", "status", "id"], name="outbox_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.entity_type}:{self.entity_id} ({self.status})"

    @property
    def change_label(self) -> str:
        """What the staff sync page calls the change."""
        return f"{self.operation} {self.entity_type} #{self.entity_id}"


class SyncEntity(models.TextChoices):
    COMPANIES = "companies", _("Companies")
    CONTACTS = "contacts", _("Contacts")
    INVOICES = "invoices", _("Invoices")
    CLIENTS = "clients", _("Clients")
    TURNOVER = "turnover", _("Monthly turnover")


class SyncCursor(models.Model):
    """How far the pull of one entity has read the ERP's changes."""

    entity = models.CharField(_("entity"), max_length=16, choices=SyncEntity.choices, unique=True)
    changed_at = models.DateTimeField(_("last change seen"), null=True, blank=True)
    erp_id = models.CharField(_("last id seen"), max_length=64, blank=True)
    last_success_at = models.DateTimeField(_("last successful pull"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    records_applied = models.PositiveBigIntegerField(_("records applied"), default=0)

    class Meta:
        verbose_name = _("sync cursor")
        verbose_name_plural = _("sync cursors")

    def __str__(self) -> str:
        return self.get_entity_display()


class SyncConflict(models.Model):
    """A field both sides changed since the last sync. The owner's value was applied; staff review."""

    entity = models.CharField(_("entity"), max_length=16, choices=SyncEntity.choices)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    field = models.CharField(_("field"), max_length=64)
    portal_value = models.TextField(_("portal value"), blank=True)
    erp_value = models.TextField(_("ERP value"), blank=True)
    applied = models.CharField(_("value kept from"), max_length=8, choices=[("portal", _("Portal")), ("erp", "ERP")])
    created_at = models.DateTimeField(_("detected"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("reviewed"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("sync conflict")
        verbose_name_plural = _("sync conflicts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.field}"


class RejectedRecord(models.Model):
    """A record the ERP sent that failed validation; skipped, logged and shown to staff."""

    entity = models.CharField(_("entity"), max_length=16, choices=SyncEntity.choices)
    erp_id = models.CharField(_("ERP id"), max_length=64)
    errors = models.JSONField(_("errors"), default=dict)
    data = models.JSONField(_("data received"), default=dict)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("rejected ERP record")
        verbose_name_plural = _("rejected ERP records")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.entity} {self.erp_id}"


class SyncCheckRun(models.Model):
    """One run of the sync invariant check (check.py) that staff asked for on the sync page; its differences are
    kept as they were found, for the page to show."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    differences = models.JSONField(_("differences"), default=list)  # [{entity, object, field, portal, erp, …}]
    error = models.TextField(_("error"), blank=True)  # the ERP could not be read

    class Meta:
        verbose_name = _("sync check")
        verbose_name_plural = _("sync checks")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"ERP check {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def settled(self) -> list[dict]:
        """The differences no queued delivery or later ERP change explains: the ones a person must look at."""
        return [difference for difference in self.differences if not difference["in_flight"]]


class SyncedValues(models.Model):
    """The field values both sides agreed on at the last sync of one object: the base that tells who
    changed what since (for conflict detection)."""

    entity = models.CharField(max_length=16, choices=SyncEntity.choices)
    object_id = models.CharField(max_length=64)
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "object_id"], name="synced_values_unique")]

    def __str__(self) -> str:
        return f"{self.entity}:{self.object_id}"
