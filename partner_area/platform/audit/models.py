from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Audit entries are never changed or deleted."""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


# What staff read for each action code (the log stores the code, so old entries read the same in any language).
ACTION_LABELS = {
    "announcement.email": _("Announcement e-mailed"),
    "company.registered": _("Company registered"),
    "company.approve": _("Company approved"),
    "company.reject": _("Company rejected"),
    "company.block": _("Company blocked"),
    "company.unblock": _("Company unblocked"),
    "company.note": _("Staff note added"),
    "company.contact_details": _("Company contact details changed"),
    "company.contact_added": _("Contact person added"),
    "company.contact_changed": _("Contact person changed"),
    "erp.conflict_reviewed": _("ERP conflict reviewed"),
    "erp.outbox_retry": _("ERP delivery retried"),
    "erp.outbox_retry_all": _("All parked ERP deliveries retried"),
    "erp.outbox_discard": _("ERP delivery discarded"),
    "erp.pull_requested": _("ERP pull started by staff"),
    "erp.check_requested": _("ERP sync check started"),
    "zendesk.outbox_retry": _("Zendesk delivery retried"),
    "zendesk.outbox_retry_all": _("All parked Zendesk deliveries retried"),
    "zendesk.outbox_discard": _("Zendesk delivery discarded"),
    "zendesk.pull_requested": _("Zendesk pull started by staff"),
    "invitation.create": _("Invitation sent"),
    "invitation.resend": _("Invitation sent again"),
    "invitation.revoke": _("Invitation revoked"),
    "invitation.accept": _("Invitation accepted"),
    "member.role_change": _("Member's role or sections changed"),
    "member.deactivate": _("Member deactivated"),
    "member.reactivate": _("Member reactivated"),
    "invoice.hold": _("Invoice put on hold"),
    "invoice.release": _("Invoice released from hold"),
    "payment.report": _("Payment reported"),
    "payment.confirm": _("Payment confirmed"),
    "payment.reject": _("Payment rejected"),
    "payment.conflict": _("Payment in conflict with the ERP"),
    "payment.conflict_close": _("Payment conflict closed"),
    "support.request_create": _("Support request opened"),
    "support.public_request_create": _("Contact form request received"),
    "support.reply_add": _("Support reply added"),
    "support.solve": _("Support request marked solved"),
    "support.reopen": _("Support request reopened"),
    "two_factor.enabled": _("Two-factor login turned on"),
    "two_factor.disabled": _("Two-factor login turned off"),
    "api_token.revoke": _("API token revoked"),
}


def action_label(action: str):
    """The readable label of an action code; the code itself for one without a label."""
    return ACTION_LABELS.get(action, action)


class AuditLogEntry(models.Model):
    """Who did what, when and from where: every staff and org-admin action."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_email = models.EmailField(_("who (e-mail)"), blank=True)
    actor_is_staff = models.BooleanField(_("staff"), default=False)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at"]), models.Index(fields=["actor", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    @property
    def action_label(self):
        return action_label(self.action)
