"""The sync invariant, checked against the ERP itself: for every company linked to it, the fields the ERP owns are
the ERP's in the portal and the fields the portal owns are the portal's in the ERP; the same for contact persons and
for invoices; and no two companies (in the portal, or in the ERP) share a registration number. It reports what
differs and fixes nothing: a difference is a bug or a change still on its way, for a person to look at.

A difference is "in flight" when the portal still has something queued for that company or the ERP changed the
record after the last pull: the next delivery or pull settles it. `manage.py erp_check` and the ERP sync page run it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils import timezone

from partner_area.billing.models import Invoice
from partner_area.companies.models import Company, CompanyContact, CompanyStatus
from partner_area.platform.identifiers import normalise_registration_number
from partner_area.platform.outbox import OutboxStatus
from partner_area.platform.ports.erp import ChangePage, Cursor, ErpError, ErpGateway, get_erp_gateway

from . import ownership
from .invoices import InvalidRecord, invoice_fields_from_erp, invoice_validate
from .models import OutboxMessage, SyncCheckRun, SyncCursor, SyncEntity

PAGE = 500


@dataclass(frozen=True)
class Difference:
    """One way the two systems disagree."""

    entity: str  # companies, contacts, invoices, numbers
    object_repr: str
    field: str
    portal_value: str
    erp_value: str
    in_flight: bool = False  # a queued delivery or a later ERP change explains it

    def __str__(self) -> str:
        note = " (in flight)" if self.in_flight else ""
        values = f"portal {self.portal_value!r} ≠ ERP {self.erp_value!r}"
        return f"{self.entity}: {self.object_repr}: {self.field}: {values}{note}"


def _read_all(fetch) -> Iterator:
    """Every record of one kind, by a full read (an empty cursor) page after page."""
    since = Cursor()
    while True:
        page: ChangePage = fetch(since, PAGE)
        yield from page.items
        if not page.has_more:
            return
        since = page.next_cursor


def _text(value) -> str:
    return "" if value is None else str(value)


def _compare(entity: str, label: str, pairs: dict[str, tuple], in_flight: bool) -> list[Difference]:
    return [
        Difference(entity, label, field, _text(portal), _text(erp), in_flight)
        for field, (portal, erp) in pairs.items()
        if _text(portal) != _text(erp)
    ]


def _pulled_up_to(entity: str):
    cursor = SyncCursor.objects.filter(entity=entity).first()
    return cursor.changed_at if cursor else None


# A record's time comes from Tryton's float `_timestamp`, the cursor's from its write_date: the two can differ by a
# few microseconds for one write.
CLOCK_SLACK = dt.timedelta(milliseconds=1)


def _changed_since_pull(record, pulled_up_to) -> bool:
    return bool(record.changed_at and (pulled_up_to is None or record.changed_at > pulled_up_to + CLOCK_SLACK))


def erp_check(gateway: ErpGateway | None = None) -> list[Difference]:
    """Every difference between the portal and the ERP, in-flight ones included (see the module docstring)."""
    gateway = gateway or get_erp_gateway()
    differences: list[Difference] = []
    linked = {company.erp_id: company for company in Company.objects.erp_linked()}
    waiting = set(
        OutboxMessage.objects.filter(entity_type="company")
        .exclude(status__in=[OutboxStatus.DELIVERED, OutboxStatus.DISCARDED])
        .values_list("entity_id", flat=True)
    )

    erp_numbers: dict[str, list[str]] = defaultdict(list)
    companies_pulled = _pulled_up_to(SyncEntity.COMPANIES)
    seen = set()
    for record in _read_all(gateway.companies_changed):
        if record.registration_number:
            erp_numbers[normalise_registration_number(record.registration_number)].append(record.erp_id)
        company = linked.get(record.erp_id)
        if company is None:
            continue
        seen.add(record.erp_id)
        in_flight = str(company.pk) in waiting or _changed_since_pull(record, companies_pulled)
        pairs = {
            name: (getattr(company, name), getattr(record, name))
            for name, owner in ownership.COMPANY_FIELDS.items()
            if not (owner == "erp" and ownership.portal_keeps(Company, name, getattr(record, name)))
        }
        differences += _compare(SyncEntity.COMPANIES, str(company), pairs, in_flight)
    for erp_id, company in linked.items():
        if erp_id not in seen:
            differences.append(Difference(SyncEntity.COMPANIES, str(company), "erp_id", erp_id, "(missing)"))

    differences += _duplicate_numbers(erp_numbers)
    differences += _contacts(gateway, linked, waiting)
    differences += _invoices(gateway, linked)
    return differences


def _duplicate_numbers(erp_numbers: dict[str, list[str]]) -> list[Difference]:
    found = []
    portal: dict[str, list[str]] = defaultdict(list)
    holders = Company.objects.exclude(status=CompanyStatus.REJECTED).values_list("registration_number", "legal_name")
    for number, name in holders:
        portal[normalise_registration_number(number)].append(name)
    for number, names in portal.items():
        if len(names) > 1:
            found.append(Difference("numbers", number, "registration_number", ", ".join(sorted(names)), ""))
    for number, erp_ids in erp_numbers.items():
        if len(erp_ids) > 1:
            found.append(Difference("numbers", number, "registration_number", "", ", ".join(sorted(erp_ids))))
    return found


def _contacts(gateway: ErpGateway, linked: dict[str, Company], waiting: set[str]) -> list[Difference]:
    found = []
    portal = {
        contact.erp_id: contact for contact in CompanyContact.unscoped.exclude(erp_id="").select_related("company")
    }
    pulled = _pulled_up_to(SyncEntity.CONTACTS)
    for record in _read_all(gateway.contacts_changed):
        contact = portal.get(record.erp_id)
        if contact is None or record.company_erp_id not in linked:
            continue
        in_flight = str(contact.company_id) in waiting or _changed_since_pull(record, pulled)
        pairs = {name: (getattr(contact, name), getattr(record, name)) for name in ownership.CONTACT_FIELDS}
        found += _compare(SyncEntity.CONTACTS, f"{contact} ({contact.company})", pairs, in_flight)
    return found


def _invoices(gateway: ErpGateway, linked: dict[str, Company]) -> list[Difference]:
    found = []
    portal = {invoice.erp_id: invoice for invoice in Invoice.unscoped.select_related("company")}
    pulled = _pulled_up_to(SyncEntity.INVOICES)
    fields = [name for name in invoice_fields_from_erp() if name != "erp_changed_at"]
    for record in _read_all(gateway.invoices_changed):
        if record.company_erp_id not in linked:
            continue
        invoice = portal.get(record.erp_id)
        in_flight = _changed_since_pull(record, pulled)
        if invoice is None:
            found.append(
                Difference(SyncEntity.INVOICES, record.number, "invoice", "(missing)", record.erp_id, in_flight)
            )
            continue
        try:
            expected = invoice_validate(record)
        except InvalidRecord as error:
            found.append(Difference(SyncEntity.INVOICES, record.number, "invoice", "(rejected)", str(error.errors)))
            continue
        pairs = {name: (_plain(getattr(invoice, name)), _plain(expected[name])) for name in fields}
        pairs["company"] = (invoice.company.erp_id, record.company_erp_id)
        found += _compare(SyncEntity.INVOICES, f"{invoice.number} ({invoice.company})", pairs, in_flight)
    return found


def _plain(value):
    return value.quantize(Decimal("0.01")) if isinstance(value, Decimal) else value


def check_run(run_id: int, gateway: ErpGateway | None = None) -> SyncCheckRun:
    """Run the check for the sync page's `SyncCheckRun` and keep what it found (or why the ERP could not be read)."""
    run = SyncCheckRun.objects.get(pk=run_id)
    try:
        run.differences = [asdict(difference) for difference in erp_check(gateway)]
    except ErpError as error:
        run.error = str(error)[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["differences", "error", "finished_at"])
    return run
