"""The versioned partner API: /api/v1/…"""

from django.urls import include, path

urlpatterns = [
    path("", include("partner_area.organizations.api_urls", namespace="api")),
]
