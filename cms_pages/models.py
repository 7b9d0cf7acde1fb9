from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import PageBodyBlock
from .caching import PublicPageCacheMixin


class BasePage(PublicPageCacheMixin, Page):
    """What every public page shares: a body of blocks, a summary for cards and search engines, and
    an image for social previews."""

    summary = models.TextField(
        _("summary"), blank=True, max_length=300, help_text=_("Shown on cards and as a fallback description.")
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("social image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared (OpenGraph). 1200×630 works best."),
    )
    body = StreamField(PageBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel([FieldPanel("social_image")], heading=_("Social sharing")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    api_fields = [APIField("summary"), APIField("body"), APIField("social_image")]

    class Meta:
        abstract = True

    @property
    def meta_description(self) -> str:
        return self.search_description or self.summary


class HomePage(BasePage):
    """The landing page of one language's site."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms_pages.ContentPage", "cms_pages.SolutionIndexPage"]
    template = "cms_pages/home_page.html"

    class Meta:
        verbose_name = _("home page")


class ContentPage(BasePage):
    """A flexible page built from blocks: the partner programme, benefits, a solution, FAQ…"""

    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage", "cms_pages.SolutionIndexPage"]
    template = "cms_pages/content_page.html"

    class Meta:
        verbose_name = _("content page")


class SolutionIndexPage(BasePage):
    """Lists the partner solutions (its child pages) as cards."""

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["cms_pages.ContentPage"]
    template = "cms_pages/solution_index_page.html"

    class Meta:
        verbose_name = _("solution index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["solutions"] = (
            ContentPage.objects.child_of(self).live().public().select_related("social_image").order_by("path")
        )
        return context


@register_setting(icon="site")
class SiteFooterSettings(BaseSiteSetting):
    """Contact details and social links shown in the footer of every public page."""

    company_name = models.CharField(_("company name"), max_length=120, default="Brello 360")
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("company_name"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("address"),
            ],
            heading=_("Contact details"),
        ),
        MultiFieldPanel(
            [FieldPanel("linkedin_url"), FieldPanel("facebook_url"), FieldPanel("x_url"), FieldPanel("youtube_url")],
            heading=_("Social links"),
        ),
    ]

    class Meta:
        verbose_name = _("site footer")

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("LinkedIn", self.linkedin_url),
            ("Facebook", self.facebook_url),
            ("X", self.x_url),
            ("YouTube", self.youtube_url),
        ]
        return [(name, url) for name, url in links if url]
