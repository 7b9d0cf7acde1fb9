from wagtail.admin.forms import WagtailAdminModelForm

from partner_area.platform.audience_admin import AudienceFormMixin


class AnnouncementAdminForm(AudienceFormMixin, WagtailAdminModelForm):
    pass
