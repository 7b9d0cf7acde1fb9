"""Finance staff in the Wagtail admin: the queue of reported payments, one notice with its decisions (confirm,
reject with a reason, close a conflict with a note), its remittance file, and putting its invoice on hold
(an internal flag: not pushed to the ERP). Each decision is its own small view at its own URL, calling one service.

Viewing needs billing.view_paymentnotice, deciding billing.change_paymentnotice (grant them to a finance group
under Settings → Groups; superusers have both)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.ports.erp import erp_is_configured

from .models import PaymentNotice, PaymentNoticeStatus
from .services import (
    PaymentNoticeError,
    invoice_hold,
    invoice_release,
    payment_notice_close_conflict,
    payment_notice_confirm,
    payment_notice_reject,
    remittance_file_response,
)

VIEW_PERMISSION = "billing.view_paymentnotice"
CHANGE_PERMISSION = "billing.change_paymentnotice"
OPEN = "open"  # the default tab: everything that still needs staff or the ERP
OPEN_STATUSES = (PaymentNoticeStatus.REPORTED, PaymentNoticeStatus.CONFLICT, PaymentNoticeStatus.CONFIRMED)
PER_PAGE = 50


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("E-mailed to the partner."),
    )


class CloseConflictForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why nothing more is recorded in the ERP"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HoldForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Staff only: not sent to the ERP and not shown to the partner."),
    )


class StaffPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PaymentQueueView(StaffPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Reported payments, oldest first in the open tab (first come, first served)."""

    template_name = "billing/admin/payment_queue.html"
    page_title = gettext_lazy("Reported payments")
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status") or OPEN
        if status != OPEN and status not in PaymentNoticeStatus.values:
            status = OPEN
        notices = PaymentNotice.unscoped.select_related("company", "invoice", "reported_by")
        if status == OPEN:
            notices = notices.filter(status__in=OPEN_STATUSES).order_by("created_at", "id")
        else:
            notices = notices.filter(status=status).order_by("-created_at", "-id")
        counts = dict(PaymentNotice.unscoped.order_by().values_list("status").annotate(n=Count("id")))
        erp_configured = erp_is_configured()
        labels = dict(PaymentNoticeStatus.choices)
        if not erp_configured:  # "waiting for the ERP" would wait for nothing: say why they stay
            labels[PaymentNoticeStatus.CONFIRMED] = _("Confirmed (no ERP is configured)")
        tabs = [{"value": OPEN, "label": _("Open"), "count": sum(counts.get(s, 0) for s in OPEN_STATUSES)}]
        tabs += [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in labels.items()]
        page = Paginator(notices, PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            {
                "page": page,
                "notices": page.object_list,
                "tabs": tabs,
                "current": status,
                "erp_configured": erp_configured,
            }
        )
        return context


class PaymentNoticeView(StaffPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One reported payment with the invoice as the ERP last reported it, its history and the decisions."""

    template_name = "billing/admin/payment_notice.html"
    header_icon = "tasks"

    def get_notice(self) -> PaymentNotice:
        return get_object_or_404(
            PaymentNotice.unscoped.select_related("company", "invoice", "reported_by", "decided_by"),
            pk=self.kwargs["pk"],
        )

    def get_page_title(self):
        return _("Payment %(reference)s") % {"reference": self.notice.reference}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("billing_payments"), "label": _("Reported payments")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        self.notice = self.get_notice()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, reject_form=None, close_form=None, hold_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = self.notice
        can_change = self.request.user.has_perm(CHANGE_PERMISSION)
        context.update(
            {
                "notice": notice,
                "invoice": notice.invoice,
                "erp_configured": erp_is_configured(),
                "can_change": can_change,
                "can_confirm": can_change and notice.status == PaymentNoticeStatus.REPORTED,
                "can_reject": can_change
                and notice.status in (PaymentNoticeStatus.REPORTED, PaymentNoticeStatus.CONFLICT),
                "can_close": can_change and notice.status == PaymentNoticeStatus.CONFLICT,
                "reject_form": reject_form or RejectForm(),
                "close_form": close_form or CloseConflictForm(),
                "hold_form": hold_form or HoldForm(),
                "history": AuditLogEntry.objects.filter(
                    target_type=PaymentNotice._meta.label, target_id=str(notice.pk)
                ).order_by("created_at", "id"),
            }
        )
        return context


class PaymentNoticeActionView(PaymentNoticeView):
    """One staff decision on a notice, posted from its page: `form_class` (if any) is bound to the POST; when it
    is valid, `act` calls the service and answers. An invalid form shows the page again with its errors; a
    notice someone else decided first goes back to the page with the reason."""

    http_method_names = ["post"]
    form_class: type[forms.Form] | None = None
    form_name = ""  # the page's context name for this form

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        self.notice = self.get_notice()
        form = self.form_class(request.POST) if self.form_class else None
        if form is None or form.is_valid():
            try:
                return self.act(form.cleaned_data if form else {})
            except PaymentNoticeError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("billing_payment", pk=self.notice.pk)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        self.notice = self.get_notice()
        return self.render_to_response(self.get_context_data(**({self.form_name: form} if form else {})))

    def act(self, data: dict):
        raise NotImplementedError


class PaymentConfirmView(PaymentNoticeActionView):
    def act(self, data):
        payment_notice_confirm(notice=self.notice, by=self.request.user, request=self.request)
        if erp_is_configured():
            messages.success(self.request, _("Payment confirmed. It is being recorded in the ERP."))
        else:  # the outbox keeps it until an ERP is configured
            messages.success(
                self.request,
                _("Payment confirmed. No ERP is configured: the payment is sent to the ERP once one is connected."),
            )
        return redirect("billing_payments")


class PaymentRejectView(PaymentNoticeActionView):
    form_class, form_name = RejectForm, "reject_form"

    def act(self, data):
        payment_notice_reject(notice=self.notice, by=self.request.user, reason=data["reason"], request=self.request)
        messages.success(self.request, _("Payment rejected. The partner gets an e-mail with the reason."))
        return redirect("billing_payments")


class PaymentCloseConflictView(PaymentNoticeActionView):
    form_class, form_name = CloseConflictForm, "close_form"

    def act(self, data):
        payment_notice_close_conflict(notice=self.notice, by=self.request.user, note=data["note"], request=self.request)
        messages.success(self.request, _("Conflict closed. Nothing more is sent to the ERP."))
        return redirect("billing_payments")


class InvoiceHoldView(PaymentNoticeActionView):
    form_class, form_name = HoldForm, "hold_form"

    def act(self, data):
        invoice_hold(invoice=self.notice.invoice, by=self.request.user, note=data["note"], request=self.request)
        messages.success(self.request, _("The invoice is on hold (internal only)."))
        return redirect("billing_payment", pk=self.notice.pk)


class InvoiceReleaseView(PaymentNoticeActionView):
    def act(self, data):
        invoice_release(invoice=self.notice.invoice, by=self.request.user, request=self.request)
        messages.success(self.request, _("The invoice is no longer on hold."))
        return redirect("billing_payment", pk=self.notice.pk)


def payment_remittance(request, pk: int):
    """The remittance advice a partner attached, for finance staff."""
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    notice = get_object_or_404(PaymentNotice.unscoped, pk=pk)
    if not notice.remittance:
        raise Http404("No remittance advice")
    return remittance_file_response(notice=notice)
