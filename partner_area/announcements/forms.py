from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from partner_area.platform.audience_admin import AudienceFormMixin
from partner_area.platform.translations import is_translation

from .models import TRANSLATED_FIELDS

NOT_IN_ENGLISH_FIRST = _(
    "Write the announcement in English first, then use “Translate” on it to add the Latvian version: partners "
    "see an announcement through its English original."
)


class AnnouncementAdminForm(AudienceFormMixin, WagtailAdminModelForm):
    """The English announcement is the announcement of record, with every field; a translation edits only its
    texts (the edit view says so), and an announcement cannot be started in another language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.translating = is_translation(self.instance)
        if self.translating:
            for name in list(self.fields):
                if name not in TRANSLATED_FIELDS:
                    del self.fields[name]

    def clean(self):
        if self.translating:
            return super(AudienceFormMixin, self).clean()
        cleaned = super().clean()
        if self.instance._state.adding and self.instance.locale_id not in (None, Locale.get_default().pk):
            raise ValidationError(NOT_IN_ENGLISH_FIRST)
        return cleaned
