"""ERP → portal: pull each entity's changes since its cursor, in pages, and apply them idempotently."""

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus
from partner_area.companies.services import company_erp_check_record
from partner_area.platform.ports.erp import ChangePage, Cursor, ErpCompany, ErpError, get_erp_gateway

from .clients import clients_apply_page, turnover_apply_page
from .companies import companies_apply_page, contacts_apply_page
from .invoices import invoices_apply_page
from .models import SyncCursor, SyncEntity
from .rejects import record_rejected

logger = logging.getLogger(__name__)


# Per entity: the gateway method that lists changes, and how a page of them is applied.
SOURCES = {
    SyncEntity.COMPANIES: ("companies_changed", companies_apply_page),  # bulk per page, see companies.py
    SyncEntity.CONTACTS: ("contacts_changed", contacts_apply_page),
    SyncEntity.INVOICES: ("invoices_changed", invoices_apply_page),  # one upsert per page
    SyncEntity.CLIENTS: ("clients_changed", clients_apply_page),  # needs companies; see clients.py
    SyncEntity.TURNOVER: ("turnover_changed", turnover_apply_page),  # needs clients
}
# The order of a full pull: each entity finds the records it refers to.
PULL_ORDER = (SyncEntity.COMPANIES, SyncEntity.CONTACTS, SyncEntity.INVOICES, SyncEntity.CLIENTS, SyncEntity.TURNOVER)


def _pages(fetch, since: Cursor, page_size: int, max_pages: int | None) -> Iterator[ChangePage]:
    """The pages after `since`, up to `max_pages`. Each page is read from the ERP while the caller applies the one
    before, so the ERP and the portal's database work at the same time (memory: two pages at most)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="erp-pull") as reader:
        pending = reader.submit(fetch, since, page_size)
        pages = 0
        while pending is not None:
            page = pending.result()
            pages += 1
            more = page.has_more and not (max_pages and pages >= max_pages)
            pending = reader.submit(fetch, page.next_cursor, page_size) if more else None
            yield page


def pull_entity(entity: str, *, page_size: int | None = None, max_pages: int | None = None) -> int:
    """Read one entity's changes since its cursor and apply them; returns records applied. A record that
    fails validation is skipped and recorded; the rest of the page still applies."""
    method_name, apply_page = SOURCES[entity]
    page_size = page_size or settings.ERP_PULL_PAGE_SIZE
    cursor_row, _ = SyncCursor.objects.get_or_create(entity=entity)
    cursor_row.last_attempt_at = timezone.now()
    # Re-read a small window before the cursor: changes committed late with an earlier timestamp are not
    # missed; applying a record twice is harmless.
    overlap = timedelta(seconds=settings.ERP_PULL_OVERLAP_SECONDS)
    if cursor_row.changed_at is None:
        since = Cursor()
    elif overlap:
        since = Cursor(cursor_row.changed_at - overlap, "")
    else:
        since = Cursor(cursor_row.changed_at, cursor_row.erp_id)
    fetch = getattr(get_erp_gateway(), method_name)
    applied = 0
    try:
        for page in _pages(fetch, since, page_size, max_pages):
            count, rejected = apply_page(page.items)
            applied += count
            if entity == SyncEntity.COMPANIES:
                applications_found_in_erp(page.items)
            for record, errors in rejected:
                record_rejected(entity=entity, record=record, errors=errors)
            if page.next_cursor.changed_at and (
                cursor_row.changed_at is None or page.next_cursor.changed_at >= cursor_row.changed_at
            ):
                cursor_row.changed_at, cursor_row.erp_id = page.next_cursor.changed_at, page.next_cursor.erp_id
    except ErpError as error:
        cursor_row.last_error = str(error)[:2000]
        cursor_row.records_applied += applied
        cursor_row.save()
        raise
    cursor_row.last_error = ""
    cursor_row.last_success_at = timezone.now()
    cursor_row.records_applied += applied
    cursor_row.save()
    return applied


def pull_all() -> dict[str, int]:
    """Pull every entity in PULL_ORDER: companies first, so contacts, invoices and clients find their company.
    Applications the ERP could not be asked about at registration are asked about first."""
    applications_check()
    return {entity: pull_entity(entity) for entity in PULL_ORDER}


def applications_found_in_erp(records: list[ErpCompany]) -> None:
    """Applications awaiting review whose number a page of ERP companies holds move to verification: staff compare
    the two records before approving (nothing of the ERP's is applied to them)."""
    numbers = {record.registration_number for record in records if record.registration_number}
    if numbers:
        for company in Company.objects.filter(status=CompanyStatus.PENDING_REVIEW, registration_number__in=numbers):
            company_erp_check_record(company=company, known_to_erp=True)


def applications_check(limit: int = 200) -> int:
    """Ask the ERP about the applications it could not be asked about at registration (it was down); returns how
    many were answered. Stops at the first failure: the rest is asked on the next round."""
    waiting = Company.objects.filter(status=CompanyStatus.PENDING_REVIEW, erp_checked_at__isnull=True)
    gateway = get_erp_gateway()
    answered = 0
    for company in waiting.order_by("created_at")[:limit]:
        try:
            found = gateway.find_company(company.registration_number) is not None
        except ErpError as error:
            logger.info("The ERP is still not answering about applications: %s", error)
            break
        company_erp_check_record(company=company, known_to_erp=found)
        answered += 1
    return answered
