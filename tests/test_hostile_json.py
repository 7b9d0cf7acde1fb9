"""JSON nested deeply enough to exhaust Python's recursion limit (~1 KB of "[") is bad input like any other: a 400
with details from every place that reads a JSON body — the token endpoint before login, every DRF endpoint that
takes a body, and both signed webhooks — never a 500."""

import time

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from integrations.erp import webhook as erp_webhook
from integrations.zendesk import webhook as zendesk_webhook
from partner_area.companies.models import Role
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NESTED = b"[" * 1024 * 50  # 50 KB, far past the recursion limit; the 1 KB of the report is within it too
SHALLOW_NESTED = b"[" * 1024


@pytest.fixture
def admin_api():
    admin = MembershipFactory(company=CompanyFactory(legal_name="Mine SIA"), role=Role.ADMIN)
    api = APIClient()
    token = api.post("/api/v1/auth/token", {"username": admin.user.email, "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


@pytest.mark.parametrize("body", [NESTED, SHALLOW_NESTED])
def test_the_token_endpoint_answers_400_before_login(body):
    cache.clear()
    response = APIClient().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def _body_endpoints():
    """Every (method, path) of the published API that takes a request body, path ids filled with 1."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in {"post", "put", "patch"}:
                yield (
                    method,
                    path.replace("{invoice_id}", "1").replace("{member_id}", "1").replace("{invitation_id}", "1"),
                )


def test_the_api_publishes_body_endpoints_to_probe():
    assert {path for _, path in _body_endpoints()} >= {
        "/api/v1/auth/token",
        "/api/v1/invitations",
        "/api/v1/members/1",
        "/api/v1/invoices/1/payment-notices",
    }


@pytest.mark.parametrize(("method", "path"), list(_body_endpoints()))
def test_every_api_endpoint_taking_a_body_answers_400_or_its_usual_refusal(admin_api, method, path):
    response = getattr(admin_api, method)(path, NESTED, content_type="application/json")
    assert response.status_code < 500
    assert response.json()["detail"]
    # Where the body is read at all (the object exists and the member may act), the answer is a parse error.
    if response.status_code not in (403, 404):
        assert response.status_code == 400


def _signed(endpoint, body: bytes) -> dict:
    timestamp = str(int(time.time()))
    scheme = endpoint.SIGNING
    return {scheme.timestamp_header: timestamp, scheme.signature_header: scheme.signature_for(timestamp, body, "k")}


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [("/integrations/erp/webhook/", erp_webhook), ("/integrations/zendesk/webhook/", zendesk_webhook)],
)
def test_both_signed_webhooks_answer_400(client, settings, url, endpoint):
    settings.ERP_WEBHOOK_SECRET = settings.ZENDESK_WEBHOOK_SECRET = "k"
    cache.clear()
    response = client.post(url, NESTED, content_type="application/json", headers=_signed(endpoint, NESTED))
    assert response.status_code == 400
    assert response.json()["detail"]


def test_an_api_server_error_answers_json_and_a_page_error_answers_the_friendly_page(admin_api, rf, monkeypatch):
    from partner_area.companies import api
    from portal.views import server_error

    def broken(self, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api.MeView, "get", broken)
    admin_api.raise_request_exception = False
    response = admin_api.get("/api/v1/me")
    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert response.json()["detail"].startswith("Server error.")

    page = server_error(rf.get("/en/partner/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


# -- a body past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django refuses to read it; the API says so in JSON, not with
# Django's HTML 400 page.
OVERSIZE = b'{"email": "' + b"a" * (3 * 1024 * 1024) + b'"}'


@pytest.mark.parametrize(("method", "path"), list(_body_endpoints()))
def test_every_api_endpoint_taking_a_body_answers_413_in_json_to_an_oversize_one(admin_api, method, path):
    response = getattr(admin_api, method)(path, OVERSIZE, content_type="application/json")
    if response.status_code not in (403, 404):  # where the body is read at all
        assert response.status_code == 413
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=b"])
def test_an_oversize_form_body_before_login_answers_413_in_json(content_type):
    value = b"x" * (3 * 1024 * 1024)
    if "multipart" in content_type:
        body = b'--b\r\nContent-Disposition: form-data; name="username"\r\n\r\n' + value + b"\r\n--b--\r\n"
    else:
        body = b"username=" + value
    response = APIClient().post("/api/v1/auth/token", body, content_type=content_type)
    assert (response.status_code, response["Content-Type"]) == (413, "application/json")


def test_the_schema_documents_413_where_a_body_is_taken(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            assert ("413" in operation["responses"]) == (method in ("post", "put", "patch"))
