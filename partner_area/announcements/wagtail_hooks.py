"""Announcements in the Wagtail admin: drafts, revisions, scheduling, locking, workflow, preview as a company,
translations (simple_translation's "Translate" makes the Latvian version, a draft in the Latvian locale) and
e-mail to the audience. portal/wagtail_hooks.py puts them in the "Partner content" menu."""

from functools import cached_property

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets import ListingButton
from wagtail.models import Locale
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from partner_area.platform.audience_admin import audience_panel
from partner_area.platform.translations import is_translation

from .admin_views import AnnouncementEmailView
from .forms import AnnouncementAdminForm
from .models import Announcement


class TranslationNotePanel(HelpPanel):
    """On a translation's form only: where the fields it does not show are set."""

    class BoundPanel(HelpPanel.BoundPanel):
        def is_shown(self):
            return is_translation(self.instance) and super().is_shown()


class AnnouncementIndexView(SnippetIndexView):
    @cached_property
    def default_locale_id(self) -> int:
        return Locale.get_default().pk

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        # A translation is sent with its announcement (each person reads their language), never on its own.
        of_record = instance.locale_id == self.default_locale_id
        if of_record and instance.live and self.permission_policy.user_has_permission(self.request.user, "publish"):
            buttons.append(
                ListingButton(
                    _("Send by e-mail"),
                    url=reverse("announcements_announcement_email", args=[instance.pk]),
                    icon_name="mail",
                    priority=40,
                )
            )
        return buttons


class AnnouncementViewSet(SnippetViewSet):
    model = Announcement
    icon = "info-circle"
    menu_label = _("Announcements")
    index_view_class = AnnouncementIndexView
    list_display = [
        "title",
        "pinned",
        Column("audience_summary", label=_("Audience")),
        DateColumn("first_published_at"),
    ]
    list_filter = ["pinned", "live", "product"]
    search_fields = ["title", "summary"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    TranslationNotePanel(
                        content=_(
                            "This is a translation: it gives the announcement its title, summary and body in "
                            "this language. Audience, product, pinning and schedule follow the English "
                            "announcement; change them there."
                        )
                    ),
                    FieldPanel("title"),
                    FieldPanel("summary"),
                    FieldPanel("body"),
                    FieldRowPanel([FieldPanel("product"), FieldPanel("pinned")]),
                ],
                heading=_("Content"),
            ),
            ObjectList([audience_panel()], heading=_("Audience")),
            ObjectList(
                [FieldRowPanel([FieldPanel("go_live_at"), FieldPanel("expire_at")])],
                heading=_("Schedule"),
            ),
        ],
        base_form_class=AnnouncementAdminForm,
    )


@hooks.register("register_admin_urls")
def register_announcement_email_url():
    return [
        path(
            "partner-content/announcements/<int:pk>/email/",
            AnnouncementEmailView.as_view(),
            name="announcements_announcement_email",
        ),
    ]
