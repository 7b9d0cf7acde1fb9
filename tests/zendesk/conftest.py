import pytest

from .fake_zendesk import FakeZendesk, serve

WEBHOOK_SECRET = "dGhlLXdlYmhvb2stc2lnbmluZy1zZWNyZXQ"


@pytest.fixture(autouse=True)
def _private_media(private_media):
    """Every test here in its own upload folders (tests/conftest.py's private_media)."""


@pytest.fixture
def zendesk(monkeypatch, settings):
    """A local Zendesk API on loopback, with the real zenpy client pointed at it and the portal configured."""
    fake = FakeZendesk()
    server = serve(fake)
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", fake.base_url.removeprefix("http://"))
    settings.ZENDESK_SUBDOMAIN = "brello"
    settings.ZENDESK_EMAIL = fake.email
    settings.ZENDESK_API_TOKEN = fake.token
    settings.ZENDESK_WEBHOOK_SECRET = WEBHOOK_SECRET
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
