"""The Support section: the member's requests, one request, and the forms that open a request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partner_area.organizations.access import partner_required
from partner_area.organizations.models import Section
from partner_area.ratelimits import limit_posts

from .forms import QuickContactForm, StatusFilterForm, SupportRequestForm
from .selectors import support_request_get, support_requests_for
from .services import support_request_create

PER_PAGE = 25


def _received_message(request, support_request) -> None:
    messages.success(
        request,
        _("Your request #%(number)s has been received. We will get back to you soon.") % {"number": support_request.pk},
    )


@require_GET
@partner_required(section=Section.SUPPORT)
def support_list(request):
    membership = request.membership
    filter_form = StatusFilterForm(request.GET)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    page = Paginator(support_requests_for(membership=membership, status=status or None), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"filter_form": filter_form, "status": status, "page": page, "show_requester": membership.is_admin}
    return render(request, "support/list.html", context)


@require_GET
@partner_required(section=Section.SUPPORT)
def support_detail(request, request_id: int):
    support_request = support_request_get(membership=request.membership, request_id=request_id)
    return render(request, "support/detail.html", {"support_request": support_request})


@require_http_methods(["GET", "POST"])
@partner_required(section=Section.SUPPORT)
@limit_posts("RATELIMIT_FORMS", "ip", "user")
def support_new(request):
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support_request = support_request_create(
                membership=request.membership, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _received_message(request, support_request)
            return redirect("partner:support_detail", request_id=support_request.pk)
    return render(request, "support/new.html", {"form": form})


@require_POST
@partner_required(section=Section.SUPPORT)
@limit_posts("RATELIMIT_FORMS", "ip", "user")
def support_quick(request):
    """The home page's contact form: back to the home on success, its own small page with the errors otherwise."""
    form = QuickContactForm(request.POST)
    if form.is_valid():
        try:
            support_request = support_request_create(
                membership=request.membership,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["message"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _received_message(request, support_request)
            return redirect("partner:home")
    return render(request, "support/quick.html", {"form": form}, status=200)
