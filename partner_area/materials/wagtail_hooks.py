"""The "Partner content" menu in the Wagtail admin: announcements (drafts, revisions, scheduling, locking,
workflow, preview as a company, e-mail to the audience), materials (collection permissions, download
counts), products, categories and the download log."""

from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.collections import collection_member_permission_formset_factory
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_views import AnnouncementEmailView, material_file_admin
from .forms import AnnouncementAdminForm, MaterialAdminForm
from .models import Announcement, Material, MaterialCategory, MaterialDownload, Product


def audience_panel() -> MultiFieldPanel:
    return MultiFieldPanel(
        [
            FieldPanel("audience_all"),
            FieldRowPanel([FieldPanel("audience_tiers"), FieldPanel("audience_countries")]),
            FieldPanel("audience_products"),
            FieldPanel("audience_companies"),
            FieldPanel("admins_only"),
        ],
        heading=_("Audience"),
        help_text=_(
            "All partners, or: companies that match every part you fill in (tiers, countries, products), "
            "plus the specific companies. “Org admins only” leaves out the other users."
        ),
    )


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Products")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("short_description"),
        FieldPanel("image"),
        FieldPanel("sort_order"),
        FieldPanel("partners"),
    ]


class MaterialCategoryViewSet(SnippetViewSet):
    model = MaterialCategory
    icon = "folder-open-1"
    menu_label = _("Material categories")
    list_display = ["name", "name_lv", "slug", "sort_order"]
    search_fields = ["name", "name_lv"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("sort_order"),
        MultiFieldPanel([FieldPanel("name_lv")], heading=_("Latvian")),
    ]


class AnnouncementIndexView(SnippetIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.live and self.permission_policy.user_has_permission(self.request.user, "publish"):
            buttons.append(
                ListingButton(
                    _("Send by e-mail"),
                    url=reverse("materials_announcement_email", args=[instance.pk]),
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
    search_fields = ["title", "summary", "title_lv", "summary_lv"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("summary"),
                    FieldPanel("body"),
                    FieldRowPanel([FieldPanel("product"), FieldPanel("pinned")]),
                ],
                heading=_("Content"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [FieldPanel("title_lv"), FieldPanel("summary_lv"), FieldPanel("body_lv")],
                        heading=_("Latvian version"),
                        help_text=_(
                            "Partners on Latvian pages, and Latvian-speaking partners in their e-mail, read these "
                            "texts. Where a field is empty they read the English text from the Content tab."
                        ),
                    )
                ],
                heading=_("Latvian"),
            ),
            ObjectList([audience_panel()], heading=_("Audience")),
            ObjectList(
                [FieldRowPanel([FieldPanel("go_live_at"), FieldPanel("expire_at")])],
                heading=_("Schedule"),
            ),
        ],
        base_form_class=AnnouncementAdminForm,
    )


class MaterialViewSet(SnippetViewSet):
    model = Material
    icon = "doc-full"
    menu_label = _("Materials")
    list_display = [
        "title",
        "category",
        "language",
        Column("audience_summary", label=_("Audience")),
        Column("download_count", label=_("Downloads"), sort_key="download_count"),
        DateColumn("created_at"),
    ]
    list_filter = ["category", "language", "products", "collection", "admins_only"]
    search_fields = ["title", "description"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldPanel("file"),
                    FieldPanel("products"),
                    FieldRowPanel([FieldPanel("category"), FieldPanel("language")]),
                    FieldRowPanel([FieldPanel("version"), FieldPanel("version_date")]),
                    FieldPanel("collection"),
                ],
                heading=_("Material"),
            ),
            ObjectList([audience_panel()], heading=_("Who may download it")),
        ],
        base_form_class=MaterialAdminForm,
    )

    def get_queryset(self, request):
        return Material.objects.select_related("category").annotate(download_count=Count("downloads"))


class MaterialDownloadViewSet(ModelViewSet):
    """The download log, read-only: who downloaded which material and when."""

    model = MaterialDownload
    icon = "download"
    menu_label = _("Download log")
    add_to_admin_menu = True
    menu_order = 241
    name = "material_downloads"
    url_prefix = "partner-content/downloads"
    add_to_reference_index = False
    copy_view_enabled = False
    list_display = ["material", "user_email", "company", "role", DateColumn("downloaded_at")]
    list_filter = ["material", "company"]
    ordering = "-downloaded_at"
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, history_url_name=None, **kwargs
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=self.menu_label, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_permissions_to_register(self):
        from django.contrib.auth.models import Permission

        return Permission.objects.filter(content_type__app_label="materials", codename="view_materialdownload")

    def register_admin_url_finder(self):
        pass  # log entries have no edit page


class PartnerContentGroup(SnippetViewSetGroup):
    menu_label = _("Partner content")
    menu_icon = "doc-full-inverse"
    menu_order = 240
    items = (AnnouncementViewSet, MaterialViewSet, ProductViewSet, MaterialCategoryViewSet)


register_snippet(PartnerContentGroup)


@hooks.register("register_admin_viewset")
def register_download_log():
    return MaterialDownloadViewSet()


@hooks.register("register_admin_urls")
def register_announcement_email_url():
    return [
        path(
            "partner-content/announcements/<int:pk>/email/",
            AnnouncementEmailView.as_view(),
            name="materials_announcement_email",
        ),
        path("partner-content/files/<path:name>", material_file_admin, name="materials_admin_file"),
    ]


GroupMaterialPermissionFormSet = collection_member_permission_formset_factory(
    Material,
    [
        ("add_material", _("Add"), _("Add materials in this collection")),
        ("change_material", _("Edit"), _("Edit materials in this collection")),
        ("delete_material", _("Delete"), _("Delete materials in this collection")),
    ],
    "materials/admin/material_permissions_formset.html",
)


@hooks.register("register_group_permission_panel")
def register_material_permissions_panel():
    return GroupMaterialPermissionFormSet
