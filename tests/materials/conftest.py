import pytest

from partner_area.companies.models import Role
from tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _private_media(private_media):
    """Every test here in its own upload folders (tests/conftest.py's private_media)."""


@pytest.fixture
def member(db):
    """A user of an active company with the materials section."""
    return MembershipFactory(role=Role.USER, sections=["materials"])
