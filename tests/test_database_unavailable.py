"""A request whose database connection is lost (PostgreSQL restarting) answers 503 with Retry-After, not 500."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_a_page_whose_database_connection_was_lost_answers_a_503_page_with_retry_after(client, monkeypatch):
    from partner_area.accounts import views

    def lost(self, request, *args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(views.LoginView, "get", lost)
    client.raise_request_exception = False
    response = client.get("/en/partner/account/login/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The portal is briefly unavailable" in response.content.decode()

    response = client.get("/lv/partner/account/login/")
    assert "Portāls īslaicīgi nav pieejams" in response.content.decode()


def test_an_api_request_whose_database_connection_was_lost_answers_json_503(monkeypatch):
    from rest_framework.test import APIClient

    from partner_area.companies import api
    from partner_area.companies.models import Role
    from tests.factories import CompanyFactory, MembershipFactory

    admin_api = APIClient()
    admin_api.force_authenticate(MembershipFactory(company=CompanyFactory(legal_name="Mine SIA"), role=Role.ADMIN).user)

    def lost(self, request):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(api.MeView, "get", lost)
    admin_api.raise_request_exception = False
    response = admin_api.get("/api/v1/me")
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response["Retry-After"] == "5"
    assert response.json()["detail"].startswith("Temporarily unavailable")


def test_a_bug_still_answers_the_500_page(client, monkeypatch):
    from partner_area.accounts import views

    def bug(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.LoginView, "get", bug)
    client.raise_request_exception = False
    assert client.get("/en/partner/account/login/").status_code == 500
