"""Companies and contacts from the ERP are merged a page at a time, in a constant number of queries, with the
same rules as one at a time: field ownership, conflicts, no echoes, bad records rejected, linking."""

from dataclasses import replace

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from integrations.erp.companies import companies_apply_page, contacts_apply_page
from integrations.erp.models import OutboxMessage, RejectedRecord, SyncConflict, SyncedValues
from integrations.erp.pull import pull_entity
from partner_area.companies.models import Company, CompanyContact, CompanyStatus
from partner_area.platform.ports.erp import ErpCompany, ErpContact
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def erp(erp, settings):
    """The shared in-memory ERP, pulled without overlap: a test pulls as often as it likes."""
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    return erp


def erp_record(company: Company, **changes) -> ErpCompany:
    """The ERP's view of a portal company, with some fields changed."""
    fields = {
        name: getattr(company, name)
        for name in ("legal_name", "registration_number", "vat_number", "country", "address", "city", "postal_code",
                     "phone", "email", "website")
    }  # fmt: skip
    return ErpCompany(**{"erp_id": company.erp_id or f"P{company.pk}", **fields, **changes})


def linked_companies(count: int) -> list[Company]:
    companies = [CompanyFactory() for _ in range(count)]
    for company in companies:
        Company.objects.filter(pk=company.pk).update(erp_id=f"P{company.pk}")
        company.erp_id = f"P{company.pk}"
    return companies


def test_a_page_applies_changes_to_linked_companies_only_and_rejects_only_the_bad_record():
    renamed, invalid, unchanged = linked_companies(3)
    # Approved, its creation in the ERP still queued: a pull never links by number (the delivery does that).
    unlinked = CompanyFactory(registration_number="40003555555")
    page = [
        erp_record(renamed, legal_name="Renamed SIA", city="Liepāja"),
        erp_record(invalid, legal_name="x" * 300),
        erp_record(unchanged),
        erp_record(unlinked, erp_id="P-ERP-9", city="Valmiera"),
        ErpCompany(legal_name="Someone Else SIA", registration_number="49999999999", erp_id="P-other"),
    ]
    applied, rejected = companies_apply_page(page)
    assert applied == 4  # every record but the bad one; those of no linked company are skipped
    assert [(record.erp_id, list(errors)) for record, errors in rejected] == [(invalid.erp_id, ["legal_name"])]
    renamed.refresh_from_db(), invalid.refresh_from_db(), unlinked.refresh_from_db()
    assert (renamed.legal_name, renamed.city) == ("Renamed SIA", "Liepāja")
    assert invalid.legal_name != "x" * 300
    assert (unlinked.erp_id, unlinked.city) == ("", "Rīga")
    assert not Company.objects.filter(legal_name="Someone Else SIA").exists()
    assert OutboxMessage.objects.count() == 0  # inbound changes are not echoed back
    assert SyncedValues.objects.filter(entity="companies").count() == 2  # the rejected one has no synced values


def test_both_sides_changed_records_a_conflict_and_keeps_each_owners_value():
    (company,) = linked_companies(1)
    companies_apply_page([erp_record(company)])  # the first sync: both sides agree
    Company.objects.filter(pk=company.pk).update(phone="+371 21111111", legal_name="Portal Name SIA")
    company.refresh_from_db()
    companies_apply_page([erp_record(company, phone="+371 22222222", legal_name="ERP Name SIA")])
    company.refresh_from_db()
    assert (company.phone, company.legal_name) == ("+371 21111111", "ERP Name SIA")
    assert {c.field: (c.applied, c.portal_value, c.erp_value) for c in SyncConflict.objects.all()} == {
        "phone": ("portal", "+371 21111111", "+371 22222222"),
        "legal_name": ("erp", "Portal Name SIA", "ERP Name SIA"),
    }


def test_a_company_awaiting_verification_is_left_for_staff_to_link():
    waiting = CompanyFactory(status=CompanyStatus.PENDING_VERIFICATION, erp_id="P-known", legal_name="Applied SIA")
    companies_apply_page([erp_record(waiting, legal_name="Accounting Name SIA")])
    waiting.refresh_from_db()
    assert waiting.legal_name == "Applied SIA"  # staff still see the application beside the ERP record


