import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Material files of each test in their own folder (local storage)."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    settings.MEDIA_ROOT = str(tmp_path / "media")
