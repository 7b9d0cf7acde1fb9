"""Staff tools in the Wagtail admin: a "Partners" menu with the applications queue, all partner
profiles and the audit log, plus bulk approve/reject on the queue.

Access follows the model permissions (the "Partner managers" group has them): viewing needs
organizations.view_company or change_company, decisions and notes need change_company, and the
audit log needs audit.view_auditlogentry."""

from django import forms
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.templatetags.static import static
from django.urls import path, re_path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder, register_admin_url_finder
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from partner_area.platform.audit.models import AuditLogEntry

from .admin_filters import ApplicationFilterSet, AuditLogFilterSet, CompanyFilterSet
from .admin_home import WaitingApplicationsPanel, can_review_applications
from .admin_views import (
    COMPANY_PERMISSIONS,
    STATUS_ACTIONS,
    ApplicationIndexView,
    AuditLogIndexView,
    AuditLogInspectView,
    CompanyCorrectView,
    CompanyIndexView,
    CompanyInspectView,
    CompanyStatusActionView,
    ReasonForm,
)
from .models import Company
from .selectors import company_applications, company_search
from .services import StatusTransitionError, company_can, company_change_status

PROFILES_INSPECT_URL_NAME = "partner_profiles:inspect"


class ReadOnlyViewSetMixin:
    """No add, edit, delete, history or usage pages: these records change only through services."""

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )


class CompanyAdminURLFinder(ModelAdminURLFinder):
    """Links to a company in the admin (e.g. from other admin pages) lead to its profile."""

    edit_url_name = PROFILES_INSPECT_URL_NAME


class PartnerApplicationsMenuItem(MenuItem):
    """Shows how many applications wait, e.g. "Partner applications (3)"."""

    def is_shown(self, request):
        return policy_registry.get_by_type(Company).user_has_any_permission(request.user, COMPANY_PERMISSIONS)

    def render_component(self, request):
        component = super().render_component(request)
        if count := company_applications().count():
            component.label = f"{self.label} ({count})"
        return component


class CompanyViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Every partner company: listing, detail page and status decisions. No add, edit or delete:
    companies register themselves and change status only through the services."""

    model = Company
    name = "partner_profiles"
    url_prefix = "partners/profiles"
    menu_label = _("Partner profiles")
    icon = "group"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = CompanyIndexView
    inspect_view_class = CompanyInspectView
    status_action_view_class = CompanyStatusActionView
    correct_view_class = CompanyCorrectView
    index_template_name = "companies/admin/company_index.html"
    inspect_template_name = "companies/admin/company_inspect.html"
    filterset_class = CompanyFilterSet
    # Searched by admin_filters.company_search (the database search backend cannot follow relations).
    search_fields = ["legal_name", "registration_number", "vat_number", "memberships__user__email"]
    search_backend_name = None
    ordering = "legal_name"
    list_per_page = 50
    inspect_view_fields = [
        "legal_name",
        "registration_number",
        "vat_number",
        "country",
        "address",
        "city",
        "postal_code",
        "phone",
        "email",
        "website",
        "status",
        "status_reason",
        "tier",
        "parent",
        "erp_id",
        "zendesk_organization_id",
        "terms_version",
        "terms_accepted_at",
        "created_at",
        "approved_at",
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            listing_title=self.menu_label,
            status_action_url_name=self.get_url_name("status_action"),
            correct_url_name=self.get_url_name("correct"),
            **kwargs,
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=self.menu_label, **kwargs)

    @property
    def status_action_view(self):
        return self.construct_view(self.status_action_view_class, **self.get_common_view_kwargs())

    @property
    def correct_view(self):
        return self.construct_view(self.correct_view_class, **self.get_common_view_kwargs())

    def get_urlpatterns(self):
        actions = "|".join(STATUS_ACTIONS)
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            re_path(rf"^(?P<pk>\d+)/(?P<action>{actions})/$", self.status_action_view, name="status_action"),
            path("<int:pk>/correct/", self.correct_view, name="correct"),
        ]

    def get_permissions_to_register(self):
        content_type = ContentType.objects.get_for_model(Company)
        return Permission.objects.filter(content_type=content_type, codename__in=["view_company", "change_company"])

    def register_admin_url_finder(self):
        register_admin_url_finder(Company, CompanyAdminURLFinder)


class ApplicationViewSet(CompanyViewSet):
    """The review queue: pending companies whose first admin has confirmed their e-mail."""

    name = "partner_applications"
    url_prefix = "partners/applications"
    menu_label = _("Partner applications")
    icon = "form"
    index_view_class = ApplicationIndexView
    index_template_name = "companies/admin/application_index.html"
    filterset_class = ApplicationFilterSet
    menu_item_class = PartnerApplicationsMenuItem
    ordering = "created_at"  # first come, first served

    def get_permissions_to_register(self):
        return Permission.objects.none()  # the profiles viewset registers the Company permissions

    def register_admin_url_finder(self):
        pass  # company links lead to the profile


class AuditLogViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """The audit log, read-only and newest first."""

    model = AuditLogEntry
    name = "partner_audit_log"
    url_prefix = "partners/audit-log"
    menu_label = _("Audit log")
    icon = "history"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = AuditLogIndexView
    inspect_view_class = AuditLogInspectView
    inspect_template_name = "companies/admin/audit_inspect.html"
    filterset_class = AuditLogFilterSet
    ordering = "-created_at"
    list_per_page = 50
    inspect_view_fields = [
        "created_at",
        "action",
        "actor_email",
        "actor_is_staff",
        "company",
        "target_type",
        "target_id",
        "target_repr",
        "details",
        "ip_address",
        "user_agent",
    ]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        content_type = ContentType.objects.get_for_model(AuditLogEntry)
        return Permission.objects.filter(content_type=content_type, codename="view_auditlogentry")

    def register_admin_url_finder(self):
        pass  # entries have no edit page


class PartnersViewSetGroup(ViewSetGroup):
    menu_label = _("Partners")
    menu_icon = "group"
    menu_order = 250
    items = (ApplicationViewSet, CompanyViewSet, AuditLogViewSet)


@hooks.register("register_admin_viewset")
def register_partners_viewsets():
    return PartnersViewSetGroup()


@hooks.register("insert_global_admin_css")
def partners_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-partners.css"))


@hooks.register("construct_homepage_panels")
def add_waiting_applications_panel(request, panels):
    if can_review_applications(request.user):
        panels.append(WaitingApplicationsPanel())


class CompanyStatusBulkAction(PermissionCheckedMixin, BulkAction):
    """Approve or reject the selected applications through the services, one company at a time."""

    models = [Company]
    permission_required = "change"
    status_action = ""
    template_name = "companies/admin/bulk_status_change.html"
    form_class = forms.Form

    def check_perm(self, company):
        # Companies that cannot take this step now are listed apart and left alone.
        return company_can(company, self.status_action)

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all" sends the listing's filters and search along.
        queryset = ApplicationFilterSet(self.request.GET, queryset=company_applications(), request=self.request).qs
        return company_search(queryset, self.request.GET.get("q", "")).values_list("pk", flat=True)

    def get_question(self, count: int) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "status_action": STATUS_ACTIONS[self.status_action],
                "question": self.get_question(len(context["items"])),
                "inspect_url_name": PROFILES_INSPECT_URL_NAME,
            }
        )
        return context

    def get_execution_context(self):
        return {
            "by": self.request.user,
            "request": self.request,
            "reason": self.cleaned_form.cleaned_data.get("reason", ""),
        }

    @classmethod
    def execute_action(cls, companies, by=None, request=None, reason="", **kwargs):
        changed = 0
        for company in companies:
            try:
                company_change_status(company=company, action=cls.status_action, by=by, reason=reason, request=request)
            except StatusTransitionError:
                continue  # someone else decided on it since the confirmation page was shown
            changed += 1
        return changed, 0


@hooks.register("register_bulk_action")
class ApproveApplicationsBulkAction(CompanyStatusBulkAction):
    display_name = _("Approve")
    aria_label = _("Approve the selected applications")
    action_type = "approve"
    status_action = "approve"
    action_priority = 10

    def get_question(self, count):
        return ngettext(
            "Approve this application? Its admins get an e-mail.",
            "Approve these %(count)d applications? Each company's admins get an e-mail.",
            count,
        ) % {"count": count}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d application approved.", "%(count)d applications approved.", num_parent_objects) % {
            "count": num_parent_objects
        }


@hooks.register("register_bulk_action")
class RejectApplicationsBulkAction(CompanyStatusBulkAction):
    display_name = _("Reject")
    aria_label = _("Reject the selected applications")
    action_type = "reject"
    status_action = "reject"
    action_priority = 20
    classes = {"serious"}
    form_class = ReasonForm

    def get_question(self, count):
        return ngettext(
            "Reject this application? Its admins get an e-mail with the reason.",
            "Reject these %(count)d applications? Each company's admins get an e-mail with the reason.",
            count,
        ) % {"count": count}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["reason"].help_text = _("The same reason is e-mailed to each company's admins.")
        return form

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d application rejected.", "%(count)d applications rejected.", num_parent_objects) % {
            "count": num_parent_objects
        }
