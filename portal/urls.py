from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms_pages.api import api_router
from cms_pages.sitemaps import AllLocalesSitemap
from integrations.erp.webhook import erp_webhook
from integrations.zendesk.webhook import zendesk_webhook
from partner_area.platform import health

from . import metrics_endpoint, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_endpoint.metrics, name="metrics"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": AllLocalesSitemap}}, name="sitemap"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/cms/v2/", api_router.urls),
    path("api/v1/", include("partner_area.api_urls")),
    path("integrations/erp/webhook/", erp_webhook, name="erp_webhook"),
    path("integrations/zendesk/webhook/", zendesk_webhook, name="zendesk_webhook"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public CMS pages live under a language prefix (/en/, /lv/); Wagtail serves whatever is left.
urlpatterns += i18n_patterns(
    path("partner/", include("partner_area.urls")),
    path("contact/", include("partner_area.support.public_urls")),  # names: contact, contact_sent
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
