"""ERP → portal: pull each entity's changes since its cursor, in pages, and apply them idempotently."""

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .clients import clients_apply_page, turnover_apply_page
from .companies import companies_apply_page, contacts_apply_page
from .gateway import ChangePage, Cursor, ErpError, get_erp_gateway
from .invoices import invoices_apply_page
from .models import RejectedRecord, SyncCursor, SyncEntity

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


def _reject(entity: str, record, errors: dict) -> None:
    data = json.loads(json.dumps(asdict(record), cls=DjangoJSONEncoder))
    RejectedRecord.objects.create(
        entity=entity, erp_id=str(getattr(record, "erp_id", ""))[:64], errors=errors, data=data
    )
    logger.warning("Rejected %s %s from the ERP: %s", entity, getattr(record, "erp_id", "?"), errors)


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
            for record, errors in rejected:
                _reject(entity, record, errors)
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
    """Pull every entity in PULL_ORDER: companies first, so contacts, invoices and clients find their company."""
    return {entity: pull_entity(entity) for entity in PULL_ORDER}
