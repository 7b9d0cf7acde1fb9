"""The partner area, under the language prefix: /en/partner/…, /lv/partner/…"""

from django.urls import include, path

app_name = "partner"

urlpatterns = [
    path("", include("partner_area.companies.urls")),
    path("", include("partner_area.performance.urls")),
    path("", include("partner_area.billing.urls")),
    path("", include("partner_area.materials.urls")),
    path("", include("partner_area.announcements.urls")),
    path("account/", include("partner_area.accounts.urls")),
]
