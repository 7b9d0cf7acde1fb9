import pytest
from django.core.cache import cache
from django.utils import translation

from cms_pages.seed import public_site_seed


@pytest.fixture(autouse=True)
def _english_by_default():
    """Every test starts in English, whatever language an earlier test in the same worker left active."""
    translation.activate("en")
    yield
    translation.deactivate()


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
