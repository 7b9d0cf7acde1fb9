"""Texts with an optional Latvian version in `<field>_lv` (partner content edited in the Wagtail admin)."""

from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

TRANSLATED_LANGUAGE = "lv"
LATVIAN_HELP = _("Partners on Latvian pages see this. Leave it empty to show the English text.")


def _has_text(value: str) -> bool:
    # An emptied rich text editor can leave an empty paragraph behind; that is no Latvian version.
    value = (value or "").strip()
    return bool(value) and (bool(strip_tags(value).strip()) or "<embed" in value or "<img" in value)


class LatvianVersionMixin:
    """Texts with an optional Latvian version in `<field>_lv`: partners see the version for the active
    language, and the English text wherever the Latvian one is empty."""

    def in_language(self, field_name: str, language: str | None = None) -> str:
        language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
        if language == TRANSLATED_LANGUAGE:
            latvian = getattr(self, f"{field_name}_{TRANSLATED_LANGUAGE}", "")
            if _has_text(latvian):
                return latvian
        return getattr(self, field_name)
