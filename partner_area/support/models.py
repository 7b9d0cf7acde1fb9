from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partner_area.platform.storage import private_file_storage
from partner_area.platform.tenancy import TenantModel


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


class Source(models.TextChoices):
    PORTAL = "portal", _("Support section")
    HOME = "home", _("Partner home contact form")
    PUBLIC = "public", _("Public contact form")


class SupportRequest(TenantModel):
    """A partner's request for help; later mirrored as a Zendesk ticket."""

    # Both empty only for the public contact form (an anonymous visitor): such a request belongs to no company,
    # so no partner ever sees it; its sender is in the contact_* fields.
    company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="support_requests",
        null=True,
        blank=True,
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="support_requests",
        null=True,
        blank=True,
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.PORTAL)
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_company = models.CharField(_("company name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=150)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.QUESTION)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(_("description"), max_length=5000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    zendesk_ticket_id = models.CharField(_("Zendesk ticket id"), max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last update"), auto_now=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["company", "status", "-created_at"], name="support_company_status_idx"),
        ]
        constraints = [
            # Only the public contact form makes requests without a company and a requester, and those need an
            # address to answer to.
            models.CheckConstraint(
                condition=models.Q(source="public", contact_email__gt="")
                | (~models.Q(source="public") & models.Q(company__isnull=False, requester__isnull=False)),
                name="support_request_owner_or_public_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def can_reply(self) -> bool:
        """Zendesk refuses comments on closed tickets; a closed request needs a new (follow-up) request."""
        return self.status != Status.CLOSED

    @property
    def can_solve(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def can_reopen(self) -> bool:
        """Only a solved request can be reopened; Zendesk never reopens a closed ticket."""
        return self.status == Status.SOLVED


def attachment_upload_to(instance: "SupportAttachment", filename: str) -> str:
    return f"support/{instance.support_request_id}/{filename}"


class SupportComment(TenantModel):
    """One message in a request's conversation: the partner's replies and Zendesk's public comments.

    Internal notes from Zendesk are stored with public=False (or not at all) and are never shown to partners.
    """

    tenant_path = "support_request__company"

    support_request = models.ForeignKey(
        SupportRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="comments"
    )
    # Empty for comments written in Zendesk (an agent); author_name then holds the agent's name.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="support_comments",
        null=True,
        blank=True,
    )
    author_name = models.CharField(_("author name"), max_length=150, blank=True)
    body = models.TextField(_("message"), max_length=10000)
    public = models.BooleanField(_("public"), default=True)
    from_zendesk = models.BooleanField(_("written in Zendesk"), default=False)
    zendesk_comment_id = models.BigIntegerField(_("Zendesk comment id"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("support comment")
        verbose_name_plural = _("support comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["support_request", "public", "created_at"], name="support_comment_thread_idx")]

    def __str__(self) -> str:
        return f"#{self.support_request_id}: {self.body[:40]}"


class SupportAttachment(TenantModel):
    """A file attached to a request (with its first message) or to a reply; kept on private storage and
    served only through an authorising view."""

    tenant_path = "support_request__company"

    support_request = models.ForeignKey(
        SupportRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        SupportComment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    file = models.FileField(
        _("file"), upload_to=attachment_upload_to, storage=private_file_storage, max_length=255, blank=True
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    # The upload token Zendesk returned (outbound), or the attachment's id and URL in Zendesk (inbound).
    zendesk_token = models.CharField(_("Zendesk upload token"), max_length=64, blank=True)
    zendesk_attachment_id = models.BigIntegerField(_("Zendesk attachment id"), null=True, blank=True)
    zendesk_content_url = models.URLField(_("Zendesk content URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("support attachment")
        verbose_name_plural = _("support attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.filename
