"""The Wagtail dashboard panel of partner applications waiting for review: how many, the oldest first, each one
click from its review page (where Approve and Reject are)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry

from .admin_views import COMPANY_PERMISSIONS
from .models import Company
from .selectors import company_applications

SHOWN_ON_DASHBOARD = 10


def can_review_applications(user) -> bool:
    return policy_registry.get_by_type(Company).user_has_any_permission(user, COMPANY_PERMISSIONS)


class WaitingApplicationsPanel(Component):
    name = "partner_applications_waiting"
    order = 50  # above Wagtail's own panels (pages for moderation sit at 200 and below)
    template_name = "companies/admin/home_waiting_applications.html"
    heading = _("Partner applications waiting for review")

    def get_context_data(self, parent_context=None):
        waiting = company_applications().order_by("created_at", "pk")
        return {
            "heading": self.heading,
            "count": waiting.count(),
            "applications": list(waiting[:SHOWN_ON_DASHBOARD]),
        }
