"""Headless access to public content through the Wagtail API v2: read-only, live public pages.
Images and documents are not listed here: partner materials will be documents with audiences."""

from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet


class PublicPagesAPIViewSet(PagesAPIViewSet):
    # The portal API defaults to authenticated access; public pages are public.
    permission_classes = [AllowAny]


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
