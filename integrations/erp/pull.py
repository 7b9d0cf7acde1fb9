"""ERP → portal: pull each entity's changes since its cursor, in pages, and apply them idempotently."""

import dataclasses
import logging
import multiprocessing
import pickle
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus
from partner_area.companies.services import company_erp_check_record
from partner_area.performance.fragments import dashboard_fragments_forget
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


# What a reader reads: each entity's pages in turn, from the cursor it had when the pull began.
Plan = list[tuple[str, Cursor]]
# What it hands over: (entity, page, whether it is that entity's last page).
Item = tuple[str, ChangePage, bool]


# The pull's very first page is smaller (a fifth, not under FIRST_PAGE_MIN): nothing is applied while it is read, so
# the sooner it arrives the sooner reading and applying overlap (measured: 500 companies 210 ms, 100 companies 50 ms).
FIRST_PAGE_MIN = 100


def _read_plan(gateway, plan: Plan, page_size: int, max_pages: int | None) -> Iterator[Item]:
    """The pages of each entity of `plan` in turn, up to `max_pages` each, read one after the other."""
    limit = max(page_size // 5, min(page_size, FIRST_PAGE_MIN))
    for entity, since in plan:
        fetch = getattr(gateway, SOURCES[entity][0])
        cursor, pages = since, 0
        while True:
            page = fetch(cursor, limit)
            limit = page_size
            pages += 1
            last = not page.has_more or bool(max_pages and pages >= max_pages)
            yield entity, page, last
            if last:
                break
            cursor = page.next_cursor


def _read_ahead(items: Iterator[Item]) -> Iterator[Item]:
    """`items`, each read in a thread while the caller takes the one before (memory: two pages at most). The reading
    runs on into the next entity while the caller applies the last page of the one before."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="erp-pull") as reader:
        pending = reader.submit(next, items, None)
        while (item := pending.result()) is not None:
            pending = reader.submit(next, items, None)
            yield item


def _pages_in_thread(plan: Plan, page_size: int, max_pages: int | None) -> Iterator[Item]:
    """The plan's pages read in a thread of this process. Reading and applying share one interpreter, so they take
    turns."""
    return _read_ahead(_read_plan(get_erp_gateway(), plan, page_size, max_pages))


def _sendable(error: BaseException) -> BaseException:
    """The error as the reader process can send it: itself when it survives pickling, else an ErpError saying it."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, in memory
    except Exception:  # noqa: BLE001 - any error that does not pickle is sent as its message
        return ErpError(f"{type(error).__name__}: {error}")
    return error


@dataclasses.dataclass(frozen=True)
class _ReadDone:
    """The reader's last word: what the gateway looked up and cached (ids that never change), for the pulling
    process to keep, so the next reader it forks does not ask the ERP for them again."""

    cached: object = None


def _read_pages(connection, plan: Plan, page_size: int, max_pages: int | None) -> None:
    """The reader process: send each item of the plan, then a _ReadDone, or the error that stopped it (it belongs to
    the entity after the last one whose last page was sent). It never touches the portal's database; sending blocks
    until the pull has taken the item before."""
    try:
        gateway = get_erp_gateway()
        for item in _read_ahead(_read_plan(gateway, plan, page_size, max_pages)):
            connection.send(item)
        connection.send(_ReadDone(cached=gateway.cached_lookups() if hasattr(gateway, "cached_lookups") else None))
    except BaseException as error:  # noqa: BLE001 - whatever stops the reader is the pull's error
        connection.send(_sendable(error))
    finally:
        connection.close()


def _pages_in_process(plan: Plan, page_size: int, max_pages: int | None) -> Iterator[Item]:
    """The plan's pages read by a forked process while this one applies: the reader has its own interpreter, so
    decoding the ERP's answers never waits for the applier's turn (nor the applier for the reader's), and it asks
    the ERP for the next page as soon as the last one is taken (memory: three pages)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    reader = context.Process(
        target=_read_pages, args=(sender, plan, page_size, max_pages), name="erp-pull", daemon=True
    )
    reader.start()
    sender.close()
    try:
        while True:
            try:
                item = receiver.recv()
            except EOFError:
                raise ErpError("The ERP reader process stopped without an answer.") from None
            if isinstance(item, _ReadDone):
                if item.cached is not None:
                    get_erp_gateway().keep_lookups(item.cached)
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        receiver.close()
        if reader.is_alive():
            reader.terminate()
        reader.join()


def _forks() -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not multiprocessing.current_process().daemon  # a daemonic process may have no children


def _pages(plan: Plan, page_size: int, max_pages: int | None) -> Iterator[Item]:
    """The plan's pages: read in a process beside this one (ERP_PULL_READER "process", where the platform forks),
    else in a thread."""
    if getattr(settings, "ERP_PULL_READER", "process") == "process" and _forks():
        return _pages_in_process(plan, page_size, max_pages)
    return _pages_in_thread(plan, page_size, max_pages)


def _since(cursor_row: SyncCursor) -> Cursor:
    # Re-read a small window before the cursor: changes committed late with an earlier timestamp are not
    # missed; applying a record twice is harmless.
    overlap = timedelta(seconds=settings.ERP_PULL_OVERLAP_SECONDS)
    if cursor_row.changed_at is None:
        return Cursor()
    if overlap:
        return Cursor(cursor_row.changed_at - overlap, "")
    return Cursor(cursor_row.changed_at, cursor_row.erp_id)


def _entity_pages(items: Iterator[Item], entity: str) -> Iterator[ChangePage]:
    """The pages of `entity`, the next entity in `items`, up to its end marker."""
    while True:
        try:
            item_entity, page, last = next(items)
        except StopIteration:
            raise ErpError("The ERP reader stopped before the end of its pages.") from None
        if item_entity != entity:
            raise ErpError(f"The ERP reader sent {item_entity} while {entity} was being pulled.")
        yield page
        if last:
            return


def _apply_pages(entity: str, cursor_row: SyncCursor, pages: Iterator[ChangePage]) -> int:
    """Apply one entity's pages, moving its cursor page by page; returns records applied. A record that fails
    validation is skipped and recorded; the rest of the page still applies."""
    apply_page = SOURCES[entity][1]
    applied = 0
    try:
        for page in pages:
            count, rejected = apply_page(page.items)
            applied += count
            if count:
                dashboard_fragments_forget()  # an imported page shows on the dashboards at once
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


def pull_entities(
    entities: Iterable[str], *, page_size: int | None = None, max_pages: int | None = None
) -> Iterator[tuple[str, int]]:
    """Read each entity's changes since its cursor and apply them, in the given order; yields (entity, records
    applied) as each is done. One reader reads every entity's pages in turn, so the next entity's first page is
    read while the last page of the one before is applied. An ERP failure stops the pull at that entity: what was
    applied before it is kept, its cursor holds the error, and the entities after it are not pulled."""
    page_size = page_size or settings.ERP_PULL_PAGE_SIZE
    rows = []
    for entity in entities:
        cursor_row, _ = SyncCursor.objects.get_or_create(entity=entity)
        cursor_row.last_attempt_at = timezone.now()
        rows.append((entity, cursor_row))
    if not rows:
        return
    items = _pages([(entity, _since(cursor_row)) for entity, cursor_row in rows], page_size, max_pages)
    try:
        for entity, cursor_row in rows:
            yield entity, _apply_pages(entity, cursor_row, _entity_pages(items, entity))
        for _unexpected in items:  # the reader's last word (a process hands back its lookups with it)
            raise ErpError("The ERP reader sent more pages than were asked for.")
    finally:
        items.close()


def pull_entity(entity: str, *, page_size: int | None = None, max_pages: int | None = None) -> int:
    """Read one entity's changes since its cursor and apply them; returns records applied (see `pull_entities`)."""
    return dict(pull_entities([entity], page_size=page_size, max_pages=max_pages))[entity]


def pull_all() -> dict[str, int]:
    """Pull every entity in PULL_ORDER: companies first, so contacts, invoices and clients find their company.
    Applications the ERP could not be asked about at registration are asked about first."""
    applications_check()
    return dict(pull_entities(PULL_ORDER))


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
