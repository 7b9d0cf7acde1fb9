import pytest
from django.core.cache import cache

from cms_pages.seed import public_site_seed


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (one Redis database per xdist worker)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_site(db):
    """The demo public site in English and Latvian, as `make run` builds it. Returns the English home."""
    return public_site_seed()
