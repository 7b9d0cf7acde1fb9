from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


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
