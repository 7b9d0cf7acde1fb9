"""Server-side cache of rendered public pages for anonymous visitors, answered before Wagtail's routing.

PublicPageCacheMiddleware sits right after the locale middleware, so a hit is one cache read before CSRF, sessions,
authentication, Wagtail's site lookup and page routing run: no database query. The rules, all here:
- Only a response PublicPageCacheMixin marked is stored: a page Wagtail served to a visitor without a session (view
  restrictions are checked before a page's serve() runs), not a preview; GET, status 200, no query string.
- Never a response that sets a cookie: a page that rendered a CSRF token sets the CSRF cookie, so it is never
  stored and nobody is handed another visitor's token.
- Never for, or from, a request with a session or messages cookie (a logged-in person, a password-protected page
  opened, a message waiting) or an htmx request: those reach the view, which sees who is asking.
- The CSP nonce is cut out of the stored HTML and every hit gets a fresh one (django-csp makes it per request and
  names it in the header only when it was used), so no two answers share a nonce.
- The key is host, path and language plus a site-wide content version, bumped when a page is published,
  unpublished, moved, saved or deleted, its view restrictions change, or a site setting, site or locale changes
  (signals.py): menus and footers appear on every page, so one edit drops every stored page at once instead of
  leaving stale navigation behind.
The weak ETag is a hash of the stored HTML (with the nonce cut out), so a hit and a fresh render of the same page
agree on it; portal/cache_policy.py turns it into a 304."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "cms:content-version"
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"  # NUL never occurs in rendered HTML
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
# Headers the outer middleware (CSP, security, locale, cache policy, compression) sets again on every answer.
_NOT_STORED = {"content-length", "cache-control", "etag", "expires", "last-modified", "x-page-cache", "date"}


def content_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump_content_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def mark_public_page(response) -> None:
    """Declare a response the same for every anonymous visitor: the page cache may store it (if it sets no cookie)
    and the cache policy may let shared caches keep it."""
    response.public_page = True


def is_public_page(response) -> bool:
    return getattr(response, "public_page", False)


def _request_may_share(request) -> bool:
    """Whether the answer to this request may be the one every anonymous visitor gets."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
    )


def _key(request, version: int) -> str:
    digest = hashlib.sha256(f"{request.get_host()}\n{request.path}".encode()).hexdigest()[:32]
    return f"cms:page:{version}:{get_language()}:{digest}"


def _weak_etag(template: str) -> str:
    return f'W/"{hashlib.sha256(template.encode()).hexdigest()[:32]}"'


class PublicPageCacheMiddleware:
    """Answer anonymous GETs of public pages from the cache; store what a public page rendered for nobody in
    particular."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        storable = _request_may_share(request) and not request.META.get("QUERY_STRING")
        key = _key(request, content_version()) if storable and settings.PUBLIC_PAGE_CACHE_SECONDS > 0 else None
        stored = cache.get(key) if key else None
        if stored is not None:
            return self._replay(request, stored)
        response = self.get_response(request)
        if is_public_page(response) and not response.streaming:
            template = self._template(request, response)
            response["ETag"] = _weak_etag(template)
            if key and request.method == "GET" and response.status_code == 200 and not response.cookies:
                headers = {name: value for name, value in response.items() if name.lower() not in _NOT_STORED}
                cache.set(key, (template, headers), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _template(request, response) -> str:
        html = response.content.decode(response.charset)
        nonce = getattr(request, "csp_nonce", None)  # django-csp's lazy nonce: true only once this render used it
        return html.replace(str(nonce), NONCE_PLACEHOLDER) if nonce else html

    @staticmethod
    def _replay(request, stored) -> HttpResponse:
        template, headers = stored
        # Only a page that used a nonce asks for one, so the CSP header names a nonce exactly when the page has one.
        if NONCE_PLACEHOLDER in template:
            html = template.replace(NONCE_PLACEHOLDER, str(request.csp_nonce))
        else:
            html = template
        response = HttpResponse(html)
        for name, value in headers.items():
            response[name] = value
        response["ETag"] = _weak_etag(template)
        response["X-Page-Cache"] = "hit"
        mark_public_page(response)
        return response


class PublicPageCacheMixin:
    """Marks what a page renders for an anonymous visitor as public (see the module docstring)."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if _request_may_share(request) and not getattr(request, "is_preview", False):
            mark_public_page(response)
        return response
