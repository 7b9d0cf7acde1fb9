"""Measure the public site: compressed page weight and how many requests per second the cached and
uncached landing page serves in-process. Prints figures; asserts nothing.

    DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/python bench/public_pages.py
(uses the database `make run` built; run `make run` once first.)"""

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

from django.contrib.staticfiles import finders  # noqa: E402
from django.test import Client, override_settings  # noqa: E402


def weight(client: Client, url: str) -> int:
    html = client.get(url).content
    total = len(gzip.compress(html))
    for asset in re.findall(rb'(?:src|href)="/static/([^"]+\.(?:js|css))"', html):
        with open(finders.find(asset.decode()), "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total


def rate(client: Client, url: str, seconds: float = 3.0) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        assert client.get(url).status_code == 200
        count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    client = Client()
    for url in ("/en/", "/lv/", "/en/solutions/"):
        print(f"{url:<18} weight (HTML+CSS+JS, gzip): {weight(client, url) / 1024:6.1f} KB")
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        print(f"/en/ uncached: {rate(client, '/en/'):7.1f} requests/s (one process, in-process client)")
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=300):
        print(f"/en/ cached:   {rate(client, '/en/'):7.1f} requests/s (one process, in-process client)")


if __name__ == "__main__":
    main()
