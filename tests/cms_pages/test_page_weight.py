"""The landing page stays light on a phone connection: HTML, CSS and JS under 60 KB compressed."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 60 * 1024


def _gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def test_landing_page_weight_without_images_is_under_budget(client, public_site):
    html = client.get("/en/").content
    assets = re.findall(rb'<(?:script|link)[^>]+(?:src|href)="/static/([^"]+\.(?:js|css))"', html)
    assert any(a.endswith(b".css") for a in assets) and any(a.endswith(b".js") for a in assets)
    total = _gzipped_size(html)
    for asset in assets:
        path = finders.find(asset.decode())
        assert path, asset
        with open(path, "rb") as handle:
            total += _gzipped_size(handle.read())
    assert total < BUDGET_BYTES, f"landing page weighs {total} bytes compressed"
