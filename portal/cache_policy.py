"""What browsers and shared caches (a CDN) may keep, decided in one place for every response.

- A public page (cms_pages.caching.mark_public_page: what a page rendered for an anonymous visitor) that sets no
  cookie: `Cache-Control: public, max-age=PUBLIC_PAGE_MAX_AGE, stale-while-revalidate=
  PUBLIC_PAGE_STALE_WHILE_REVALIDATE`, a weak ETag, `Vary: Cookie` (a logged-in person's cookie is another entry)
  and `304 Not Modified` with no body when If-None-Match names the current ETag.
- Everything else a view left without a Cache-Control (the partner area, the Wagtail admin, /api/v1/, any page for
  a logged-in person, forms with a CSRF token): `private, no-store`, so no shared cache ever keeps a partner's data
  or a token. A view that chose its own Cache-Control (robots.txt, a material's download) keeps it; a response that
  sets a cookie is never public, whatever it says.
The compression middleware outside this one adds `Vary: Accept-Encoding`."""

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from cms_pages.caching import is_public_page


def _is_shared(response) -> bool:
    return is_public_page(response) and not response.cookies and response.status_code == 200


def _etag(response) -> str:
    if response.has_header("ETag"):
        return response["ETag"]
    return f'W/"{hashlib.sha256(response.content).hexdigest()[:32]}"'


class CachePolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_shared(response) and not response.streaming:
            response.headers.pop("Cache-Control", None)
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_PAGE_MAX_AGE,
                stale_while_revalidate=settings.PUBLIC_PAGE_STALE_WHILE_REVALIDATE,
            )
            patch_vary_headers(response, ["Cookie"])
            response["ETag"] = _etag(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        if response.cookies and "public" in response.get("Cache-Control", ""):
            response.headers.pop("Cache-Control")
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
