"""Measure the public site: what a cold visit transfers, how many queries a page costs with and without the page
cache, and how many requests per second each serves in-process, side by side in one run. Prints figures; asserts
nothing.

    DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/python bench/public_pages.py
(uses the database `make run` built; run `make run` once first, or point DATABASE_URL at another seeded one.)

"Cold visit" is the HTML as the portal sends it to a browser that accepts brotli (portal/compression.py) plus the
page's CSS and JS as WhiteNoise serves them in production (its pre-compressed .br copies, brotli at quality 11);
images and the favicon are left out."""

import gzip
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

import brotli  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import path  # noqa: E402

# The limit: a bare view behind the same middleware, served by this module as the URL map.
urlpatterns = [path("bare/", lambda request: HttpResponse("ok"))]

BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def cold_visit(url: str) -> dict[str, int]:
    """Bytes on the wire for one cold visit: the HTML as sent, and each CSS and JS file it loads."""
    response = Client().get(url, **BROWSER)
    html = response.content
    if response.get("Content-Encoding") == "br":
        html = brotli.decompress(html)
    elif response.get("Content-Encoding") == "gzip":
        html = gzip.decompress(html)
    sizes = {f"HTML ({response.get('Content-Encoding', 'identity')})": len(response.content)}
    for asset in re.findall(rb'(?:src|href)="/static/([^"]+\.(?:js|css))"', html):
        with open(finders.find(asset.decode()), "rb") as handle:
            sizes[asset.decode()] = len(brotli.compress(handle.read(), quality=11))
    sizes["HTML uncompressed (for reference)"] = -len(html)  # negative: not counted in the total
    return sizes


def queries(url: str) -> int:
    client = Client()
    client.get(url)  # warm: the page cache (when on) and the navigation cache
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def rate(url: str, seconds: float = 3.0) -> float:
    client, count, start = Client(), 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        assert client.get(url, **BROWSER).status_code == 200
        count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    cache.clear()
    for url in ("/lv/", "/en/", "/en/solutions/"):
        sizes = cold_visit(url)
        total = sum(size for size in sizes.values() if size > 0)
        print(f"{url:<16} cold visit (HTML as sent + CSS + JS brotli): {total / 1024:5.1f} KB")
        for name, size in sizes.items():
            print(f"    {name:<40} {abs(size) / 1024:6.1f} KB")
    counts = {}
    for label, seconds in (("uncached", 0), ("page cache hit", 300)):
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=seconds):
            cache.clear()
            counts[label] = queries("/en/")
    # Three rounds, the three targets interleaved in each, so a change in the machine's load hits all alike.
    rates = {"uncached": [], "page cache hit": [], "bare view": []}
    for _round in range(3):
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
            rates["uncached"].append(rate("/en/"))
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=300):
            rates["page cache hit"].append(rate("/en/"))
        with override_settings(ROOT_URLCONF=__name__):
            rates["bare view"].append(rate("/bare/"))
    median = {label: sorted(values)[1] for label, values in rates.items()}
    for label, per_second in median.items():
        count = f"{counts[label]:2d} queries" if label in counts else "   -      "
        print(f"{label:<15} {count}, {per_second:7.1f} requests/s (median of 3, one process, in-process client)")
    print(f"page cache hit / bare view: {median['page cache hit'] / median['bare view']:.2f}")
    print(f"uncached / bare view:       {median['uncached'] / median['bare view']:.3f}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
