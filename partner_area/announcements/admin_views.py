"""Editors' view for e-mailing a published announcement to its audience and following the progress."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views import generic

from partner_area.platform.audit.services import audit_record

from . import selectors, services
from .models import Announcement
from .selectors import announcements_of_record
from .tasks import announcement_distribute


class AnnouncementEmailView(generic.PermissionCheckedMixin, generic.WagtailAdminTemplateMixin, TemplateView):
    """Counts of queued / sent / failed e-mails, who the audience is, and the button that sends."""

    model = Announcement
    permission_required = "publish"
    template_name = "materials/admin/announcement_email.html"
    page_title = gettext_lazy("Send by e-mail")
    header_icon = "mail"
    edit_url_name = "wagtailsnippets_announcements_announcement:edit"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(announcements_of_record(), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailsnippets_announcements_announcement:list"), "label": _("Announcements")},
            {"url": reverse(self.edit_url_name, args=[self.object.pk]), "label": str(self.object)},
            {"url": "", "label": _("Send by e-mail")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recipients = selectors.announcement_recipients(announcement=self.object)
        context.update(
            announcement=self.object,
            progress=selectors.delivery_progress(announcement=self.object),
            audience_count=recipients.count(),
            opted_in_count=recipients.filter(user__announcement_emails=True).count(),
            edit_url=reverse(self.edit_url_name, args=[self.object.pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.object.live:
            messages.error(request, _("Publish the announcement before sending it."))
            return redirect(request.path)
        if request.POST.get("action") == "retry":
            count = services.announcement_failed_requeue(announcement=self.object)
            messages.success(request, _("%(count)d failed e-mails are queued again.") % {"count": count})
        else:
            messages.success(request, _("The e-mails are on their way. Each person gets the announcement once."))
        audit_record(request=request, action="announcement.email", target=self.object)
        announcement_distribute.delay(self.object.pk)
        return redirect(request.path)
