"""API tokens as a member meets them: issued once by POST /api/v1/auth/token, stored only as a digest, expiring,
ended by a new password or two-factor login, listed and revoked on the account page and through the API."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from partner_area.accounts.models import ApiToken
from partner_area.companies.models import CompanyStatus, Role
from partner_area.platform.audit.models import AuditLogEntry
from tests.accounts.test_two_factor import code_for, shown_authenticator
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory
from tests.mailbox import sent_mail

pytestmark = pytest.mark.django_db

ACCOUNT = "/en/partner/account/"
NEW_PASSWORD = "another-Long-passw0rd"


@pytest.fixture
def member():
    return MembershipFactory(company=CompanyFactory(legal_name="Mine SIA"), role=Role.ADMIN)


def issue(membership, **extra) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token", {"username": membership.user.email, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def logged_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_a_token_is_issued_used_listed_revoked_and_then_refused(member):
    issued = issue(member, name="ERP sync")
    key = issued["token"]
    assert issued["name"] == "ERP sync" and issued["expired"] is False
    api = with_token(key)
    assert api.get("/api/v1/me").json()["email"] == member.user.email

    listed = api.get("/api/v1/auth/tokens")
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["id"] == issued["id"] and row["name"] == "ERP sync" and row["current"] is True
    assert row["created_at"] and row["last_used_at"] and row["expires_at"]
    assert "token" not in row and key not in listed.content.decode()

    assert api.delete(f"/api/v1/auth/tokens/{row['id']}").status_code == 204
    refused = api.get("/api/v1/me")
    assert refused.status_code == 401 and refused.json()["detail"]
    assert refused["WWW-Authenticate"] == "Token"
    entry = AuditLogEntry.objects.get(action="api_token.revoke")
    assert entry.actor == member.user and entry.company == member.company and entry.details["name"] == "ERP sync"


def test_the_database_keeps_only_a_digest_of_the_key(member):
    key = issue(member)["token"]
    stored = ApiToken.objects.get(user=member.user)
    assert key.startswith("brl_") and len(key) > 40
    assert key not in {str(value) for value in ApiToken.objects.filter(pk=stored.pk).values_list().get()}


def test_a_token_gets_a_default_name_and_expires_after_the_configured_days(member, settings):
    settings.API_TOKEN_TTL_DAYS = 7
    issued = issue(member)
    token = ApiToken.objects.get(pk=issued["id"])
    assert token.name == "API token"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_an_expired_token_answers_401_and_shows_as_expired(member, settings, monkeypatch):
    settings.API_TOKEN_TTL_DAYS = 90
    key = issue(member)["token"]
    assert with_token(key).get("/api/v1/me").status_code == 200

    later = timezone.now() + timedelta(days=90, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    refused = with_token(key).get("/api/v1/me")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]
    page = logged_in(member).get(ACCOUNT).content.decode()
    assert "Expired" in page


def test_a_password_change_ends_every_token(member):
    keys = [issue(member, name=f"Script {n}")["token"] for n in range(2)]
    client = logged_in(member)
    response = client.post(
        "/en/partner/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    for key in keys:
        assert with_token(key).get("/api/v1/me").status_code == 401
    assert "You have no API tokens." in client.get(ACCOUNT).content.decode()


def test_a_password_reset_ends_every_token(member):
    key = issue(member)["token"]
    client = Client()
    client.post("/en/partner/account/password-reset/", {"email": member.user.email})
    link = re.search(r"http://testserver(/en/partner/account/password-reset/\S+/)", sent_mail()[-1].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == "/en/partner/account/password-reset/complete/"
    assert with_token(key).get("/api/v1/me").status_code == 401


def test_a_login_that_upgrades_the_password_hash_keeps_the_tokens(member, settings):
    key = issue(member)["token"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    response = Client().post("/en/partner/account/login/", {"username": member.user.email, "password": PASSWORD})
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.password.startswith("pbkdf2_")  # upgraded at login
    assert with_token(key).get("/api/v1/me").status_code == 200


def test_turning_on_two_factor_ends_every_token_and_new_ones_need_a_code(member):
    key = issue(member)["token"]
    client = logged_in(member)
    device = shown_authenticator(client.get("/en/partner/account/two-factor/setup/"))
    response = client.post("/en/partner/account/two-factor/setup/", {"code": code_for(device)})
    assert response.status_code == 302
    assert with_token(key).get("/api/v1/me").status_code == 401
    entry = AuditLogEntry.objects.get(action="two_factor.enabled")
    assert entry.details["api_tokens_deleted"] == 1

    without_code = APIClient().post(
        "/api/v1/auth/token", {"username": member.user.email, "password": PASSWORD}, format="json"
    )
    assert without_code.status_code == 400 and "otp" in without_code.json()["errors"]


def test_nobody_sees_or_revokes_another_persons_token(member):
    colleague = MembershipFactory(company=member.company, role=Role.USER, sections=["dashboard"])
    theirs = issue(colleague, name="Colleague's script")
    mine = with_token(issue(member, name="Mine")["token"])

    assert [row["name"] for row in mine.get("/api/v1/auth/tokens").json()] == ["Mine"]
    missing = mine.delete(f"/api/v1/auth/tokens/{theirs['id']}")
    assert missing.status_code == 404 and missing.json() == mine.delete("/api/v1/auth/tokens/999999").json()
    assert missing.json()["detail"]

    client = logged_in(member)
    page = client.get(ACCOUNT).content.decode()
    assert "Colleague&#x27;s script" not in page and "Colleague's script" not in page
    assert client.post(f"/en/partner/account/api-tokens/{theirs['id']}/revoke/").status_code == 404
    assert with_token(theirs["token"]).get("/api/v1/me").status_code == 200
    assert not AuditLogEntry.objects.filter(action="api_token.revoke").exists()


def test_the_account_page_lists_tokens_without_keys_and_revokes_one(member):
    issued = issue(member, name="Nightly export")
    kept = issue(member, name="Dashboard screen")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    page = client.get(ACCOUNT)
    html = page.content.decode()
    assert "Nightly export" in html and "Dashboard screen" in html and "Never" in html
    assert issued["token"] not in html and kept["token"] not in html

    revoke = f"/en/partner/account/api-tokens/{issued['id']}/revoke/"
    assert client.post(revoke).status_code == 403  # no CSRF token
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(revoke, {"csrfmiddlewaretoken": csrf}, follow=True)
    html = response.content.decode()
    assert "The API token “Nightly export” is revoked." in html
    assert "Nightly export" not in html.replace("“Nightly export”", "") and "Dashboard screen" in html
    assert with_token(issued["token"]).get("/api/v1/me").status_code == 401
    assert with_token(kept["token"]).get("/api/v1/me").status_code == 200


def test_the_account_page_is_in_latvian_too(member):
    issue(member, name="Skripts")
    html = logged_in(member).get("/lv/partner/account/").content.decode()
    assert "API pilnvaras" in html and "Atsaukt" in html


def test_a_person_has_at_most_the_configured_number_of_tokens(member, settings):
    settings.API_TOKEN_MAX_PER_USER = 2
    issue(member)
    issue(member)
    response = APIClient().post(
        "/api/v1/auth/token", {"username": member.user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400 and "revoke one" in response.json()["errors"]["non_field_errors"][0]


def test_a_stale_token_header_does_not_stop_getting_a_new_token(member):
    api = with_token("brl_revoked-long-ago")
    response = api.post("/api/v1/auth/token", {"username": member.user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["token"]


def test_blocking_the_company_or_deactivating_the_member_stops_the_token(member):
    colleague = MembershipFactory(company=member.company, role=Role.USER, sections=["dashboard"])
    admin_api, colleague_api = with_token(issue(member)["token"]), with_token(issue(colleague)["token"])
    colleague.is_active = False
    colleague.save()
    assert colleague_api.get("/api/v1/company").status_code == 403
    assert admin_api.get("/api/v1/company").status_code == 200
    member.company.status = CompanyStatus.BLOCKED
    member.company.save()
    assert admin_api.get("/api/v1/company").status_code == 403


def test_a_deactivated_account_cannot_use_its_token(member):
    api = with_token(issue(member)["token"])
    member.user.is_active = False
    member.user.save()
    assert api.get("/api/v1/me").status_code == 401


def test_listing_tokens_costs_the_same_queries_for_one_or_many(member):
    api = with_token(issue(member)["token"])
    api.get("/api/v1/auth/tokens")  # the first use records last_used_at

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/auth/tokens").status_code == 200
        return len(captured)

    one = queries()
    for n in range(5):
        issue(member, name=f"More {n}")
    assert queries() == one <= 3


def test_the_schema_documents_listing_and_revoking_tokens(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    listing = schema["paths"]["/api/v1/auth/tokens"]["get"]
    assert "401" in listing["responses"]
    revoke = schema["paths"]["/api/v1/auth/tokens/{token_id}"]["delete"]
    assert {"204", "401", "404"} <= set(revoke["responses"])
    assert revoke["responses"]["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    issued = schema["paths"]["/api/v1/auth/token"]["post"]
    assert "tokenAuth" not in str(issued.get("security")) and "security" not in schema  # no login needed
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    assert "token" in schema["components"]["schemas"]["TokenIssuedOutput"]["properties"]
    assert "token" not in schema["components"]["schemas"]["TokenOutput"]["properties"]


def test_beats_daily_job_forgets_tokens_a_month_after_they_expired(member, settings):
    from partner_area.accounts.tasks import api_tokens_expired_delete_task

    assert settings.CELERY_BEAT_SCHEDULE["api-tokens-expired"]["task"] == api_tokens_expired_delete_task.name
    for name in ("long expired", "just expired", "live"):
        issue(member, name=name)
    now = timezone.now()
    ApiToken.objects.filter(name="long expired").update(expires_at=now - timedelta(days=31))
    ApiToken.objects.filter(name="just expired").update(expires_at=now - timedelta(days=1))

    assert api_tokens_expired_delete_task.delay().get() == 1
    assert set(ApiToken.objects.values_list("name", flat=True)) == {"just expired", "live"}
    page = logged_in(member).get(ACCOUNT).content.decode()
    assert "just expired" in page and "long expired" not in page  # still listed as expired for a while
