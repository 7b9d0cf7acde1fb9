from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partner_area.tenancy import TenantManager


class Category(models.TextChoices):
    QUESTION = "question", _("Question")
    TECHNICAL = "technical", _("Technical problem")
    BILLING = "billing", _("Billing")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")  # stored in the portal, not yet accepted by Zendesk
    SENT = "sent", _("Sent")  # Zendesk accepted it; a ticket exists
    OPEN = "open", _("Open")
    PENDING = "pending", _("Awaiting your reply")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


#: statuses counted as "open" on the partner home
OPEN_STATUSES = (Status.RECEIVED, Status.SENT, Status.OPEN, Status.PENDING)


class SupportRequest(models.Model):
    """A partner's request for help; later mirrored as a Zendesk ticket."""

    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("company"), on_delete=models.CASCADE, related_name="support_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="support_requests"
    )
    subject = models.CharField(_("subject"), max_length=150)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.QUESTION)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(_("description"), max_length=5000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    zendesk_ticket_id = models.CharField(_("Zendesk ticket id"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last update"), auto_now=True)

    unscoped = models.Manager()
    objects = TenantManager()

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["company", "status", "-created_at"], name="support_company_status_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
