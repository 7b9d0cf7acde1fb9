"""The pull's reads against a real trytond 8.2: contacts come with their company from the same read, full and
incremental reads page across records sharing one write_date without skipping or repeating any, and what changes
while a full read runs reaches the pull after it."""

from __future__ import annotations

import pytest

from integrations.erp.models import SyncCursor
from integrations.erp.pull import pull_entity
from integrations.erp.tryton import adapter
from partner_area.companies.models import Company, CompanyContact, CompanyStatus
from partner_area.platform.ports.erp import Cursor, get_erp_gateway
from tests.factories import CompanyFactory

from .test_tryton_adapter import REG_A, REG_B, REG_C, REG_D, REG_E, drain

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]


def create_people(tryton, gateway, people: list[tuple[str, list[int]]]) -> list[int]:
    """Contact persons, each related to the given companies (in that order) in one call, as an ERP user enters them."""
    relation = gateway._relation_type()
    values = [
        {
            "name": name,
            "relations": [("create", [{"to": company, "type": relation} for company in companies])],
            "contact_mechanisms": [("create", [{"type": "email", "value": f"{name.lower()}@example.lv"}])],
        }
        for name, companies in people
    ]
    return tryton.client.create("party.party", values)


def test_contacts_arrive_with_their_company_and_a_person_of_two_companies_with_the_first(tryton):
    gateway = get_erp_gateway()
    alpha, beta = tryton.create_parties(
        [{"name": "Alpha SIA", "registration_number": REG_A}, {"name": "Beta SIA", "registration_number": REG_B}]
    )
    anna, juris = create_people(tryton, gateway, [("Anna", [alpha]), ("Juris", [beta, alpha])])
    client = tryton.create_party("Client Person")  # a person with no contact relation is nobody's contact

    contacts, _, cursor = drain(gateway.contacts_changed, Cursor(), 1)
    assert [(c.erp_id, c.company_erp_id, c.name, c.email) for c in contacts] == [
        (str(anna), str(alpha), "Anna", "anna@example.lv"),
        (str(juris), str(beta), "Juris", "juris@example.lv"),
    ]
    assert str(client) not in {c.erp_id for c in contacts}

    tryton.rename_party(juris, "Juris Kalniņš")
    (changed,) = gateway.contacts_changed(cursor, 10).items
    assert (changed.erp_id, changed.company_erp_id, changed.name) == (str(juris), str(beta), "Juris Kalniņš")


def test_records_sharing_one_write_date_are_each_read_once_in_full_and_incremental_pages(tryton):
    gateway = get_erp_gateway()
    numbers = [REG_A, REG_B, REG_C, REG_D, REG_E]
    ids = tryton.create_parties(
        [{"name": f"Tie {n}", "registration_number": number} for n, number in enumerate(numbers)]
    )
    assert len({row["write_date"] for row in tryton.read("party.party", ids, ["write_date"])}) == 1

    full, pages, cursor = drain(gateway.companies_changed, Cursor(), 2)
    assert [c.erp_id for c in full] == [str(i) for i in sorted(ids)] and pages == 3

    tryton.client.write("party.party", ids, {"name": "Renamed in one go"})  # one write: one write_date for all
    assert len({row["write_date"] for row in tryton.read("party.party", ids, ["write_date"])}) == 1
    renamed, pages, cursor = drain(gateway.companies_changed, cursor, 2)
    assert [c.erp_id for c in renamed] == [str(i) for i in sorted(ids)] and pages == 3
    assert {c.legal_name for c in renamed} == {"Renamed in one go"}
    assert gateway.companies_changed(cursor, 2).items == []


def test_a_phone_changed_while_a_full_pull_runs_reaches_the_portal_with_the_next_pull(tryton):
    ids = tryton.create_parties(
        [
            {"name": f"Partner {n}", "registration_number": number, "phone": f"+371 6000000{n}"}
            for n, number in enumerate([REG_A, REG_B, REG_C])
        ]
    )
    for party_id, number in zip(ids, [REG_A, REG_B, REG_C], strict=True):
        CompanyFactory(status=CompanyStatus.ACTIVE, registration_number=number, erp_id=str(party_id))
    gateway = get_erp_gateway()
    first = gateway.companies_changed(Cursor(), 2)  # the full read has begun: its first page is read
    assert [c.erp_id for c in first.items] == [str(ids[0]), str(ids[1])]
    tryton.set_contact_mechanism(ids[0], "phone", "+371 69999999")  # only the mechanism changes, not the party
    rest, _, cursor = drain(gateway.companies_changed, first.next_cursor, 2)
    assert [c.erp_id for c in rest] == [str(ids[2])]

    # The portal pulls from the cursor that full read ended on.
    SyncCursor.objects.create(entity="companies", changed_at=cursor.changed_at, erp_id=cursor.erp_id)
    pull_entity("companies")
    assert Company.objects.get(erp_id=str(ids[0])).phone == "+371 69999999"


def test_a_pull_read_in_a_process_leaves_its_lookups_to_the_next_one(tryton, settings):
    settings.ERP_PULL_READER = "process"
    gateway = get_erp_gateway()
    (alpha,) = tryton.create_parties([{"name": "Alpha SIA", "registration_number": REG_A}])
    CompanyFactory(status=CompanyStatus.ACTIVE, registration_number=REG_A, erp_id=str(alpha))
    create_people(tryton, gateway, [("Anna", [alpha])])
    adapter.forget_lookups()

    assert pull_entity("contacts") == 1
    assert CompanyContact.unscoped.get(erp_id__isnull=False).company.erp_id == str(alpha)
    # The relation type the reader process looked up is known here now: the next reader inherits it.
    assert any(key[2] == "relation_type" for key in gateway.cached_lookups())
