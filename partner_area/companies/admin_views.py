"""Staff views in the Wagtail admin: partner listings, a company's detail page and its status decisions."""

import json
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import (
    BooleanColumn,
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    NumberColumn,
    StatusTagColumn,
)
from wagtail.admin.views import generic

from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.countries import vat_number_error
from partner_area.platform.identifiers import normalise_registration_number

from .models import Company, CompanyStatus, Membership, StaffNote
from .selectors import (
    APPLICATION_STATUSES,
    company_applications,
    company_listing,
    company_same_number,
    company_search,
)
from .services import (
    CORRECTABLE_BEFORE_LINK,
    REASON_REQUIRED,
    StatusTransitionError,
    company_can,
    company_change_status,
    company_correct,
    company_correctable_fields,
    company_erp_record,
    staff_note_add,
)

COMPANY_PERMISSIONS = ["change", "view"]
# A wagtail hook: fn(company=, request=) -> HTML (or "") shown on a company's admin page.
COMPANY_PANELS = "company_admin_panels"


@dataclass(frozen=True)
class StatusAction:
    """The words around one staff decision: its button, confirmation page and success message."""

    name: str
    label: str
    question: str
    confirm_label: str
    success_message: str
    reason_help: str = ""
    button_classname: str = "button-secondary"  # on the company page
    confirm_classname: str = ""  # on the confirmation page


STATUS_ACTIONS = {
    action.name: action
    for action in (
        StatusAction(
            "approve",
            _("Approve"),
            _("Approve %(company)s? Its people can start using the partner portal and its admins get an e-mail."),
            _("Yes, approve"),
            _("%(company)s approved."),
            button_classname="",
        ),
        StatusAction(
            "reject",
            _("Reject"),
            _("Reject the application of %(company)s? Its admins get an e-mail with the reason."),
            _("Yes, reject"),
            _("%(company)s rejected."),
            _("E-mailed to the company's admins and kept in the status history."),
            confirm_classname="serious",
        ),
        StatusAction(
            "block",
            _("Block"),
            _("Block %(company)s? Its people are logged out at once and its admins get an e-mail with the reason."),
            _("Yes, block"),
            _("%(company)s blocked."),
            _("E-mailed to the company's admins and kept in the status history."),
            button_classname="serious",
            confirm_classname="serious",
        ),
        StatusAction(
            "unblock",
            _("Unblock"),
            _("Unblock %(company)s? Its people can use the partner portal again and its admins get an e-mail."),
            _("Yes, unblock"),
            _("%(company)s unblocked."),
            _("Kept in the status history."),
            button_classname="",
        ),
    )
}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class StaffNoteForm(forms.ModelForm):
    class Meta:
        model = StaffNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class CompanyIndexView(generic.IndexView):
    """All companies; the applications view narrows this to the review queue."""

    any_permission_required = COMPANY_PERMISSIONS
    status_choices = CompanyStatus.choices

    def get_unfiltered_queryset(self):
        return Company.objects.all()

    def get_base_queryset(self):
        return company_listing(self.get_unfiltered_queryset())

    def search_queryset(self, queryset):
        return company_search(queryset, self.search_query) if self.is_searching else queryset

    def get_title_id(self, company) -> str:
        return f"company_{company.pk}_title"

    @cached_property
    def columns(self):
        return self.get_company_columns()

    def get_company_columns(self) -> list:
        return [
            self._get_title_column("legal_name", get_title_id=self.get_title_id),
            Column("registration_number", label=_("Registration number"), sort_key="registration_number"),
            Column("country", label=_("Country"), accessor="get_country_display", sort_key="country"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda company: company.status == CompanyStatus.ACTIVE,
            ),
            Column("tier", label=_("Tier"), accessor="get_tier_display", sort_key="tier"),
            Column("parent", label=_("Upline"), sort_key="parent__legal_name"),
            NumberColumn("member_count", label=_("Members"), sort_key="member_count"),
            DateColumn("created_at", label=_("Registered"), sort_key="created_at"),
        ]

    def get_status_counts(self) -> list[dict]:
        rows = self.get_unfiltered_queryset().order_by().values("status").annotate(count=Count("pk"))
        counts = {row["status"]: row["count"] for row in rows}
        return [
            {"label": label, "count": counts.get(value, 0), "url": f"{self.index_url}?{urlencode({'status': value})}"}
            for value, label in self.status_choices
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.results_only:
            context["status_counts"] = self.get_status_counts()
        return context


class ApplicationIndexView(CompanyIndexView):
    """The review queue, with bulk approve and reject."""

    status_choices = [(status.value, status.label) for status in APPLICATION_STATUSES]

    def get_unfiltered_queryset(self):
        return company_applications()

    def get_company_columns(self) -> list:
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="company"), *super().get_company_columns()]


