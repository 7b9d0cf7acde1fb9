import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Crawlers may read the public site, never the admin, the partner area or the API."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /partner/",
        "Disallow: /en/partner/",
        "Disallow: /lv/partner/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception=None):
    if request.path_info.startswith("/api/"):  # API clients read JSON, in the API's error shape
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)  # the connection was lost or refused: try again shortly
RETRY_AFTER_SECONDS = 5


def server_error(request):
    # Called while the exception is being handled: the database going away is a 503 to retry, not a bug.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if request.path_info.startswith("/api/"):  # API clients read JSON, in the API's error shape
        return JsonResponse({"detail": "Server error. The error has been logged; try again later."}, status=500)
    # Rendered with a minimal context: nothing that could fail again (no DB, no site settings).
    return render(request, "500.html", {"debug": settings.DEBUG}, status=500)


def service_unavailable(request):
    """The database could not be reached for this request: a 503 (with Retry-After) saying to try again."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": "Temporarily unavailable; try again in a few seconds."}, status=503)
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def rate_limited(request, exception=None):
    """Answer for requests over a rate limit (django-ratelimit): a friendly 429 page that says how long to wait."""
    retry_after = getattr(request, "ratelimit_retry_after", None)
    wait_minutes = -(-retry_after // 60) if retry_after else None  # rounded up: never promise too early
    response = render(request, "429.html", {"wait_minutes": wait_minutes}, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
