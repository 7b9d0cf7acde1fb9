"""`make run` (DEBUG on) answers a missing page or a crash with the portal's own bilingual 404 and 500 pages, the
ones partners see in production, instead of Django's technical pages (English, every URL pattern listed, wider than
a phone). A developer who wants the technical pages back sets DEBUG_TECHNICAL_ERRORS=1. With DEBUG off this
middleware does nothing: Django already renders handler404/handler500."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, get_resolver, resolve

logger = logging.getLogger("django.request")


class FriendlyErrorPagesMiddleware:
    """Innermost middleware of the dev settings: every outer middleware (language, CSP, sessions, user) has run, so
    the error page renders as in production and a 404 under /lv/ is Latvian."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_ERRORS", False)

    def __call__(self, request):
        if self.active():
            # A path no URL pattern matches fails before any view runs, where process_exception never sees it.
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return self.not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self.active():
            return None
        if isinstance(exception, Http404):
            return self.not_found(request, exception)
        if isinstance(exception, Exception) and not _handled_by_django(exception):
            # The traceback still reaches the runserver console, as Django would log it.
            logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"request": request})
            response = _error_handler(request, 500)(request)
            response._has_been_logged = True
            return response
        return None

    @staticmethod
    def not_found(request, exception):
        return _error_handler(request, 404)(request, exception=exception)


def _error_handler(request, status: int):
    return get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(status)


def _handled_by_django(exception) -> bool:
    """403, 400 and the like already get their handler page with DEBUG on; only the crash page is technical."""
    return isinstance(exception, (PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError))
