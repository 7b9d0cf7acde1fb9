"""The materials library in the Wagtail admin: materials (collection permissions, download counts), products,
categories, the partner home's featured videos and the download log. portal/wagtail_hooks.py puts them in the
"Partner content" menu."""

from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.collections import collection_member_permission_formset_factory
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from partner_area.platform.audience_admin import audience_panel

from .admin_views import material_file_admin
from .forms import MaterialAdminForm
from .models import FeaturedVideo, Material, MaterialCategory, MaterialDownload, Product


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
    # One row per language: the admin's locale switcher picks the language, "Translate" (simple_translation)
    # starts a translation from the English category.
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]


class FeaturedVideoViewSet(SnippetViewSet):
    """Videos for the partner home (Settings → Partner home picks one); "Translate" (simple_translation) makes
    the Latvian version, whose title — or another video — partners on Latvian pages see."""

    model = FeaturedVideo
    icon = "media"
    menu_label = _("Featured videos")
    list_display = ["title", "url", "video_provider"]
    search_fields = ["title"]


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


@hooks.register("register_admin_viewset")
def register_download_log():
    return MaterialDownloadViewSet()


@hooks.register("register_admin_urls")
def register_material_file_url():
    return [path("partner-content/files/<path:name>", material_file_admin, name="materials_admin_file")]


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
