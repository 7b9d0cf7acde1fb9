"""schemathesis over the published /api/v1/ schema, as an org admin with a token: every operation, generated valid
and invalid requests (bounded and derandomized, so a run is repeatable and takes about a minute), and every answer
must be no 5xx, a documented status code and content type, and a body and headers that match the schema.

The requests go through Django's WSGI handler in the test's own transaction; each case runs in a savepoint that is
rolled back and with an empty cache, so a DELETE or PATCH never changes what the next case finds and no rate limit
fills up. Path ids are drawn from the seeded company's objects, another company's (answering 404) and random ones.
Materials and support requests have no API operations yet, so the seed has none.
"""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from partner_area.billing.models import ErpInvoiceState
from partner_area.billing.services import payment_notice_report
from partner_area.companies.models import Role
from partner_area.platform.sections import Section
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    InvitationFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    MembershipFactory,
)
from tests.performance.helpers import client_with_turnover

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 14,
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True, "database": "none"},
        # The other checks run: no 5xx; documented status codes, content types, headers and bodies; auth enforced
        # (ignored_auth replays each operation without the token and with a wrong one).
        "checks": {
            # Expects every schema-valid request to succeed, but the API refuses valid shapes for business reasons
            # it documents as 400s (the last admin demoting themself, a payment above the balance).
            "positive_data_acceptance": {"enabled": False},
            # Expects every schema-invalid request to be refused, but DRF's fields coerce on purpose (1 is true,
            # 123 is the text "123", and every value of a form body is text): a 200 there is no fault.
            "negative_data_rejection": {"enabled": False},
        },
    }
)


@contextmanager
def _keeping_the_connection():
    """Requests through the WSGI handler leave the test's database connection open (as Django's test client does),
    so they run inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


with _keeping_the_connection():  # the schema exactly as /api/v1/schema/ serves it; reading it needs no database
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler(), config=CONFIG)


# Cases may be built before the test's fixtures exist (the coverage phase builds them with the test), so the auth
# provider marks the header and each test puts its own admin's token there just before the call.
TOKEN_PLACEHOLDER = "org-admin-token"


@schema.auth(refresh_interval=None)
class OrgAdminTokenAuth:
    """The seeded org admin's token on every case, as explicit auth: the ignored_auth check then also replays each
    operation without it and with a wrong one, and expects a 401 or 403."""

    def get(self, case, context):
        return TOKEN_PLACEHOLDER

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture
def seeded(settings, tmp_path):
    """An org admin's company with members, invitations, invoices (open, overdue, paid, cancelled) with lines and a
    reported payment, clients with turnover and a sub-partner; and a second company with objects of its own."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    today = timezone.localdate()

    company = CompanyFactory(legal_name="Fuzzed SIA")
    downline = CompanyFactory(legal_name="Downline SIA", parent=company)
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    members = [
        admin,
        MembershipFactory(company=company, role=Role.ADMIN),
        MembershipFactory(company=company, sections=[Section.INVOICES, Section.DASHBOARD]),
        MembershipFactory(company=company),
    ]
    members[-1].is_active = False
    members[-1].save()
    invitations = [InvitationFactory(company=company, role=role) for role in (Role.USER, Role.ADMIN)]

    open_invoice = InvoiceFactory(company=company, total=Decimal("121.00"))
    invoices = [
        open_invoice,
        InvoiceFactory(company=company, invoice_date=today - timedelta(days=60), due_date=today - timedelta(days=30)),
        InvoiceFactory(company=company, balance=Decimal("0.00"), erp_state=ErpInvoiceState.PAID),
        InvoiceFactory(company=company, currency="USD", erp_state=ErpInvoiceState.CANCELLED),
    ]
    for invoice in invoices[:2]:
        InvoiceLineFactory.create_batch(2, invoice=invoice)
    payment_notice_report(
        membership=admin, invoice=open_invoice, amount=Decimal("21.00"), paid_on=today, reference="RF-14-1"
    )
    month = today.replace(day=1) - timedelta(days=1)
    for owner, name in ((company, "Client A"), (company, "Client B"), (downline, "Client C")):
        client_with_turnover(owner, name, {(f"{month:%Y-%m}", "EUR"): "250.00"}, created=date(2020, 1, 1))

    other = CompanyFactory(legal_name="Other SIA")
    foreign = [
        MembershipFactory(company=other, role=Role.ADMIN),
        InvitationFactory(company=other),
        InvoiceFactory(company=other),
    ]

    token = APIClient().post("/api/v1/auth/token", {"username": admin.user.email, "password": PASSWORD})
    return {
        "authorization": f"Token {token.json()['token']}",
        "ids": {
            "member_id": [member.pk for member in members] + [foreign[0].pk],
            "invitation_id": [invitation.pk for invitation in invitations] + [foreign[1].pk],
            "invoice_id": [invoice.pk for invoice in invoices] + [foreign[2].pk],
        },
    }


@pytest.fixture
def wsgi_app():
    with _keeping_the_connection():
        yield WSGIHandler()


def _point_at_seeded_objects(case, ids: dict[str, list[int]]) -> None:
    """Three in four generated whole-number ids become a seeded object's (ours or the other company's); the rest,
    and ids that are not numbers, stay as generated."""
    for name, value in (case.path_parameters or {}).items():
        number = int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value
        if name in ids and isinstance(number, int) and number % 4 != 3:
            case.path_parameters[name] = ids[name][number % len(ids[name])]


@schema.parametrize()
# The fixtures are shared by a test's cases on purpose: each case's changes are rolled back (see the docstring).
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_answers_every_generated_request_as_its_schema_says(case, seeded, wsgi_app):
    _point_at_seeded_objects(case, seeded["ids"])
    if (case.headers or {}).get("Authorization") == f"Token {TOKEN_PLACEHOLDER}":
        case.headers["Authorization"] = seeded["authorization"]
    cache.clear()
    with transaction.atomic():
        # What the API answers, not how it travels: the WSGI transport does not decode the gzip a client asks for
        # (tests/test_cache_headers.py covers the compression).
        case.call_and_validate(app=wsgi_app, headers={"Accept-Encoding": "identity"})
        transaction.set_rollback(True)
