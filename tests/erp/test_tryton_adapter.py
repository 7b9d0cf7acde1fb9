"""The Tryton adapter end to end: the real TrytonGateway against a real trytond 8.2 (see conftest.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.erp.tryton.adapter import TrytonGateway
from integrations.erp.tryton.client import TrytonLoginError, TrytonUserError
from partner_area.platform.ports.erp import (
    ChangePage,
    Cursor,
    ErpCompanyData,
    ErpContact,
    ErpError,
    ErpUnavailable,
    get_erp_gateway,
)

pytestmark = pytest.mark.erp

# Valid Latvian registration numbers (they double as VAT numbers with the LV prefix).
REG_A, REG_B, REG_C, REG_D, REG_E = "40003000002", "40003000017", "40003000021", "40003000036", "40003000040"


def company_data(number: str = REG_A, **overrides) -> ErpCompanyData:
    values = {
        "legal_name": "Ziemeļu Tehnika SIA",
        "registration_number": number,
        "vat_number": f"LV{number}",
        "country": "LV",
        "address": "Brīvības iela 100",
        "city": "Rīga",
        "postal_code": "LV-1011",
        "phone": "+371 67000000",
        "email": "info@ziemelu.example",
        "website": "https://ziemelu.example",
    }
    values.update(overrides)
    return ErpCompanyData(**values)


def drain(fetch, since: Cursor, limit: int):
    """Follow pages until has_more is False; returns (all items, pages, final cursor)."""
    items, pages = [], 0
    while True:
        page = fetch(since, limit)
        pages += 1
        items.extend(page.items)
        assert page.next_cursor.changed_at is None or page.next_cursor.changed_at.tzinfo is not None
        since = page.next_cursor
        if not page.has_more:
            return items, pages, since
        assert pages < 100


def start_cursor(gateway: TrytonGateway) -> Cursor:
    """A cursor after everything already in the database."""
    _, _, cursor = drain(gateway.companies_changed, Cursor(), 1000)
    return cursor


def test_health_and_configuration_from_settings(tryton):
    gateway = get_erp_gateway()
    assert isinstance(gateway, TrytonGateway)
    assert gateway.client.url == tryton.url and gateway.client.database == tryton.database
    assert gateway.health() is True


def test_create_then_find_company_by_normalised_registration_number(tryton):
    gateway = get_erp_gateway()
    assert gateway.find_company(REG_A) is None

    created = gateway.create_company(company_data(registration_number=f"{REG_A[:4]} {REG_A[4:7]}-{REG_A[7:]} "))
    assert created.erp_id.isdigit()
    assert created.registration_number == REG_A
    assert created.vat_number == f"LV{REG_A}"
    assert (created.legal_name, created.country, created.city) == ("Ziemeļu Tehnika SIA", "LV", "Rīga")
    assert (created.address, created.postal_code) == ("Brīvības iela 100", "LV-1011")
    assert (created.phone, created.email, created.website) == (
        "+371 67000000",
        "info@ziemelu.example",
        "https://ziemelu.example",
    )
    assert created.changed_at is not None and created.changed_at.tzinfo is not None

    found = gateway.find_company(f" {REG_A[:3]}-{REG_A[3:]}")
    assert found is not None and found.erp_id == created.erp_id
    assert found.registration_number == REG_A

    # What Tryton holds: a free-code identifier and an EU VAT identifier on one party.
    (party,) = tryton.read("party.party", [int(created.erp_id)], ["name", "identifiers"])
    identifiers = tryton.read("party.identifier", party["identifiers"], ["type", "code"])
    assert sorted((i["type"] or "", i["code"]) for i in identifiers) == [("", REG_A), ("eu_vat", f"LV{REG_A}")]


def test_create_company_twice_returns_the_same_party(tryton):
    gateway = get_erp_gateway()
    first = gateway.create_company(company_data(REG_B))
    second = gateway.create_company(company_data(REG_B, legal_name="Another name"))
    assert second.erp_id == first.erp_id
    assert tryton.search("party.identifier", [("type", "=", None), ("code", "=", REG_B)]) != []
    assert len(tryton.search("party.party", [("identifiers.code", "=", REG_B)])) == 1


def test_invalid_vat_number_is_refused_with_trytons_message(tryton):
    with pytest.raises(TrytonUserError, match="not valid") as excinfo:
        get_erp_gateway().create_company(company_data(REG_C, vat_number="LV40003000003"))
    assert isinstance(excinfo.value, ErpError)


def test_update_company_writes_only_the_given_contact_mechanisms_and_never_erp_owned_fields(tryton):
    gateway = get_erp_gateway()
    created = gateway.create_company(company_data(REG_A))
    tryton.rename_party(int(created.erp_id), "Renamed In Tryton SIA")
    gateway.update_company(created.erp_id, {"phone": "+371 67111111", "website": ""})
    updated = gateway.find_company(REG_A)
    assert updated.erp_id == created.erp_id
    # Only phone and website were sent: the name Tryton holds, the address and the e-mail stay as they are.
    assert updated.legal_name == "Renamed In Tryton SIA"
    assert updated.phone == "+371 67111111" and updated.website == ""
    assert (updated.address, updated.city) == (created.address, created.city)
    assert updated.email == "info@ziemelu.example" and updated.vat_number == created.vat_number
    # Still one phone in Tryton: overwritten, not added.
    assert (
        len(tryton.search("party.contact_mechanism", [("party", "=", int(created.erp_id)), ("type", "=", "phone")]))
        == 1
    )

    # The same values again write nothing, so the next pull sees no change (no echo of the portal's own push).
    cursor = start_cursor(gateway)
    gateway.update_company(created.erp_id, {"phone": "+371 67111111", "website": ""})
    assert gateway.companies_changed(cursor, 10).items == []

    # ERP-owned fields are refused before anything is written; an unknown party is an ERP rejection.
    with pytest.raises(ValueError):
        gateway.update_company(created.erp_id, {"legal_name": "Stale Name SIA"})
    assert gateway.find_company(REG_A).legal_name == "Renamed In Tryton SIA"
    with pytest.raises(ErpError):
        gateway.update_company("999999", {"phone": "+371 67000000"})


def test_upsert_contact_creates_then_updates_one_person(tryton):
    gateway = get_erp_gateway()
    company = gateway.create_company(company_data(REG_A))
    created = gateway.upsert_contact(
        ErpContact(company_erp_id=company.erp_id, name="Anna Bērziņa", email="anna@ziemelu.example", phone="+371 2000")
    )
    assert created.erp_id and created.erp_id != company.erp_id
    assert (created.company_erp_id, created.name, created.email, created.phone) == (
        company.erp_id,
        "Anna Bērziņa",
        "anna@ziemelu.example",
        "+371 2000",
    )

    updated = gateway.upsert_contact(
        ErpContact(company_erp_id=company.erp_id, name="Anna Kalniņa", email="ANNA@ziemelu.example", phone="+371 2999")
    )
    assert updated.erp_id == created.erp_id
    assert (updated.name, updated.phone) == ("Anna Kalniņa", "+371 2999")
    people = tryton.search("party.party", [("relations.to", "=", int(company.erp_id))])
    assert people == [int(created.erp_id)]

    other = gateway.upsert_contact(ErpContact(company_erp_id=company.erp_id, name="Jānis", email="janis@z.example"))
    assert other.erp_id != created.erp_id

    contacts, _, _ = drain(gateway.contacts_changed, Cursor(), 1)
    assert {c.erp_id: c.name for c in contacts} == {created.erp_id: "Anna Kalniņa", other.erp_id: "Jānis"}
    assert all(c.company_erp_id == company.erp_id for c in contacts)


def test_companies_changed_sees_renames_and_contact_mechanism_changes(tryton):
    gateway = get_erp_gateway()
    a = gateway.create_company(company_data(REG_A, legal_name="Alpha SIA"))
    b = gateway.create_company(company_data(REG_B, legal_name="Beta SIA", vat_number=""))
    everything, _, cursor = drain(gateway.companies_changed, Cursor(), 10)
    assert [c.erp_id for c in everything] == [a.erp_id, b.erp_id]
    assert gateway.companies_changed(cursor, 10).items == []

    tryton.rename_party(int(b.erp_id), "Beta Baltic SIA")
    page = gateway.companies_changed(cursor, 10)
    assert [(c.erp_id, c.legal_name) for c in page.items] == [(b.erp_id, "Beta Baltic SIA")]
    assert page.next_cursor.changed_at > cursor.changed_at
    cursor = page.next_cursor

    # Editing only the contact mechanism does not touch the party's write_date: still seen.
    before = tryton.read("party.party", [int(a.erp_id)], ["write_date"])[0]["write_date"]
    tryton.set_contact_mechanism(int(a.erp_id), "phone", "+371 69999999")
    assert tryton.read("party.party", [int(a.erp_id)], ["write_date"])[0]["write_date"] == before
    page = gateway.companies_changed(cursor, 10)
    assert [(c.erp_id, c.phone) for c in page.items] == [(a.erp_id, "+371 69999999")]
    assert gateway.companies_changed(page.next_cursor, 10).items == []


def test_companies_changed_pages_across_a_shared_timestamp(tryton):
    gateway = get_erp_gateway()
    cursor = start_cursor(gateway)
    numbers = [REG_A, REG_B, REG_C, REG_D, REG_E]
    ids = tryton.create_parties(
        [
            {"name": f"Tie {i}", "registration_number": number, "phone": f"+371 6000000{i}"}
            for i, number in enumerate(numbers)
        ]
    )
    times = {row["write_date"] for row in tryton.read("party.party", ids, ["write_date"])}
    assert len(times) == 1  # one call, one timestamp

    items, pages, _ = drain(gateway.companies_changed, cursor, 2)
    assert [c.erp_id for c in items] == [str(i) for i in sorted(ids)]
    assert pages >= 3
    assert {c.registration_number for c in items} == set(numbers)
    assert len({c.changed_at for c in items}) == 1


def test_a_full_read_goes_by_id_and_the_next_pull_sees_what_changed_while_it_ran(tryton):
    gateway = get_erp_gateway()
    assert gateway.companies_changed(Cursor(), 10) == ChangePage(items=[], next_cursor=Cursor(), has_more=False)
    ids = tryton.create_parties(
        [{"name": f"Full {i}", "registration_number": number} for i, number in enumerate([REG_A, REG_B, REG_C])]
    )
    later = tryton.create_party("Full 3", registration_number=REG_D)

    first = gateway.companies_changed(Cursor(), 2)
    assert [c.erp_id for c in first.items] == [str(ids[0]), str(ids[1])] and first.has_more
    assert first.next_cursor.changed_at is None and first.next_cursor.snapshot_at is not None
    # Changed after its page was read, and a company created during the read: the next pull brings both.
    tryton.rename_party(ids[0], "Full 0 renamed")
    created = tryton.create_party("Full 4", registration_number=REG_E)
    rest, _, cursor = drain(gateway.companies_changed, first.next_cursor, 2)
    assert [c.erp_id for c in rest][:2] == [str(ids[2]), str(later)]
    assert cursor.changed_at is not None and cursor.snapshot_at is None

    after, _, cursor = drain(gateway.companies_changed, cursor, 10)
    assert {(c.erp_id, c.legal_name) for c in after} >= {(str(ids[0]), "Full 0 renamed"), (str(created), "Full 4")}
    assert gateway.companies_changed(cursor, 10).items == []


def test_structured_and_plain_streets_read_as_tryton_shows_them(tryton):
    gateway = get_erp_gateway()
    plain, structured = (
        gateway.create_company(company_data(REG_A, address="Brīvības iela 1")),
        gateway.create_company(company_data(REG_B, address="")),
    )
    (address,) = tryton.search("party.address", [("party", "=", int(structured.erp_id))])
    tryton.client.write("party.address", [address], {"street_name": "Elizabetes iela", "building_number": "21A"})
    shown = tryton.read("party.address", [address], ["street"])[0]["street"]
    assert "Elizabetes iela" in shown and "21A" in shown

    found = {c.erp_id: c.address for c in drain(gateway.companies_changed, Cursor(), 10)[0]}
    assert found == {plain.erp_id: "Brīvības iela 1", structured.erp_id: shown}


def test_balances_and_totals_agree_with_trytons_own_figures(tryton):
    """The adapter reads balances from the ledger lines rather than Tryton's slow amount_to_pay field: both say the
    same for an open, a partly paid, a paid and a cancelled invoice, in the company's currency and in another."""
    gateway = get_erp_gateway()
    tryton.client.write("company.company", [tryton.meta["company"]], {"cancel_invoice_out": True})
    party = int(gateway.create_company(company_data(REG_A)).erp_id)
    usd = tryton.create_currency("USD", "1.1")
    invoices = {
        "open": tryton.create_invoice(party),
        "partly paid": tryton.create_invoice(party, [("Licence", 2, "75.50")]),
        "paid": tryton.create_invoice(party),
        "cancelled": tryton.create_invoice(party),
        "usd open": tryton.create_invoice(party, currency=usd),
        "usd partly paid": tryton.create_invoice(party, [("Licence", 1, "300.00")], currency=usd),
    }
    tryton.pay_invoice(invoices["partly paid"], "50.00")
    tryton.pay_invoice(invoices["usd partly paid"], "100.00")
    tryton.pay_invoice(invoices["paid"])
    tryton.cancel_invoice(invoices["cancelled"])

    items, _, _ = drain(gateway.invoices_changed, Cursor(), 4)
    seen = {invoice.erp_id: invoice for invoice in items}
    expected = {
        "open": ("posted", "121.00", "121.00"),
        "partly paid": ("posted", "182.71", "132.71"),
        "paid": ("paid", "121.00", "0"),
        "cancelled": ("cancelled", "121.00", "0"),
        "usd open": ("posted", "121.00", "121.00"),
        "usd partly paid": ("posted", "363.00", "263.00"),
    }
    for label, invoice_id in invoices.items():
        own = tryton.invoice(invoice_id)
        ours = seen[str(invoice_id)]
        assert (ours.state, ours.total, ours.amount_to_pay) == (own["state"], own["total_amount"], own["amount_to_pay"])
        state, total, to_pay = expected[label]
        assert (ours.state, ours.total, ours.amount_to_pay) == (state, Decimal(total), Decimal(to_pay)), label
    assert seen[str(invoices["usd open"])].currency == "USD"


