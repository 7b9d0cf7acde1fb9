"""Finance staff tools in the Wagtail admin: "Reported payments" in the main menu (with the number waiting)."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import (
    VIEW_PERMISSION,
    InvoiceHoldView,
    InvoiceReleaseView,
    PaymentCloseConflictView,
    PaymentConfirmView,
    PaymentNoticeView,
    PaymentQueueView,
    PaymentRejectView,
    payment_remittance,
)
from .models import PaymentNotice, PaymentNoticeStatus


@hooks.register("register_admin_urls")
def register_payment_urls():
    return [
        path("payments/", PaymentQueueView.as_view(), name="billing_payments"),
        path("payments/<int:pk>/", PaymentNoticeView.as_view(), name="billing_payment"),
        path("payments/<int:pk>/remittance/", payment_remittance, name="billing_payment_remittance"),
        # One URL per staff decision; the notice's page posts its forms to them.
        path("payments/<int:pk>/confirm/", PaymentConfirmView.as_view(), name="billing_payment_confirm"),
        path("payments/<int:pk>/reject/", PaymentRejectView.as_view(), name="billing_payment_reject"),
        path("payments/<int:pk>/close/", PaymentCloseConflictView.as_view(), name="billing_payment_close"),
        path("payments/<int:pk>/hold/", InvoiceHoldView.as_view(), name="billing_payment_hold"),
        path("payments/<int:pk>/release/", InvoiceReleaseView.as_view(), name="billing_payment_release"),
    ]


class PaymentQueueMenuItem(MenuItem):
    """Shows how many reported payments wait for a decision, e.g. "Reported payments (3)"."""

    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)

    def render_component(self, request):
        component = super().render_component(request)
        waiting = PaymentNotice.unscoped.filter(
            status__in=[PaymentNoticeStatus.REPORTED, PaymentNoticeStatus.CONFLICT]
        ).count()
        if waiting:
            component.label = f"{self.label} ({waiting})"
        return component


@hooks.register("register_admin_menu_item")
def register_payment_menu_item():
    return PaymentQueueMenuItem(_("Reported payments"), reverse("billing_payments"), icon_name="tasks", order=260)


@hooks.register("register_permissions")
def register_payment_permissions():
    return Permission.objects.filter(
        content_type__app_label="billing", codename__in=["view_paymentnotice", "change_paymentnotice"]
    )
