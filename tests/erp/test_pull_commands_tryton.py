"""`manage.py erp_pull` against a real trytond 8.2: what an operator sees when the pull applies changes, when only
some entities are asked for, when Tryton is down and when no ERP is configured."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from integrations.erp.models import SyncCursor
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.tryton.adapter import TrytonGateway
from partner_area.billing.models import Invoice
from partner_area.companies.models import Company, CompanyStatus
from partner_area.companies.services import company_approve
from tests.factories import CompanyFactory, StaffFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_overlap(settings):
    settings.ERP_OUTBOX_BACKOFF_SECONDS = settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0
    settings.ERP_PULL_OVERLAP_SECONDS = 0


@pytest.fixture
def partner(tryton) -> Company:
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number="40003123453")
    company_approve(company=company, by=StaffFactory())
    for _ in range(3):
        outbox_deliver_due()
    company.refresh_from_db()
    assert company.erp_id
    return company


def pull(*args) -> str:
    out = StringIO()
    call_command("erp_pull", *args, stdout=out)
    return out.getvalue()


def test_the_command_pulls_every_entity_and_says_what_each_applied(tryton, partner):
    pull()  # what the approval already brought
    tryton.rename_party(int(partner.erp_id), "Renamed In Tryton SIA")
    tryton.create_invoice(int(partner.erp_id), [("Licence", 1, "100.00")])
    tryton.create_invoice(int(partner.erp_id), [("Support", 2, "50.00")])
    forward, _reverse = TrytonGateway().client_relation_types()
    customer = tryton.create_party("End Customer SIA")
    tryton.client.write(
        "party.party", [customer], {"relations": [("create", [{"to": int(partner.erp_id), "type": forward}])]}
    )

    out = pull()
    assert out.splitlines() == [
        "companies: 1 applied",
        "contacts: 0 applied",
        "invoices: 2 applied",
        "clients: 1 applied",
        "turnover: 0 applied",
        "Pulled companies, contacts, invoices, clients, turnover.",
    ]
    partner.refresh_from_db()
    assert partner.legal_name == "Renamed In Tryton SIA"
    assert Invoice.objects.for_company(partner).count() == 2
    assert all(cursor.last_success_at and not cursor.last_error for cursor in SyncCursor.objects.all())


def test_the_command_pulls_only_the_entities_asked_for(tryton, partner):
    pull()
    tryton.rename_party(int(partner.erp_id), "Not Yet Pulled SIA")
    tryton.create_invoice(int(partner.erp_id))
    out = pull("--entity", "invoices")
    assert out.splitlines() == ["invoices: 1 applied", "Pulled invoices."]
    partner.refresh_from_db()
    assert partner.legal_name != "Not Yet Pulled SIA"
    assert Invoice.objects.for_company(partner).count() == 1


def test_the_command_fails_clearly_when_tryton_is_down_and_the_next_run_catches_up(tryton, partner):
    pull()
    tryton.create_invoice(int(partner.erp_id))
    tryton.stop()
    with pytest.raises(CommandError, match="The ERP could not be read while pulling companies"):
        pull()
    assert SyncCursor.objects.get(entity="companies").last_error  # the staff page shows it too
    tryton.start()
    assert "invoices: 1 applied" in pull()


def test_without_an_erp_the_command_exits_1_with_a_message_or_0_with_if_configured():
    env = {**os.environ, "ERP_BACKEND": "partner_area.platform.ports.erp.NoErpGateway"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the embedded default, as `make run` has it
    command = [sys.executable, "manage.py", "erp_pull"]
    failed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1
    assert "No ERP is configured (ERP_BACKEND)" in failed.stderr
    skipped = subprocess.run([*command, "--if-configured"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert skipped.returncode == 0 and "nothing to pull" in skipped.stdout