def test_the_same_company_twice_in_a_page_ends_with_the_later_record():
    (company,) = linked_companies(1)
    companies_apply_page([erp_record(company, city="Cēsis"), erp_record(company, city="Tukums")])
    company.refresh_from_db()
    assert company.city == "Tukums" and not SyncConflict.objects.exists()


def test_a_page_of_companies_takes_the_same_few_queries_whatever_its_size():
    def queries_for(companies):
        with CaptureQueriesContext(connection) as captured:
            companies_apply_page([erp_record(c, city=f"City {c.pk}") for c in companies])
        return len(captured)

    small, large = queries_for(linked_companies(3)), queries_for(linked_companies(60))
    assert small == large <= 8


def contact(company: Company, erp_id: str, **fields) -> ErpContact:
    return ErpContact(company_erp_id=company.erp_id, erp_id=erp_id, **{"name": "Ieva", "email": "", **fields})


def test_a_page_of_contacts_creates_and_merges_them_and_rejects_a_bad_e_mail():
    (company,) = linked_companies(1)
    contacts_apply_page([contact(company, "C1", name="Ieva", email="ieva@p.lv"), contact(company, "C2", name="Jānis")])
    first = CompanyContact.objects.for_company(company).get(erp_id="C1")
    CompanyContact.unscoped.filter(pk=first.pk).update(phone="+371 20000001")  # changed in the portal since
    applied, rejected = contacts_apply_page(
        [
            contact(company, "C1", name="Ieva Ozola", email="ieva@p.lv", phone="+371 20000002"),
            contact(company, "C3", name="Bad", email="not-an-address"),
            contact(company, "C4", name="Anna", email="anna@p.lv"),
            ErpContact(company_erp_id="P-unknown", name="Stranger", erp_id="C5"),
        ]
    )
    assert applied == 3 and [(r.erp_id, list(errors)) for r, errors in rejected] == [("C3", ["email"])]
    people = {c.erp_id: (c.name, c.email, c.phone) for c in CompanyContact.objects.for_company(company)}
    assert people == {
        "C1": ("Ieva Ozola", "ieva@p.lv", "+371 20000001"),  # the ERP owns the name, the portal the phone
        "C2": ("Jānis", "", ""),
        "C4": ("Anna", "anna@p.lv", ""),
    }
    assert SyncConflict.objects.get().field == "phone"
    assert OutboxMessage.objects.count() == 0


def test_a_page_of_contacts_takes_the_same_few_queries_whatever_its_size():
    (company,) = linked_companies(1)

    def queries_for(prefix, count):
        records = [contact(company, f"{prefix}{n}", name=f"Person {n}") for n in range(count)]
        contacts_apply_page(records)  # created
        with CaptureQueriesContext(connection) as captured:
            contacts_apply_page([replace(r, name=f"{r.name} changed") for r in records])  # merged
        return len(captured)

    assert queries_for("S", 3) == queries_for("L", 60) <= 8


def test_when_a_bulk_write_fails_the_page_is_applied_one_record_at_a_time(monkeypatch):
    (company,) = linked_companies(1)
    real_bulk_create = CompanyContact.unscoped.bulk_create

    def failing_for_bad_rows(objs, *args, **kwargs):
        objs = list(objs)
        if any(obj.name == "Refused By The Database" for obj in objs):
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(CompanyContact.unscoped, "bulk_create", failing_for_bad_rows)
    applied, rejected = contacts_apply_page(
        [contact(company, "C1"), contact(company, "C2", name="Refused By The Database"), contact(company, "C3")]
    )
    assert applied == 2 and [r.erp_id for r, _ in rejected] == ["C2"]
    assert sorted(CompanyContact.objects.for_company(company).values_list("erp_id", flat=True)) == ["C1", "C3"]


def test_a_pull_records_rejected_companies_for_staff_and_applies_the_rest(erp):
    good, bad = linked_companies(2)
    erp.companies[good.erp_id] = replace(erp_record(good, city="Ogre"), changed_at=erp.tick())
    erp.companies[bad.erp_id] = replace(erp_record(bad, country="Narnia"), changed_at=erp.tick())
    assert pull_entity("companies") == 1
    good.refresh_from_db()
    assert good.city == "Ogre"
    assert RejectedRecord.objects.get().erp_id == bad.erp_id
