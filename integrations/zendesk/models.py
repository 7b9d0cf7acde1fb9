from django.db import models
from django.utils.translation import gettext_lazy as _

from partner_area.platform.outbox import OutboxMessageBase


class Operation(models.TextChoices):
    TICKET_CREATE = "ticket_create", _("Create ticket")
    COMMENT_CREATE = "comment_create", _("Add comment")
    TICKET_STATUS = "ticket_status", _("Change status")


class ZendeskOutboxMessage(OutboxMessageBase):
    """A change bound for Zendesk (the delivery fields and rules: partner_area/platform/outbox.py). Messages about
    one support request are delivered in the order they were written."""

    support_request = models.ForeignKey(
        "support.SupportRequest", verbose_name=_("request"), on_delete=models.CASCADE, related_name="zendesk_outbox"
    )
    operation = models.CharField(_("operation"), max_length=24, choices=Operation.choices)

    class Meta(OutboxMessageBase.Meta):
        verbose_name = _("Zendesk outbox message")
        verbose_name_plural = _("Zendesk outbox")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="zendesk_outbox_due_idx"),
            models.Index(fields=["support_request", "status", "id"], name="zendesk_outbox_request_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} #{self.support_request_id} ({self.status})"

    @property
    def change_label(self) -> str:
        """What the staff sync page calls the change."""
        return f"{self.get_operation_display()}: {self.support_request}"


class ZendeskCursor(models.Model):
    """How far the incremental ticket export has been read."""

    name = models.CharField(_("export"), max_length=32, unique=True)
    cursor = models.CharField(_("cursor"), max_length=500, blank=True)
    last_success_at = models.DateTimeField(_("last successful pull"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    tickets_applied = models.PositiveBigIntegerField(_("tickets applied"), default=0)

    class Meta:
        verbose_name = _("Zendesk cursor")
        verbose_name_plural = _("Zendesk cursors")

    def __str__(self) -> str:
        return self.name
