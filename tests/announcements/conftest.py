import pytest


@pytest.fixture(autouse=True)
def _private_media(private_media):
    """Every test here in its own upload folders (tests/conftest.py's private_media)."""