class CompanyBreadcrumbsMixin:
    """Home › the listing the staff member came from › the company."""

    index_url_name = None
    inspect_url_name = None
    correct_url_name = None
    listing_title = ""

    def get_company_breadcrumbs(self, company, current=None):
        items = [{"url": reverse(self.index_url_name), "label": self.listing_title}]
        if current:
            items += [{"url": reverse(self.inspect_url_name, args=[company.pk]), "label": str(company)}, current]
        else:
            items.append({"url": "", "label": str(company)})
        return self.breadcrumbs_items + items


class CompanyInspectView(CompanyBreadcrumbsMixin, generic.InspectView):
    """Everything staff need to decide on a company, and the place to note why."""

    any_permission_required = COMPANY_PERMISSIONS
    status_action_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(Company.objects.select_related("parent"), pk=self.pk)

    def get_page_title(self):
        return str(self.object)

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return self.get_company_breadcrumbs(self.object)

    def get_status_actions(self) -> list[dict]:
        if not self.user_has_permission("change"):
            return []
        return [
            {
                "action": action,
                "url": reverse(self.status_action_url_name, kwargs={"pk": self.object.pk, "action": action.name}),
            }
            for action in STATUS_ACTIONS.values()
            if company_can(self.object, action.name)
        ]

    def get_erp_comparison(self) -> dict | None:
        """For a company the ERP already knows: the application beside the ERP's record, field by field."""
        if self.object.status != CompanyStatus.PENDING_VERIFICATION:
            return None
        record = company_erp_record(self.object)
        if record is None:
            return {"available": False, "rows": []}
        rows = [
            {
                "label": Company._meta.get_field(field).verbose_name,
                "portal": getattr(self.object, field) or "",
                "erp": getattr(record, field) or "",
            }
            for field in ("legal_name", "registration_number", "vat_number", "address", "city", "postal_code",
                          "country", "phone", "email", "website")
        ]  # fmt: skip
        return {"available": True, "erp_id": record.erp_id, "rows": rows}

    def get_context_data(self, note_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        company = self.object
        context.update(
            {
                "members": Membership.unscoped.filter(company=company).select_related("user"),
                "status_changes": company.status_changes.select_related("changed_by"),
                "staff_notes": company.staff_notes.select_related("author"),
                "status_actions": self.get_status_actions(),
                "can_change": self.user_has_permission("change"),
                "note_form": note_form or StaffNoteForm(),
                "erp_comparison": self.get_erp_comparison(),
                "erp_check_pending": company.status == CompanyStatus.PENDING_REVIEW and company.erp_checked_at is None,
                "same_number": company_same_number(company=company),
                # Panels other parts add (the ERP's deliveries of this company): wagtail hook "company_admin_panels".
                "extra_panels": [
                    panel
                    for panel in (fn(company=company, request=self.request) for fn in hooks.get_hooks(COMPANY_PANELS))
                    if panel
                ],
                "correct_url": reverse(self.correct_url_name, args=[company.pk]) if self.correct_url_name else "",
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.user_has_permission("change"):
            raise PermissionDenied
        form = StaffNoteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(note_form=form))
        staff_note_add(company=self.object, author=request.user, text=form.cleaned_data["text"], request=request)
        messages.success(request, _("Note added."))
        return redirect(request.path)


class CompanyCorrectionForm(forms.ModelForm):
    """The fields staff may correct now (services.company_correctable_fields), checked as at registration."""

    class Meta:
        model = Company
        fields = list(CORRECTABLE_BEFORE_LINK)

    def __init__(self, *args, allowed: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]

    def clean_vat_number(self):
        return normalise_registration_number(self.cleaned_data.get("vat_number", ""))

    def clean(self):
        data = super().clean()
        country = data.get("country", self.instance.country)
        if data.get("vat_number") and (error := vat_number_error(country, data["vat_number"])):
            self.add_error("vat_number", error)
        return data


class CompanyCorrectView(
    CompanyBreadcrumbsMixin, generic.PermissionCheckedMixin, generic.WagtailAdminTemplateMixin, FormView
):
    """Staff correct a company's data, e.g. a VAT number the ERP refused; its deliveries to the ERP go again."""

    model = Company
    permission_required = "change"
    template_name = "companies/admin/company_correct.html"
    page_title = _("Correct company data")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Company, pk=kwargs["pk"])

    def get_form(self, form_class=None):
        kwargs = self.get_form_kwargs()
        return CompanyCorrectionForm(instance=self.object, allowed=company_correctable_fields(self.object), **{
            key: value for key, value in kwargs.items() if key in ("data", "files")
        })  # fmt: skip

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        current = {"url": "", "label": self.page_title, "sublabel": str(self.object)}
        return self.get_company_breadcrumbs(self.object, current=current)

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {"object": self.object, "cancel_url": self.get_success_url(), "linked": bool(self.object.erp_id)}
        )
        return context

    def form_valid(self, form):
        changes = {name: form.cleaned_data[name] for name in form.fields}
        try:
            company_correct(company=self.object, by=self.request.user, changes=changes, request=self.request)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(company)s corrected.") % {"company": self.object})
        return redirect(self.get_success_url())


