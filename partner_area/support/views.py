"""The Support section: the member's requests, one request with its conversation, and the forms that open,
answer, solve and reopen a request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap

from partner_area.companies.access import partner_required
from partner_area.platform.ports.zendesk import ZendeskError
from partner_area.platform.ratelimits import limit_posts
from partner_area.platform.sections import Section
from partner_area.platform.storage import private_file_response

from .attachments import support_attachment_store
from .forms import QuickContactForm, ReplyForm, StatusFilterForm, SupportRequestForm, add_service_error
from .http import full_redirect
from .models import Source
from .selectors import support_attachment_get, support_conversation, support_request_get, support_requests_for
from .services import (
    support_reply_add,
    support_request_create,
    support_request_reopen,
    support_request_solve,
)

PER_PAGE = 25


def _received_message(request, support_request) -> None:
    messages.success(
        request,
        _("Your request #%(number)s has been received. We will get back to you soon.") % {"number": support_request.pk},
    )


def _detail_url(support_request, anchor: str = "") -> str:
    url = reverse("partner:support_detail", kwargs={"request_id": support_request.pk})
    return f"{url}#{anchor}" if anchor else url


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


def _render_detail(request, support_request, reply_form=None, status: int = 200):
    context = {
        "support_request": support_request,
        "conversation": support_conversation(support_request=support_request),
        "reply_form": reply_form if reply_form is not None else ReplyForm(),
    }
    return render(request, "support/detail.html", context, status=status)


@require_GET
@partner_required(section=Section.SUPPORT)
def support_detail(request, request_id: int):
    support_request = support_request_get(membership=request.membership, request_id=request_id)
    return _render_detail(request, support_request)


@require_http_methods(["GET", "POST"])
@partner_required(section=Section.SUPPORT)
@limit_posts("RATELIMIT_FORMS", "ip", "user")
def support_new(request):
    form = SupportRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_request = support_request_create(
                membership=request.membership,
                subject=data["subject"],
                description=data["description"],
                category=data["category"],
                priority=data["priority"],
                attachments=data["attachments"],
                source=Source.PORTAL,
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _received_message(request, support_request)
            return full_redirect(request, _detail_url(support_request))
    return render(request, "support/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@partner_required(section=Section.SUPPORT)
@limit_posts("RATELIMIT_SUPPORT_ACTIONS", "ip", "user")
def support_reply(request, request_id: int):
    support_request = support_request_get(membership=request.membership, request_id=request_id)
    if request.method == "GET":  # the address a plain form with errors leaves in the address bar
        return redirect(_detail_url(support_request, anchor="reply-panel"))
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            comment = support_reply_add(
                membership=request.membership,
                support_request=support_request,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your reply has been added to the conversation."))
            if not request.htmx:
                return redirect(_detail_url(support_request, anchor=f"comment-{comment.pk}"))
            # htmx swaps the page body in place (a redirect to this same page plus an anchor would not reload it)
            # and scrolls to the new message; the flash message arrives through hx-select-oob.
            support_request = support_request_get(membership=request.membership, request_id=request_id)
            return reswap(_render_detail(request, support_request), f"outerHTML show:#comment-{comment.pk}:top")
    return _render_detail(request, support_request, reply_form=form)


def _change_status(request, request_id: int, service, done_message: str):
    support_request = support_request_get(membership=request.membership, request_id=request_id)
    try:
        service(membership=request.membership, support_request=support_request, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message)
    return full_redirect(request, _detail_url(support_request))


@require_POST
@partner_required(section=Section.SUPPORT)
@limit_posts("RATELIMIT_SUPPORT_ACTIONS", "ip", "user")
def support_solve(request, request_id: int):
    return _change_status(request, request_id, support_request_solve, _("Thank you. The request is marked as solved."))


@require_POST
@partner_required(section=Section.SUPPORT)
@limit_posts("RATELIMIT_SUPPORT_ACTIONS", "ip", "user")
def support_reopen(request, request_id: int):
    return _change_status(
        request, request_id, support_request_reopen, _("The request is open again. Tell us what is still missing.")
    )


@require_GET
@partner_required(section=Section.SUPPORT)
def support_attachment(request, attachment_id: int):
    """A file of the conversation, only for members who may see its request (404 otherwise)."""
    attachment = support_attachment_get(membership=request.membership, attachment_id=attachment_id)
    unavailable = _("This file is not available right now. Please try again later.")
    if not attachment.file:
        if attachment.zendesk_attachment_id is None:
            raise Http404("No file")
        try:
            # An agent's file: fetched from Zendesk the first time, checked and kept on private storage.
            support_attachment_store(attachment=attachment)
        except ZendeskError:
            messages.error(request, unavailable)
            return redirect("partner:support_detail", request_id=attachment.support_request_id)
    try:
        return private_file_response(
            file=attachment.file, filename=attachment.filename, content_type=attachment.content_type
        )
    except FileNotFoundError:
        messages.error(request, unavailable)
        return redirect("partner:support_detail", request_id=attachment.support_request_id)


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
                source=Source.HOME,
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error, {"description": "message"})
        else:
            _received_message(request, support_request)
            return redirect("partner:home")
    return render(request, "support/quick.html", {"form": form}, status=200)
