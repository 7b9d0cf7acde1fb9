"""The versioned partner API: /api/v1/…"""

from django.urls import include, path

urlpatterns = [
    path("", include("partner_area.companies.api_urls", namespace="api")),
    path("", include("partner_area.performance.api_urls")),
    path("", include("partner_area.billing.api_urls")),
]
