"""Products and the materials library: Brello's content for partners, edited in the Wagtail admin. Who sees
what is decided by each object's audience (partner_area/platform/audience.py)."""

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import TranslatableMixin, get_root_collection_id
from wagtail.search import index

from partner_area.companies.models import Company, Role
from partner_area.platform.audience import Audience
from partner_area.platform.storage import private_file_storage
from partner_area.platform.tenancy import TenantModel

from .validators import safe_file_name

IFRAME_TAG = re.compile(r"<iframe\b[^>]*>", re.IGNORECASE)


class Product(index.Indexed, models.Model):
    """Something Brello sells through partners. Materials and announcements refer to products."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    short_description = models.TextField(_("short description"), max_length=400, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    partners = models.ManyToManyField(
        Company,
        verbose_name=_("partners selling it"),
        blank=True,
        related_name="products",
        help_text=_("Announcements and materials for partners of this product reach these companies."),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class MaterialCategory(TranslatableMixin, models.Model):
    """Brochure, price list, technical sheet…: an editable list, one row per language (Wagtail's
    translations: the same translation_key in each locale). Materials point at the default language's row."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("material category")
        verbose_name_plural = _("material categories")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["slug", "locale"], name="material_category_slug_per_locale")]

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        """The name in the active language: its translation's, else this row's."""
        return self.localized.name


def material_upload_to(instance: "Material", filename: str) -> str:
    # A random folder: names cannot be guessed and never collide; the readable name stays last.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"materials/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{safe_file_name(filename, extension=extension)}"


class MaterialLanguage(models.TextChoices):
    EN = "en", _("English")
    LV = "lv", _("Latvian")
    LT = "lt", _("Lithuanian")
    ET = "et", _("Estonian")
    RU = "ru", _("Russian")
    MULTI = "multi", _("Several languages")


class Material(Audience, ClusterableModel):
    """A document for partners with its metadata and the rule for who may download it."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    file = models.FileField(_("file"), upload_to=material_upload_to, storage=private_file_storage, max_length=255)
    file_name = models.CharField(_("file name"), max_length=100, editable=False, blank=True)
    file_kind = models.CharField(_("file type"), max_length=16, editable=False, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, editable=False, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), editable=False, default=0)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to="material-thumbnails/", storage=private_file_storage, blank=True, editable=False
    )
    products = ParentalManyToManyField(Product, verbose_name=_("products"), blank=True, related_name="materials")
    category = models.ForeignKey(
        MaterialCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="materials"
    )
    language = models.CharField(_("language"), max_length=8, choices=MaterialLanguage.choices, default="en")
    version = models.CharField(_("version"), max_length=40, blank=True)
    version_date = models.DateField(_("version date"), default=timezone.localdate)
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        default=get_root_collection_id,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where editors file it; collection permissions decide which editors may change it."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_fields = [index.SearchField("title"), index.SearchField("description"), index.FilterField("collection_id")]

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["category__sort_order", "title"]

    def __str__(self) -> str:
        return self.title


class MaterialDownload(TenantModel):
    """Who downloaded what and when. Editors see the counts; partners never read this log."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user_email = models.EmailField(_("who"))
    company = models.ForeignKey(Company, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    downloaded_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("material download")
        verbose_name_plural = _("material downloads")
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.user_email} · {self.material_id} · {self.downloaded_at:%Y-%m-%d %H:%M}"


class MaterialsVisit(TenantModel):
    """When a person last opened the materials library: what is newer carries a "new" badge."""

    tenant_path = "user__membership__company"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_visit_at = models.DateTimeField()
    previous_visit_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.last_visit_at:%Y-%m-%d %H:%M}"


class FeaturedVideo(TranslatableMixin, models.Model):
    """A video for the partner home, one row per language (Wagtail translations): partners on Latvian pages
    see its Latvian translation — its title, or another video altogether — and the default language's where
    there is none."""

    url = models.URLField(_("video address"), help_text=_("A YouTube or Vimeo address."))
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("Leave empty to use the title the provider gives.")
    )
    # A snapshot of the provider's oEmbed answer, taken when the address changes: the home page
    # renders it without calling the provider.
    video_html = models.TextField(editable=False, blank=True)
    video_thumbnail_url = models.URLField(editable=False, blank=True, max_length=500)
    video_provider = models.CharField(editable=False, blank=True, max_length=80)
    video_fetched_url = models.URLField(editable=False, blank=True)

    panels = [FieldPanel("url"), FieldPanel("title")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("featured video")
        verbose_name_plural = _("featured videos")

    def __str__(self) -> str:
        return self.title or self.url

    def save(self, *args, **kwargs):
        if self.url != self.video_fetched_url:
            from .services import featured_video_snapshot

            featured_video_snapshot(video=self)
        super().save(*args, **kwargs)

    @property
    def player_html(self) -> str:
        """The provider's player with the page's own title for screen readers (the snapshot carries the provider's
        English one), from youtube-nocookie.com, and without `allowfullscreen` where `allow` already grants fullscreen
        (Chromium warns)."""
        html = self.video_html
        match = IFRAME_TAG.search(html)
        if match is None:
            return html
        title = escape(self.title or _("Featured video"))
        tag = re.sub(r'\stitle="[^"]*"', "", match.group(0))
        tag = tag.replace("<iframe", f'<iframe title="{title}"', 1)
        # YouTube's player without its tracking cookies (the CSP's frame-src allows only this host for YouTube).
        tag = re.sub(r'src="https://(?:www\.)?youtube\.com/embed/', 'src="https://www.youtube-nocookie.com/embed/', tag)
        if re.search(r'\sallow="[^"]*fullscreen', tag):
            tag = re.sub(r'\sallowfullscreen(?:="[^"]*")?(?=[\s>/])', "", tag)
        return html[: match.start()] + tag + html[match.end() :]


@register_setting(icon="media")
class PartnerHomeSettings(BaseGenericSetting):
    """What editors put on every partner's home page: the featured video."""

    featured_video = models.ForeignKey(
        FeaturedVideo,
        verbose_name=_("featured video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Leave empty to show no video. Partners on Latvian pages see the video's Latvian translation "
            "where it has one."
        ),
    )

    panels = [FieldPanel("featured_video")]

    class Meta:
        verbose_name = _("partner home")
