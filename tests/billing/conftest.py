import pytest


@pytest.fixture(autouse=True)
def _private_media(private_media):
    """Every test here in its own upload folders (tests/conftest.py's private_media)."""


@pytest.fixture
def admin_client(client, admin):
    """The test client logged in as the module's `admin` membership."""
    client.force_login(admin.user)
    return client
