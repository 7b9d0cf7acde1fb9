"""The partner area, under the language prefix: /en/partner/…, /lv/partner/… — each feature's pages."""

from django.urls import include, path

app_name = "partner"

urlpatterns = [
    path("", include("partner_area.home.urls")),
    path("", include("partner_area.onboarding.urls")),
    path("", include("partner_area.companies.urls")),
    path("", include("partner_area.members.urls")),
    path("support/", include("partner_area.support.urls")),  # names: support, support_new, support_detail, …
    path("", include("partner_area.performance.urls")),
    path("", include("partner_area.billing.urls")),
    path("", include("partner_area.materials.urls")),
    path("", include("partner_area.announcements.urls")),
    path("account/", include("partner_area.accounts.urls")),
]
