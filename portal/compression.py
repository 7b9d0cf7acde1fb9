"""Compressed HTML and JSON: brotli where it cannot leak a secret, Django's padded gzip everywhere else.

BREACH recovers a secret from the compressed size of responses that also reflect attacker-chosen text. Brotli
(smaller) is used only for responses that hold no secret: the request carried no credentials (no session cookie, no
Authorization header) and the response sets no cookie, so it has no CSRF token (rendering one sets the CSRF cookie)
and no one's data. Every other response goes through Django's GZipMiddleware, which adds up to 100 random bytes to
the gzip header's file name so the compressed length no longer tracks the secret. Static files never reach this
middleware: WhiteNoise, above it, serves them with their own pre-compressed copies."""

import re

import brotli
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

_ACCEPTS_BROTLI = re.compile(r"\bbr\b(?!\s*;\s*q=0(?:\.0*)?\s*(?:,|$))")
_COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/javascript", "image/svg+xml")
MIN_LENGTH = 200
# Measured on the 9 KB /lv/ home: quality 4 gives 2.9 KB in ≈ 0.29 ms, 5 gives 2.7 KB in ≈ 0.36 ms, padded gzip 3.0 KB
# in ≈ 0.21 ms. Every page-cache hit is compressed afresh (its nonce is new), so the cheaper level wins.
BROTLI_QUALITY = 4


def holds_no_secret(request, response) -> bool:
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not response.cookies
    )


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < MIN_LENGTH
            or not response.get("Content-Type", "").startswith(_COMPRESSIBLE)
        ):
            return response
        if _ACCEPTS_BROTLI.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) and holds_no_secret(request, response):
            patch_vary_headers(response, ("Accept-Encoding",))
            compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
            if len(compressed) < len(response.content):
                response.content = compressed
                response["Content-Length"] = str(len(compressed))
                response["Content-Encoding"] = "br"
            return response
        return super().process_response(request, response)
