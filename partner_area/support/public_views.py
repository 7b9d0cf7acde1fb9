"""The public site's contact form: anonymous visitors write to Brello; the message becomes a support request."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, get_language_info
from django.utils.translation import override as language_override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from partner_area.companies.access import can_use_portal, membership_for
from partner_area.platform.ratelimits import limit_posts
from partner_area.platform.sections import Section

from .forms import PublicContactForm, add_service_error
from .http import full_redirect
from .services import support_public_request_create


def _language_links(url_name: str) -> list[dict]:
    """This page in each language, for the public header's language switch (it is not a CMS page)."""
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        with language_override(code):
            url = reverse(url_name)
        links.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url, "current": code == current}
        )
    return links


def _partner_with_support(request) -> bool:
    membership = membership_for(request)
    return can_use_portal(membership) and membership.has_section(Section.SUPPORT)


# never_cache: the page carries a CSRF token (and, for a logged-in partner, a different body), so neither the
# browser nor a shared cache may keep it. It is a plain view, outside the CMS page cache.
@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("RATELIMIT_FORMS", "ip", "post:email")
def contact(request):
    if _partner_with_support(request):
        # A partner's question belongs in the Support section, where the conversation can be followed.
        context = {"partner": True, "language_links": _language_links("contact")}
        return render(request, "support/public/contact.html", context)
    form = PublicContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_public_request_create(
                name=data["name"],
                email=data["email"],
                company_name=data["company_name"],
                message=data["message"],
                request=request,
            )
        except ValidationError as error:
            names = {"contact_name": "name", "contact_email": "email", "contact_company": "company_name"}
            add_service_error(form, error, {**names, "description": "message", "subject": "message"})
        else:
            return full_redirect(request, reverse("contact_sent"))
    context = {"form": form, "language_links": _language_links("contact")}
    return render(request, "support/public/contact.html", context)


@never_cache
@require_GET
def contact_sent(request):
    return render(request, "support/public/contact_sent.html", {"language_links": _language_links("contact_sent")})
