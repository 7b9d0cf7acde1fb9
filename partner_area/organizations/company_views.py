"""Org admin: the company's own profile — legal data as the ERP keeps it, contact details they keep."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import partner_required
from .forms import clean_phone
from .models import Company
from .services import company_update_contact_details


class ContactDetailsForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Company phone"), max_length=32)
    email = forms.EmailField(label=gettext_lazy("Company e-mail"), max_length=254)
    website = forms.URLField(label=gettext_lazy("Website"), required=False, max_length=200, assume_scheme="https")

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


@partner_required(admin=True)
def company_profile(request):
    company = Company.objects.select_related("parent").get(pk=request.membership.company_id)
    initial = {"phone": company.phone, "email": company.email, "website": company.website}
    form = ContactDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        company_update_contact_details(membership=request.membership, request=request, **form.cleaned_data)
        messages.success(request, _("The company's contact details are saved."))
        return redirect("partner:company")
    return render(request, "organizations/company.html", {"company": company, "form": form})
