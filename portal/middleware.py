from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.middleware.locale import LocaleMiddleware


class PortalCSPMiddleware(CSPMiddleware):
    """Strict nonce-based CSP everywhere; the Wagtail admin, whose own scripts need inline code, gets
    ADMIN_CONTENT_SECURITY_POLICY instead."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
            parts.update = parts.replace = None
            parts.nonce = None
        return parts


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware turns any 404 outside a language prefix into a redirect to /<lang>/…,
    and Wagtail's catch-all page route makes every such path look valid. The API, the admin and files
    have no language prefix: their 404 must stay a 404 (/metrics too: it does not exist for strangers)."""

    UNPREFIXED = ("/api/", "/admin/", "/documents/", "/static/", "/media/", "/integrations/", "/metrics")

    def process_response(self, request, response):
        if request.path_info.startswith(self.UNPREFIXED):
            return response
        return super().process_response(request, response)
