import pytest

from partner_area.companies.models import Role
from tests.factories import MembershipFactory

from .test_tree_arithmetic import tree  # noqa: F401 - the hand-checked tree, shared by the page tests


@pytest.fixture
def top_admin(tree):  # noqa: F811
    return MembershipFactory(company=tree["top"], role=Role.ADMIN)


@pytest.fixture
def top_client(client, top_admin):
    client.force_login(top_admin.user)
    return client
