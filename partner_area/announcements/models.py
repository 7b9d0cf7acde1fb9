"""News for partners and its e-mail distribution. The tables keep the names they had in the materials app
(migration announcements 0001): moving the models did not move any data.

Announcements are translated the Wagtail way (TranslatableMixin, simple_translation's "Translate"): the row in
the default locale is the announcement of record — its audience, product, pinning, publishing, reads and
e-mails are the announcement's. A row in another locale with the same translation_key only supplies the
title, summary and body for that language, once it is published; partners never see it as an announcement
of its own."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    Locale,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from partner_area.companies.models import Company, CompanyStatus
from partner_area.platform.audience import Audience, audience_includes
from partner_area.platform.tenancy import TenantManager

ANNOUNCEMENT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "image", "embed"]
# What a translation supplies; everything else is the default-locale row's.
TRANSLATED_FIELDS = ("title", "summary", "body")
LATVIAN = "lv"


def content_language(language: str | None = None) -> str:
    """The content locale's language code for this (or the active) language; the default one if unsupported."""
    try:
        return get_supported_content_language_variant(language or translation.get_language() or "")
    except LookupError:
        return default_content_language()


def default_content_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def has_text(value: str | None) -> bool:
    # An emptied rich text editor can leave an empty paragraph behind: that is no text to show.
    value = (value or "").strip()
    return bool(value) and (bool(strip_tags(value).strip()) or "<embed" in value or "<img" in value)


class Announcement(
    TranslatableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    Audience,
    ClusterableModel,
):
    """News for partners, with drafts, revisions, scheduling, locking and a moderation workflow."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=400, help_text=_("Shown in lists and in the e-mail."))
    body = RichTextField(_("body"), features=ANNOUNCEMENT_FEATURES, blank=True)
    product = models.ForeignKey(
        "materials.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Pinned announcements come first."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="announcement")

    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.AutocompleteField("title"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        db_table = "materials_announcement"
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pinned", "-first_published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def copy_for_translation(self, locale, exclude_fields=None):
        """A translation starts as an unpublished draft of its own (Wagtail's copy would carry over the
        source's publishing state, live revision and lock); editors publish it when the text is ready."""
        translated = super().copy_for_translation(locale, exclude_fields=exclude_fields)
        translated.live, translated.has_unpublished_changes, translated.live_revision = False, True, None
        translated.first_published_at = translated.last_published_at = None
        translated.locked, translated.locked_at, translated.locked_by = False, None, None
        translated.go_live_at = translated.expire_at = None
        return translated

    def live_translation(self, language: str | None = None) -> "Announcement | None":
        """The published translation into this (or the active) language, or None (then partners read this row)."""
        language = content_language(language)
        if language == default_content_language():
            return None
        cache = self.__dict__.setdefault("_live_translations", {})
        if language not in cache:
            cache[language] = (
                Announcement.objects.filter(
                    translation_key=self.translation_key, locale__language_code=language, live=True
                )
                .exclude(pk=self.pk)
                .first()
            )
        return cache[language]

    def in_active_language(self, field_name: str) -> str:
        """A translated field as partners read it in the active language: the live translation's text, else
        this row's. announcements_for() annotates the translation's texts (`translated_<field>`), so that a
        list costs no query per announcement."""
        annotated = f"translated_{field_name}"
        if annotated in self.__dict__:
            value = self.__dict__[annotated]
        else:
            translated = self.live_translation()
            value = getattr(translated, field_name) if translated else ""
        return value if has_text(value) else getattr(self, field_name)

    @property
    def localized_title(self) -> str:
        return self.in_active_language("title")

    @property
    def localized_summary(self) -> str:
        return self.in_active_language("summary")

    @property
    def localized_body(self) -> str:
        return self.in_active_language("body")

    @property
    def revisions(self):
        return self._revisions

    # Preview "as a chosen company would see it": one preview mode per active company.
    @property
    def preview_modes(self):
        companies = Company.objects.filter(status=CompanyStatus.ACTIVE).order_by("legal_name")[:200]
        return [
            ("", _("Partner view")),
            (LATVIAN, _("Partner view in Latvian")),
            *((f"company-{c.pk}", _("As %(company)s") % {"company": c}) for c in companies),
        ]

    def serve_preview(self, request, mode_name):
        # Rendered in the partner's language, not the editor's admin language: English, or the Latvian mode.
        language = LATVIAN if mode_name == LATVIAN else settings.LANGUAGE_CODE
        with translation.override(language):
            return super().serve_preview(request, mode_name).render()

    def get_preview_template(self, request, mode_name):
        return "materials/announcement_preview.html"

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), **self.preview_audience(mode_name)}

    def preview_audience(self, mode_name: str) -> dict:
        """What the editor's preview shows: the partner view, and in a company mode whether that company's
        org admins and users are in the audience (of the edited, possibly unsaved, version)."""
        context = {"announcement": self, "preview_company": None}
        if mode_name.startswith("company-"):
            company = Company.objects.filter(pk=mode_name.removeprefix("company-")).first()
            # A translation's audience is its English original's (the translation's form does not show one).
            of_record = self
            if self.locale_id is not None and self.locale.language_code != default_content_language():
                of_record = self.get_translation_or_none(Locale.get_default()) or self
            if company is not None:
                context.update(
                    preview_company=company,
                    preview_admins_see=audience_includes(of_record, company=company, is_admin=True),
                    preview_users_see=audience_includes(of_record, company=company, is_admin=False),
                )
        return context


class AnnouncementRead(models.Model):
    """That a person has opened an announcement."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read"), default=timezone.now)

    unscoped = models.Manager()
    objects = TenantManager(tenant_path="user__membership__company")

    class Meta:
        db_table = "materials_announcementread"
        verbose_name = _("announcement read")
        verbose_name_plural = _("announcement reads")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.announcement_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (opted out)")


class AnnouncementDelivery(models.Model):
    """One announcement e-mail to one person: the unique pair is what makes sending twice a no-op."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED, db_index=True
    )
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        db_table = "materials_announcementdelivery"
        verbose_name = _("announcement e-mail")
        verbose_name_plural = _("announcement e-mails")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_delivery_once")]
        indexes = [models.Index(fields=["announcement", "status"], name="delivery_announcement_status")]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_status_display()}"
