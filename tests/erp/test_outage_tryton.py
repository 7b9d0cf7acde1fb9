"""An ERP outage of half an hour during approvals, contact edits and payment confirmations, against a real trytond
8.2 stopped and started again: nothing is parked, nobody retries anything, and when Tryton answers again every
change arrives exactly once (one party per company, one person per contact, one payment per confirmation)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from integrations.erp.check import erp_check
from integrations.erp.models import OutboxMessage
from integrations.erp.pull import pull_all
from integrations.erp.tasks import erp_deliver_outbox
from partner_area.billing.models import Invoice
from partner_area.billing.services import payment_notice_confirm, payment_notice_report
from partner_area.companies.contacts import company_contact_save
from partner_area.companies.models import Company, CompanyStatus, Role
from partner_area.companies.services import company_approve, company_update_contact_details
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory
from tests.numbers import lv_registration_number

pytestmark = pytest.mark.django_db

SWEEP_SECONDS = 30  # beat's outbox sweep
OUTAGE_MINUTES = 30


@pytest.fixture(autouse=True)
def small_limits(settings):
    # Far fewer attempts than the outage has sweeps: before the fix every delivery was parked long before the end.
    settings.ERP_OUTBOX_MAX_ATTEMPTS = 3
    settings.ERP_OUTBOX_BACKOFF_SECONDS = settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0
    settings.ERP_OUTBOX_OUTAGE_RETRY_SECONDS = 60
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    settings.ERP_INTERACTIVE_TIMEOUT = 1


def sweep_as_beat_would(minutes: int) -> None:
    """Every 30 s of the outage: the sweep runs (time is moved on by making what waits due, not by sleeping)."""
    for _ in range(minutes * 60 // SWEEP_SECONDS):
        OutboxMessage.objects.filter(status="pending").update(next_attempt_at=timezone.now())
        erp_deliver_outbox()


def parties_with_number(tryton, number: str) -> list[int]:
    return tryton.search("party.party", [("identifiers.code", "=", number)])


def test_half_an_hour_without_tryton_parks_nothing_and_delivers_everything_exactly_once(tryton):
    # Before: one linked partner with an open invoice in Tryton.
    partner = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=lv_registration_number(700002))
    company_approve(company=partner, by=StaffFactory())
    erp_deliver_outbox()
    pull_all()
    partner.refresh_from_db()
    assert partner.erp_id
    invoice_id = tryton.create_invoice(int(partner.erp_id), [("Licence", 1, "100.00")])
    pull_all()
    invoice = Invoice.objects.for_company(partner).get(erp_id=str(invoice_id))
    admin = MembershipFactory(company=partner, role=Role.ADMIN)
    notice = payment_notice_report(
        membership=admin, invoice=invoice, amount=Decimal("21.00"), paid_on=timezone.localdate(), reference="OUT-1"
    )

    known_number = lv_registration_number(700001)
    known_party = tryton.create_party(
        "Known Customer SIA",
        registration_number=known_number,
        address="Rīgas iela 5",
        city="Cēsis",
        postal_code="LV-4101",
    )
    known = CompanyFactory(status=CompanyStatus.PENDING_VERIFICATION, registration_number=known_number)

    tryton.stop()
    # During the outage: three approvals (two new to the ERP, one it already knows), contact edits, a payment.
    newcomers = [
        CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=lv_registration_number(n))
        for n in (700003, 700004)
    ] + [known]
    for company in newcomers:
        company_approve(company=company, by=StaffFactory())
    company_update_contact_details(membership=admin, phone="+371 29999999", email=partner.email, website="")
    person = company_contact_save(company=partner, name="Anna Liepa", email="anna@partner.lv", phone="")
    payment_notice_confirm(notice=notice, by=StaffFactory())
    sweep_as_beat_would(OUTAGE_MINUTES)

    # Nothing parked, nothing counted toward parking, all of it waiting for the ERP.
    waiting = OutboxMessage.objects.exclude(status="delivered")
    assert waiting.count() == 6
    assert set(waiting.values_list("status", "attempts")) == {("pending", 0)}
    assert waiting.filter(waiting_for_peer=True).exists()  # the sweep stops at the first: one call per sweep

    tryton.start()
    sweep_as_beat_would(1)  # no one retries anything: the sweeps deliver
    pull_all()

    assert not OutboxMessage.objects.exclude(status="delivered").exists()
    for company in [partner, *newcomers]:
        company.refresh_from_db()
        assert company.erp_id and parties_with_number(tryton, company.registration_number) == [int(company.erp_id)]
    people = tryton.search("party.party", [("name", "=", "Anna Liepa")])
    person.refresh_from_db()
    assert people == [int(person.erp_id)]
    assert tryton.invoice(invoice_id)["amount_to_pay"] == Decimal("100.00")  # 121.00 less the one payment of 21.00
    phones = tryton.search(
        "party.contact_mechanism", [("party", "=", int(partner.erp_id)), ("value", "=", "+371 29999999")]
    )
    assert len(phones) == 1
    known.refresh_from_db()
    assert (known.erp_id, known.legal_name) == (str(known_party), "Known Customer SIA")
    assert [str(d) for d in erp_check()] == []
    assert Company.objects.filter(status=CompanyStatus.ACTIVE).count() == 4
