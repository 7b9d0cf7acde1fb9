import pytest

from partner_area.companies.models import Role
from tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _private_media(private_media):
    """Every test here in its own upload folders (tests/conftest.py's private_media)."""


@pytest.fixture
def user(company):
    """A user of `company` with the support section."""
    return MembershipFactory(company=company, role=Role.USER, sections=["support"])