class CompanyStatusActionView(
    CompanyBreadcrumbsMixin, generic.PermissionCheckedMixin, generic.WagtailAdminTemplateMixin, FormView
):
    """Confirm one decision (approve, reject, block, unblock) and carry it out through the services."""

    model = Company
    permission_required = "change"
    template_name = "companies/admin/company_status_action.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Company, pk=kwargs["pk"])
        self.action = STATUS_ACTIONS[kwargs["action"]]

    def get(self, request, *args, **kwargs):
        if not company_can(self.object, self.action.name):
            return self.refuse(self.not_allowed_message())
        return super().get(request, *args, **kwargs)

    def get_form_class(self):
        return ReasonForm if self.action.name in REASON_REQUIRED else forms.Form

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "reason" in form.fields:
            form.fields["reason"].help_text = self.action.reason_help
        return form

    def get_page_title(self):
        return self.action.label

    def get_page_subtitle(self):
        return str(self.object)

    def get_header_title(self):
        return f"{self.action.label}: {self.object}"

    def get_breadcrumbs_items(self):
        current = {"url": "", "label": self.action.label, "sublabel": str(self.object)}
        return self.get_company_breadcrumbs(self.object, current=current)

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "action": self.action,
                "question": self.action.question % {"company": self.object},
                "cancel_url": self.get_success_url(),
            }
        )
        return context

    def not_allowed_message(self) -> str:
        return _("%(company)s cannot be changed this way while it is %(status)s.") % {
            "company": self.object,
            "status": self.object.get_status_display(),
        }

    def refuse(self, message):
        messages.error(self.request, message)
        return redirect(self.get_success_url())

    def form_valid(self, form):
        try:
            company_change_status(
                company=self.object,
                action=self.action.name,
                by=self.request.user,
                reason=form.cleaned_data.get("reason", ""),
                request=self.request,
            )
        except StatusTransitionError as error:
            return self.refuse(" ".join(error.messages))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.action.success_message % {"company": self.object})
        return redirect(self.get_success_url())


class AuditLogIndexView(generic.IndexView):
    """Who did what, newest first. Read-only: the log is append-only."""

    any_permission_required = ["view"]
    verbose_name_plural = _("entries")

    def get_base_queryset(self):
        return AuditLogEntry.objects.select_related("company")

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")  # entries in the same instant: newest first

    @cached_property
    def columns(self):
        return [
            self._get_title_column("created_at"),
            Column("action_label", label=_("Action"), sort_key="action"),
            Column("actor_email", label=_("Who"), sort_key="actor_email"),
            BooleanColumn("actor_is_staff", label=_("Staff")),
            Column("company", label=_("Company")),
            Column("target_repr", label=_("Object")),
            Column("ip_address", label=_("IP address")),
        ]


class AuditLogInspectView(generic.InspectView):
    any_permission_required = ["view"]

    def get_page_title(self):
        return _("Audit log entry")

    def get_page_subtitle(self):
        return self.object.action_label

    def get_action_display_value(self):
        return f"{self.object.action_label} ({self.object.action})"

    def get_actor_is_staff_display_value(self):
        return _("yes") if self.object.actor_is_staff else _("no")

    def get_details_display_value(self):
        return json.dumps(self.object.details, ensure_ascii=False) if self.object.details else ""
