"""Partners' clients and monthly turnover, from a real trytond 8.2 through the adapter and the pull to the
dashboard's figures. In Tryton a client is a party related to its partner ("Client of") and its turnover is the
untaxed amount of its posted and paid customer invoices per month of the invoice date."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from integrations.erp.models import RejectedRecord
from integrations.erp.pull import pull_all, pull_entity
from integrations.erp.tryton.adapter import TrytonGateway
from partner_area.companies.models import Role
from partner_area.performance.models import Client, MonthlyTurnover
from partner_area.performance.periods import Period, add_months
from partner_area.performance.selectors import turnover_figures
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_overlap(settings):
    settings.ERP_PULL_OVERLAP_SECONDS = 0


# Last month and this one: the template's fiscal year starts months before today (tryton_bootstrap.py).
M2 = dt.date.today().replace(day=1)
M1 = add_months(M2, -1)


@pytest.fixture
def network(tryton):
    """A distributor and its reseller, both parties in Tryton and companies in the portal."""
    distributor_party, reseller_party = tryton.create_parties(
        [
            {"name": "Distributor SIA", "registration_number": "40003200001"},
            {"name": "Reseller SIA", "registration_number": "40003200002"},
        ]
    )
    distributor = CompanyFactory(legal_name="Distributor SIA", erp_id=str(distributor_party))
    reseller = CompanyFactory(legal_name="Reseller SIA", erp_id=str(reseller_party), parent=distributor)
    return distributor, reseller


def client_of(tryton, partner_erp_id: str, name: str, *, from_partner: bool = False) -> int:
    """A customer party linked to its partner as an ERP user would: on the client ("Client of" the partner)
    or on the partner (its "Client")."""
    forward, reverse = TrytonGateway().client_relation_types()
    party_id = tryton.create_party(name)
    if from_partner:
        relation = {"to": party_id, "type": reverse}
        tryton.client.write("party.party", [int(partner_erp_id)], {"relations": [("create", [relation])]})
    else:
        relation = {"to": int(partner_erp_id), "type": forward}
        tryton.client.write("party.party", [party_id], {"relations": [("create", [relation])]})
    return party_id


def invoice(tryton, party_id: int, amount: str, day: dt.date, *, currency: int | None = None, post=True) -> int:
    """A customer invoice of one line (plus 21 % VAT, which is not turnover) dated `day`."""
    meta = tryton.meta
    currency = currency or meta["currency"]
    line = {
        "type": "line", "description": "Brello 360 licence", "quantity": 1.0, "unit_price": Decimal(amount),
        "account": meta["account_revenue"], "taxes": [("add", [meta["tax"]])], "currency": currency,
    }  # fmt: skip
    values = {
        "type": "out", "company": meta["company"], "party": party_id,
        "invoice_address": tryton._invoice_address(party_id), "currency": currency,
        "journal": meta["journal_revenue"], "account": meta["account_receivable"],
        "payment_term": meta["payment_term"], "invoice_date": day, "lines": [("create", [line])],
    }  # fmt: skip
    (invoice_id,) = tryton.client.create("account.invoice", [values])
    if post:
        tryton.post_invoice(invoice_id)
    return invoice_id


def turnover_of(client_party: int) -> dict[tuple[dt.date, str], Decimal]:
    rows = MonthlyTurnover.unscoped.filter(client__erp_id=str(client_party))
    return {(row.month, row.currency): row.amount for row in rows}


def figures(company) -> dict[str, tuple[Decimal, Decimal]]:
    """(direct, indirect) per currency over the two months, as the partner's dashboard reads them."""
    currencies, _ = turnover_figures(company=company, period=Period("custom", M1, M2))
    return {item.currency: (item.current.direct, item.current.indirect) for item in currencies}


def test_a_client_with_posted_invoices_in_two_months_feeds_its_partner_and_the_upline(tryton, network, client):
    distributor, reseller = network
    ezers = client_of(tryton, reseller.erp_id, "Ezers SIA", from_partner=True)
    invoice(tryton, ezers, "100.00", M1)
    invoice(tryton, ezers, "50.00", M1.replace(day=15))
    invoice(tryton, ezers, "200.00", M2)
    invoice(tryton, ezers, "999.00", M2, post=False)  # a draft is not turnover

    pull_all()

    portal_client = Client.objects.for_company(reseller).get()
    assert (portal_client.erp_id, portal_client.name) == (str(ezers), "Ezers SIA")
    assert turnover_of(ezers) == {(M1, "EUR"): Decimal("150.00"), (M2, "EUR"): Decimal("200.00")}
    assert figures(reseller) == {"EUR": (Decimal("350.00"), 0)}
    assert figures(distributor) == {"EUR": (0, Decimal("350.00"))}
    assert not RejectedRecord.objects.filter(entity__in=["clients", "turnover"]).exists()

    # What the two org admins see on their dashboards: the upline sees the figure, never the client's name.
    period = {"period": "custom", "start": M1.isoformat(), "end": M2.isoformat()}
    for company, name_shown in ((reseller, True), (distributor, False)):
        client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
        page = client.get("/en/partner/dashboard/", period).content.decode()
        assert "€350.00" in page and ("Ezers SIA" in page) is name_shown


