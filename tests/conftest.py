import pytest
from django.core.cache import cache
from django.utils import translation

from cms_pages.seed import public_site_seed
from tests.factories import CompanyFactory

FAKE_ERP = "tests.erp_engine.fake.FakeErpGateway"


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


@pytest.fixture
def private_media(settings, tmp_path):
    """The test's uploads (private files and media) in a folder of its own, on local storage. Folders whose tests
    upload use it for every test (their conftest.py); not here for all, since a settings override makes
    `settings.SETTINGS_MODULE` None for the test, which tests starting a Django subprocess read."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def company(db):
    """An active partner company (CompanyFactory's defaults)."""
    return CompanyFactory()


@pytest.fixture
def erp(settings):
    """The in-memory ERP (tests/erp_engine/fake.py) behind the ERP port; returned for scripting and inspection."""
    from tests.erp_engine.fake import STATE, FakeErp

    settings.ERP_BACKEND = FAKE_ERP
    STATE["erp"] = FakeErp()
    return STATE["erp"]