def test_invoices_changed_reports_a_posted_invoice_and_its_payments(tryton):
    gateway = get_erp_gateway()
    company = gateway.create_company(company_data(REG_A))
    cursor = Cursor()
    invoice_id = tryton.create_invoice(
        int(company.erp_id), [("Brello 360 Pro licence", 2, "50.00"), ("Onboarding", 1, "0.00")]
    )

    page = gateway.invoices_changed(cursor, 10)
    (invoice,) = page.items
    assert invoice.erp_id == str(invoice_id) and invoice.company_erp_id == company.erp_id
    assert invoice.state == "posted" and invoice.number
    assert invoice.currency == "EUR"
    assert invoice.total == Decimal("121.00") and invoice.amount_to_pay == Decimal("121.00")
    assert invoice.invoice_date == dt.date.today()
    assert invoice.due_date == dt.date.today() + dt.timedelta(days=30)
    assert [(line.description, line.quantity, line.amount, line.taxes) for line in invoice.lines] == [
        ("Brello 360 Pro licence", Decimal("2.0"), Decimal("100.00"), ("PVN 21%",)),
        ("Onboarding", Decimal("1.0"), Decimal("0.00"), ("PVN 21%",)),
    ]
    cursor = page.next_cursor
    assert gateway.invoices_changed(cursor, 10).items == []

    tryton.pay_invoice(invoice_id, "50.00")
    (partial,) = gateway.invoices_changed(cursor, 10).items
    assert partial.erp_id == invoice.erp_id
    assert (partial.state, partial.amount_to_pay) == ("posted", Decimal("71.00"))
    assert partial.changed_at > invoice.changed_at
    cursor = gateway.invoices_changed(cursor, 10).next_cursor

    tryton.pay_invoice(invoice_id)
    (paid,) = gateway.invoices_changed(cursor, 10).items
    assert (paid.state, paid.amount_to_pay, paid.total) == ("paid", Decimal("0.00"), Decimal("121.00"))
    assert paid.due_date == invoice.due_date


