"""StreamField blocks that editors build public pages from. Each renders through its own small
template in templates/cms_pages/blocks/."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

ICON_CHOICES = [
    ("handshake", _("Handshake")),
    ("chart", _("Growth chart")),
    ("shield", _("Shield")),
    ("support", _("Support")),
    ("document", _("Document")),
    ("megaphone", _("Megaphone")),
    ("layers", _("Layers")),
    ("star", _("Star")),
    ("cloud", _("Cloud")),
    ("euro", _("Euro")),
]

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class LinkBlock(blocks.StructBlock):
    """A button: a label and either a page of the site or an external address."""

    label = blocks.CharBlock(max_length=60, label=_("Label"))
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.RegexBlock(
        regex=r"^(https?://|/)\S+$",
        required=False,
        label=_("Address"),
        help_text=_("A full address (https://…) or a path on this site (/en/partner/register/)."),
        error_messages={"invalid": _("Enter an address starting with https:// or /.")},
    )

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter an external address."))}
            )
        return value

    class Meta:
        icon = "link"
        template = "cms_pages/blocks/link.html"


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, label=_("Heading"))
    text = blocks.TextBlock(required=False, max_length=400, label=_("Text"))
    image = ImageChooserBlock(required=False, label=_("Image"))
    buttons = blocks.ListBlock(LinkBlock(), max_num=2, default=[], label=_("Buttons"))

    class Meta:
        icon = "pick"
        template = "cms_pages/blocks/hero.html"


class IconItemBlock(blocks.StructBlock):
    icon = blocks.ChoiceBlock(choices=ICON_CHOICES, default="star", label=_("Icon"))
    title = blocks.CharBlock(max_length=80, label=_("Title"))
    text = blocks.TextBlock(max_length=400, label=_("Text"))


class FeatureGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    intro = blocks.TextBlock(required=False, max_length=400, label=_("Introduction"))
    features = blocks.ListBlock(IconItemBlock(), min_num=1, max_num=12, label=_("Features"))

    class Meta:
        icon = "table"
        template = "cms_pages/blocks/feature_grid.html"


class BenefitListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    benefits = blocks.ListBlock(IconItemBlock(), min_num=1, max_num=12, label=_("Benefits"))

    class Meta:
        icon = "list-ul"
        template = "cms_pages/blocks/benefit_list.html"


class ImageTextBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    heading = blocks.CharBlock(max_length=120, label=_("Heading"))
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    image_position = blocks.ChoiceBlock(
        choices=[("left", _("Left")), ("right", _("Right"))], default="left", label=_("Image position")
    )

    class Meta:
        icon = "image"
        template = "cms_pages/blocks/image_text.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, label=_("Heading"))
    text = blocks.TextBlock(required=False, max_length=400, label=_("Text"))
    button = LinkBlock(label=_("Button"))

    class Meta:
        icon = "placeholder"
        template = "cms_pages/blocks/call_to_action.html"


_YOUTUBE = re.compile(r"^https://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/)([A-Za-z0-9_-]{6,20})")
_VIMEO = re.compile(r"^https://(?:www\.)?vimeo\.com/(\d{4,12})")


def video_embed_url(url: str) -> str | None:
    """The privacy-friendly player address for a YouTube or Vimeo link, or None."""
    if match := _YOUTUBE.match(url):
        return f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
    if match := _VIMEO.match(url):
        return f"https://player.vimeo.com/video/{match.group(1)}?dnt=1"
    return None


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video. The player address is derived locally, so pages render without
    calling an oEmbed service."""

    url = blocks.URLBlock(label=_("YouTube or Vimeo link"))
    title = blocks.CharBlock(max_length=120, label=_("Title"), help_text=_("Read by screen readers."))
    caption = blocks.CharBlock(required=False, max_length=200, label=_("Caption"))

    def clean(self, value):
        value = super().clean(value)
        if not video_embed_url(value["url"]):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Enter a YouTube or Vimeo video link."))}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed_url"] = video_embed_url(value["url"])
        return context

    class Meta:
        icon = "media"
        template = "cms_pages/blocks/video.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200, label=_("Question"))
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Answer"))


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    items = blocks.ListBlock(FAQItemBlock(), min_num=1, label=_("Questions"))

    class Meta:
        icon = "help"
        template = "cms_pages/blocks/faq.html"


class LogoBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Logo"))
    name = blocks.CharBlock(max_length=80, label=_("Name"))
    url = blocks.URLBlock(required=False, label=_("Link"))


class LogoStripBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    logos = blocks.ListBlock(LogoBlock(), min_num=1, max_num=16, label=_("Logos"))

    class Meta:
        icon = "group"
        template = "cms_pages/blocks/logo_strip.html"


class PageBodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    rich_text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES + ["image", "embed"],
        template="cms_pages/blocks/rich_text.html",
        label=_("Rich text"),
        icon="pilcrow",
    )
    feature_grid = FeatureGridBlock(label=_("Feature grid"))
    benefit_list = BenefitListBlock(label=_("Benefit list"))
    image_text = ImageTextBlock(label=_("Image and text"))
    call_to_action = CallToActionBlock(label=_("Call to action"))
    video = VideoBlock(label=_("Video"))
    faq = FAQBlock(label=_("FAQ"))
    logo_strip = LogoStripBlock(label=_("Logo strip"))