def test_new_invoices_payments_and_cancellations_change_the_month_after_an_incremental_pull(tryton, network):
    _, reseller = network
    tryton.client.write("company.company", [tryton.meta["company"]], {"cancel_invoice_out": True})
    client = client_of(tryton, reseller.erp_id, "Ezers SIA")
    first = invoice(tryton, client, "100.00", M2)
    pull_all()
    assert turnover_of(client) == {(M2, "EUR"): Decimal("100.00")}

    second = invoice(tryton, client, "40.00", M2)
    invoice(tryton, client, "5.00", M2, post=False)
    pull_entity("turnover", page_size=1)  # one changed invoice per page
    assert turnover_of(client) == {(M2, "EUR"): Decimal("140.00")}

    tryton.pay_invoice(first)  # paid still counts
    assert tryton.invoice(first)["state"] == "paid"
    pull_entity("turnover")
    assert turnover_of(client) == {(M2, "EUR"): Decimal("140.00")}

    tryton.cancel_invoice(second)
    pull_entity("turnover")
    assert turnover_of(client) == {(M2, "EUR"): Decimal("100.00")}
    assert figures(reseller) == {"EUR": (Decimal("100.00"), 0)}


def test_a_client_with_only_a_draft_invoice_has_no_turnover(tryton, network):
    _, reseller = network
    client = client_of(tryton, reseller.erp_id, "Draft Only SIA")
    invoice(tryton, client, "300.00", M2, post=False)
    pull_all()
    assert Client.objects.for_company(reseller).get().erp_id == str(client)
    assert turnover_of(client) == {}


def test_a_client_of_a_partner_unknown_to_the_portal_is_rejected_and_shown_to_staff(tryton, network, client):
    stranger = tryton.create_party("Not A Partner SIA", registration_number="40003200009")
    outsider = client_of(tryton, str(stranger), "Outsider SIA")
    invoice(tryton, outsider, "500.00", M2)

    pull_all()

    assert not Client.unscoped.exists() and not MonthlyTurnover.unscoped.exists()
    rejected = RejectedRecord.objects.get()
    assert (rejected.entity, rejected.erp_id, rejected.data["partner_erp_id"]) == (
        "clients",
        str(outsider),
        str(stranger),
    )
    client.force_login(StaffFactory(is_superuser=True))
    page = client.get(reverse("erp_sync")).content.decode()
    assert "partner_erp_id: no portal company has this ERP id" in page and f"<td>{outsider}</td>" in page


def test_mixed_currencies_stay_separate(tryton, network):
    distributor, reseller = network
    rate = {"date": dt.date.fromisoformat(tryton.meta["fiscalyear_start"]), "rate": Decimal("1.1")}
    usd = tryton.client.create(
        "currency.currency", [{"name": "US Dollar", "symbol": "$", "code": "USD", "rates": [("create", [rate])]}]
    )[0]
    client = client_of(tryton, reseller.erp_id, "Ezers SIA")
    invoice(tryton, client, "100.00", M2)
    invoice(tryton, client, "80.00", M2, currency=usd)

    pull_all()

    assert turnover_of(client) == {(M2, "EUR"): Decimal("100.00"), (M2, "USD"): Decimal("80.00")}
    assert figures(reseller) == {"EUR": (Decimal("100.00"), 0), "USD": (Decimal("80.00"), 0)}
    assert figures(distributor) == {"EUR": (0, Decimal("100.00")), "USD": (0, Decimal("80.00"))}


def test_an_existing_customer_linked_later_brings_its_invoice_history(tryton, network):
    _, reseller = network
    forward, _ = TrytonGateway().client_relation_types()
    customer = tryton.create_party("Long Standing SIA")
    invoice(tryton, customer, "70.00", M1)
    pull_all()
    assert not Client.unscoped.exists()

    # Only the relation is written: the party and its invoices do not change.
    tryton.client.create("party.relation.all", [{"from_": customer, "to": int(reseller.erp_id), "type": forward}])
    pull_all()

    assert turnover_of(customer) == {(M1, "EUR"): Decimal("70.00")}
    assert figures(reseller) == {"EUR": (Decimal("70.00"), 0)}