def test_overdue_invoice_has_its_due_date_in_the_past(tryton):
    gateway = get_erp_gateway()
    company = gateway.create_company(company_data(REG_A))
    today = dt.date.today()
    invoice_id = tryton.create_invoice(int(company.erp_id), payment_term_date=today - dt.timedelta(days=40))
    invoice = gateway.get_invoice(str(invoice_id))
    assert invoice.invoice_date == today
    assert invoice.due_date == today - dt.timedelta(days=10)
    assert invoice.state == "posted" and invoice.amount_to_pay == invoice.total


def test_get_invoice_returns_lines(tryton):
    gateway = get_erp_gateway()
    company = gateway.create_company(company_data(REG_A))
    invoice_id = tryton.create_invoice(
        int(company.erp_id), [("Brello 360 Pro licence", 3, "40.00"), ("Training day", "0.5", "500.00")]
    )
    invoice = gateway.get_invoice(str(invoice_id))
    assert invoice.total == Decimal("447.70")  # (120 + 250) * 1.21
    assert [(line.description, line.quantity, line.unit_price, line.amount) for line in invoice.lines] == [
        ("Brello 360 Pro licence", Decimal("3.0"), Decimal("40.00"), Decimal("120.00")),
        ("Training day", Decimal("0.5"), Decimal("500.00"), Decimal("250.00")),
    ]
    with pytest.raises(ErpError):
        gateway.get_invoice("999999")


