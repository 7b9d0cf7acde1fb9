import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partner_area.platform.countries import COUNTRY_CHOICES
from partner_area.platform.identifiers import normalise_registration_number
from partner_area.platform.sections import Section
from partner_area.platform.tenancy import TenantManager
from partner_area.platform.tiers import Tier


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    USER = "user", _("User")


class CompanyStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", _("Pending review")
    PENDING_VERIFICATION = "pending_verification", _("Pending verification")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    BLOCKED = "blocked", _("Blocked")


# Staff have verified these companies: only they are linked to an ERP record and receive the ERP's data.
VERIFIED_STATUSES = (CompanyStatus.ACTIVE, CompanyStatus.BLOCKED)


class CompanyQuerySet(models.QuerySet):
    def holding_number(self, number: str) -> "CompanyQuerySet":
        """The companies that hold this registration number: all but rejected applications, which never stop the
        real company from registering (they stay for staff to see)."""
        return self.filter(registration_number=normalise_registration_number(number)).exclude(
            status=CompanyStatus.REJECTED
        )

    def erp_linked(self) -> "CompanyQuerySet":
        """Companies linked to an ERP record by staff's verification: the only ones the ERP's data reaches."""
        return self.exclude(erp_id="").filter(status__in=VERIFIED_STATUSES)


class Company(models.Model):
    """A partner organisation."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    registration_number = models.CharField(_("registration number"), max_length=32, db_index=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES, default="LV", db_index=True)
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=16)
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("company e-mail"))
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=CompanyStatus.choices, default=CompanyStatus.PENDING_REVIEW, db_index=True
    )
    status_reason = models.TextField(_("reason"), blank=True, help_text=_("Shown to the company's people."))
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("upline partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_partners",
    )
    terms_version = models.CharField(_("terms version accepted"), max_length=16, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    erp_id = models.CharField(_("ERP id"), max_length=64, blank=True, db_index=True)
    erp_checked_at = models.DateTimeField(
        _("ERP checked"),
        null=True,
        blank=True,
        help_text=_("When the ERP was asked whether it knows this registration number (empty: not yet)."),
    )
    zendesk_organization_id = models.CharField(_("Zendesk organisation id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]
        indexes = [
            models.Index(Lower("legal_name"), name="company_name_lower_idx"),
            models.Index(fields=["vat_number"], name="company_vat_idx"),
            models.Index(fields=["status", "-created_at"], name="company_status_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(status=CompanyStatus.REJECTED),
                name="company_registration_number_unique",
                violation_error_message=_("A company with this registration number already has a portal account."),
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args, **kwargs):
        self.registration_number = normalise_registration_number(self.registration_number)
        self.vat_number = normalise_registration_number(self.vat_number)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == CompanyStatus.ACTIVE


class SectionGrants(models.Model):
    """One grant per section of the registry (partner_area/platform/sections.py), `can_<section>`, shared by
    memberships and invitations. The fields are added below from the registry, so the list lives in one place."""

    class Meta:
        abstract = True

    def has_section(self, section: str) -> bool:
        return self.role == Role.ADMIN or bool(getattr(self, f"can_{section}"))

    @property
    def sections(self) -> list[str]:
        return [section for section in Section.values if self.has_section(section)]

    def set_sections(self, sections) -> None:
        for section in Section.values:
            setattr(self, f"can_{section}", section in sections)


def _add_section_grants(model: type[models.Model]) -> None:
    for section in Section:
        model.add_to_class(f"can_{section.value}", models.BooleanField(section.label, default=False))


_add_section_grants(SectionGrants)


class Membership(SectionGrants):
    """A person's place in a partner company: one company per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    unscoped = models.Manager()
    objects = TenantManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__email"]
        indexes = [models.Index(fields=["company", "role", "is_active"], name="membership_company_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.company})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


INVITATION_LIFETIME = timedelta(days=7)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("invitation", "Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Invitation(SectionGrants):
    """An e-mailed, single-use invitation to join a company. Only the token's hash is stored."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.USER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    unscoped = models.Manager()
    objects = TenantManager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["company", "email"], name="invitation_company_email_idx")]

    def __str__(self) -> str:
        return self.email

    def issue_token(self) -> str:
        """Give the invitation a fresh token and expiry; returns the token to put in the e-mail."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        self.expires_at = timezone.now() + INVITATION_LIFETIME
        return token

    @classmethod
    def find_by_token(cls, token: str) -> "Invitation | None":
        # unscoped: not a member yet, looked up by the invitation token
        return cls.unscoped.select_related("company").filter(token_hash=_hash_token(token or "")).first()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return InvitationStatus(self.status).label


class CompanyStatusChange(models.Model):
    """The status history of a company, shown to staff."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=24, choices=CompanyStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=CompanyStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.company}: {self.from_status or '-'} → {self.to_status}"


class StaffNote(models.Model):
    """An internal note about a company, visible to staff only."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff note")
        verbose_name_plural = _("staff notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class CompanyContact(models.Model):
    """A person of a partner company, as the company's org admins and the ERP know them (not necessarily a portal
    user). Org admins edit them on the company page; the ERP sync keeps them in step with the ERP's."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    erp_id = models.CharField(_("ERP id"), max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    unscoped = models.Manager()
    objects = TenantManager()

    class Meta:
        db_table = "erp_companycontact"  # where the ERP integration first kept it; the table stays
        verbose_name = _("company contact")
        verbose_name_plural = _("company contacts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["erp_id"], condition=~models.Q(erp_id=""), name="company_contact_erp_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
