"""Server-side cache of rendered public pages for anonymous visitors.

A cache key carries a site-wide content version that is bumped whenever a page is published,
unpublished, moved or deleted, or site settings change: menus and footers appear on every page,
so one edit invalidates everything at once instead of leaving stale navigation behind."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "cms:content-version"


def content_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump_content_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _cacheable(request) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.GET
        and not getattr(request, "is_preview", False)
        and not request.user.is_authenticated
    )


class PublicPageCacheMixin:
    """Serve a page from the cache to anonymous visitors; render and store it otherwise."""

    def serve(self, request, *args, **kwargs):
        if not _cacheable(request):
            return super().serve(request, *args, **kwargs)
        key = f"cms:page:{content_version()}:{self.pk}:{get_language()}:{request.path}"
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached, content_type="text/html; charset=utf-8")
            response["X-Page-Cache"] = "hit"
        else:
            response = super().serve(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200:
                cache.set(key, response.content, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        patch_cache_control(response, public=True, max_age=60)
        return response