def test_a_stopped_server_is_unavailable_and_comes_back(tryton):
    gateway = get_erp_gateway()
    gateway.create_company(company_data(REG_A))
    tryton.stop()
    assert gateway.health() is False
    with pytest.raises(ErpUnavailable):
        gateway.find_company(REG_A)
    with pytest.raises(ErpUnavailable):
        gateway.create_company(company_data(REG_B))
    tryton.start()
    assert gateway.health() is True
    assert gateway.find_company(REG_A) is not None


def test_bad_credentials_are_an_erp_error_not_unavailable(tryton, settings):
    settings.ERP_TRYTON_PASSWORD = "wrong"
    gateway = get_erp_gateway()
    with pytest.raises(ErpError) as excinfo:
        gateway.find_company(REG_A)
    assert isinstance(excinfo.value, TrytonLoginError)
    assert not isinstance(excinfo.value, ErpUnavailable)
    assert gateway.health() is False


def test_two_companies_created_at_the_same_moment_both_reach_tryton(tryton):
    """Two workers delivering two approvals at once: Tryton numbers each new party from one sequence, and the
    one that loses that race is refused ("The code on party must be unique") although its data is fine."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.numbers import lv_registration_number

    gateways = [
        TrytonGateway(url=tryton.url, database=tryton.database, user=tryton.user, password=tryton.password)
        for _ in range(2)
    ]

    def create(args):
        gateway, n = args
        return gateway.create_company(company_data(lv_registration_number(900 + n), vat_number="", website=""))

    def add_contact(args):
        gateway, company = args
        return gateway.upsert_contact(ErpContact(company_erp_id=company.erp_id, name=f"Anna {company.erp_id}"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        for pair in range(6):
            companies = list(pool.map(create, [(gateways[0], 2 * pair), (gateways[1], 2 * pair + 1)]))
            assert len({company.erp_id for company in companies}) == 2
            contacts = list(pool.map(add_contact, zip(gateways, companies, strict=True)))
            assert len({contact.erp_id for contact in contacts}) == 2
