import pytest

from tests.organizations.factories_staff import partner_manager


@pytest.fixture
def manager(client):
    """A partner manager, logged in on `client`."""
    user = partner_manager(email="maija@brello.example")
    client.force_login(user)
    return user
