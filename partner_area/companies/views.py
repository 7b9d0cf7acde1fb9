"""The company's own profile: legal data as the ERP keeps it, and the contact details and contact persons the
org admin keeps current. Every member reads it; only org admins change it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from partner_area.platform.forms import clean_phone
from partner_area.platform.ports.erp import company_reaches_erp
from partner_area.platform.ratelimits import limit_posts

from .access import partner_required
from .contacts import contact_get, contact_list, contact_save
from .models import Company
from .services import company_update_contact_details


class ContactDetailsForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Company phone"), max_length=32)
    email = forms.EmailField(label=gettext_lazy("Company e-mail"), max_length=254)
    website = forms.URLField(label=gettext_lazy("Website"), required=False, max_length=200, assume_scheme="https")

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class ContactPersonForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


@require_http_methods(["GET", "HEAD", "POST"])
@partner_required()
@limit_posts("RATELIMIT_FORMS", "ip", "user")
def company_profile(request):
    """Every member sees the company's details and contact persons; org admins change the contact details."""
    membership = request.membership
    if request.method == "POST" and not membership.is_admin:
        raise Http404("Only org admins change the company")
    company = Company.objects.select_related("parent").get(pk=membership.company_id)
    form = None
    if membership.is_admin:
        initial = {"phone": company.phone, "email": company.email, "website": company.website}
        form = ContactDetailsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            company_update_contact_details(membership=membership, request=request, **form.cleaned_data)
            messages.success(request, _("The company's contact details are saved."))
            return redirect("partner:company")
    context = {
        "company": company,
        "form": form,
        "contacts": contact_list(membership=membership),
        "can_edit": membership.is_admin,
        "reaches_erp": company_reaches_erp(company),
    }
    return render(request, "companies/company.html", context)


def _contact_form_page(request, *, contact=None):
    form = ContactPersonForm(
        request.POST if request.method == "POST" else None,
        initial={field: getattr(contact, field) for field in ("name", "email", "phone")} if contact else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved, queued = contact_save(
                membership=request.membership, contact=contact, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if queued:
                messages.success(request, _("%(name)s is saved. Brello's records are updated too.") % {"name": saved})
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": saved})
            return redirect("partner:company")
    context = {"form": form, "contact": contact, "reaches_erp": company_reaches_erp(request.membership.company)}
    return render(request, "companies/company_contact_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@partner_required(admin=True)
@limit_posts("RATELIMIT_FORMS", "ip", "user")
def company_contact_new(request):
    """Add a contact person of the company."""
    return _contact_form_page(request)


@require_http_methods(["GET", "HEAD", "POST"])
@partner_required(admin=True)
@limit_posts("RATELIMIT_FORMS", "ip", "user")
def company_contact_edit(request, contact_id: int):
    """Change a contact person of the company."""
    return _contact_form_page(request, contact=contact_get(membership=request.membership, contact_id=contact_id))
