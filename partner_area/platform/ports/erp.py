"""The port: what the portal needs from any ERP, in the portal's own terms. Business code depends on
this module only; the adapter is chosen by the ERP_BACKEND setting (a dotted path to a class that
implements ErpGateway). Amounts are Decimal, dates are date, times are timezone-aware datetime."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Generic, Protocol, TypeVar

from django.conf import settings
from django.utils.module_loading import import_string


class ErpError(Exception):
    """The ERP answered with an error, or could not be reached. Callers retry later."""


class ErpUnavailable(ErpError):
    """The ERP could not be reached (connection refused, timeout)."""


class ErpRejected(ErpError):
    """The ERP refused the data itself (e.g. a checksum it enforces): retrying the same data cannot help."""


@dataclass(frozen=True)
class ErpCompanyData:
    """What the portal sends to the ERP about a company."""

    legal_name: str
    registration_number: str
    vat_number: str = ""
    country: str = ""
    address: str = ""
    city: str = ""
    postal_code: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class ErpCompany(ErpCompanyData):
    """A company as the ERP knows it."""

    erp_id: str = ""
    changed_at: datetime | None = None


@dataclass(frozen=True)
class ErpContact:
    """A person of a company, with their own e-mail and phone."""

    company_erp_id: str
    name: str
    email: str = ""
    phone: str = ""
    erp_id: str = ""
    changed_at: datetime | None = None


@dataclass(frozen=True)
class ErpInvoiceLine:
    """One line of an invoice as the partner sees it: `amount` is before tax, `taxes` names the taxes applied."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    taxes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErpInvoice:
    """A customer invoice. `state` is the ERP's own: draft, validated, posted, paid, cancelled. `lines`: all of its
    lines in order (empty: it has none), or None when the adapter did not read them (the stored ones stay)."""

    erp_id: str
    company_erp_id: str
    number: str
    invoice_date: date | None
    due_date: date | None
    currency: str
    total: Decimal
    amount_to_pay: Decimal
    state: str
    changed_at: datetime | None = None
    lines: tuple[ErpInvoiceLine, ...] | None = None


@dataclass(frozen=True)
class ErpClient:
    """An end customer of a partner company: `partner_erp_id` is the partner's company id in the ERP."""

    erp_id: str
    partner_erp_id: str
    name: str
    created: date | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class ErpTurnover:
    """A client's whole turnover in one month (`month` is its first day) and currency, as the ERP computes it
    now: it replaces what the portal stored for that client, month and currency (a total, never a delta)."""

    client_erp_id: str
    month: date
    currency: str
    amount: Decimal
    changed_at: datetime | None = None

    @property
    def erp_id(self) -> str:
        """A readable key for logs and rejected records."""
        month = self.month.strftime("%Y-%m") if isinstance(self.month, date) else str(self.month)
        return f"{self.client_erp_id}/{month}/{self.currency}"


@dataclass(frozen=True)
class Cursor:
    """Where an incremental pull stopped: the last change time seen and, for ties, the last id.

    An empty cursor asks for everything. An adapter may answer that full read in its own order (by id, say,
    which an ERP reads faster than by change time): its pages then return cursors with `snapshot_at`, the latest
    change time when the read began, and an `erp_id` of the adapter's making (how far the read has got). The last
    page returns the cursor of that latest change, so the next pull picks up whatever changed while it ran."""

    changed_at: datetime | None = None
    erp_id: str = ""
    snapshot_at: datetime | None = None


T = TypeVar("T")


@dataclass(frozen=True)
class ChangePage(Generic[T]):
    """One page of records changed since a cursor, oldest change first, and the cursor after them."""

    items: list[T] = field(default_factory=list)
    next_cursor: Cursor = field(default_factory=Cursor)
    has_more: bool = False


class ErpGateway(Protocol):
    """What the portal needs from an ERP."""

    def health(self) -> bool:
        """True when the ERP answers."""

    def find_company(self, registration_number: str) -> ErpCompany | None:
        """The ERP's company with this registration number however the ERP writes it (compared under
        partner_area.platform.identifiers.normalise_registration_number), or None."""

    def create_company(self, data: ErpCompanyData) -> ErpCompany:
        """Create the company and return it with its ERP id. Must not create a second company with the
        same registration number: return the existing one instead (deliveries may run twice)."""

    def update_company(self, erp_id: str, changes: Mapping[str, str]) -> None:
        """Write these fields of the company (of phone, email, website: the ones the portal owns and changed; an
        empty value removes it) and nothing else."""

    def upsert_contact(self, contact: ErpContact) -> ErpContact:
        """Create a person of a company; one already there with the same e-mail (a delivery that ran twice) is
        updated to these values instead."""

    def update_contact(self, erp_id: str, changes: Mapping[str, str]) -> None:
        """Write these fields of a person (of name, email, phone) and nothing else."""

    def contacts_of(self, company_erp_id: str) -> list[ErpContact]:
        """Every contact person of the company (when the portal has just linked it)."""

    def invoices_of(self, company_erp_id: str) -> list[ErpInvoice]:
        """Every customer invoice of the company the pull would report, with its lines (when just linked)."""

    def clients_of(self, company_erp_id: str) -> list[ErpClient]:
        """Every client of the partner company (when just linked); their turnover comes with client_turnover."""

    def companies_changed(self, since: Cursor, limit: int) -> ChangePage[ErpCompany]:
        """Companies changed after the cursor, oldest first, at most `limit`."""

    def contacts_changed(self, since: Cursor, limit: int) -> ChangePage[ErpContact]:
        """Contacts changed after the cursor, oldest first, at most `limit`."""

    def invoices_changed(self, since: Cursor, limit: int) -> ChangePage[ErpInvoice]:
        """Customer invoices changed (or one of their lines changed) after the cursor, oldest first, at most
        `limit`, each with its lines (read for the whole page at once)."""

    def get_invoice(self, erp_id: str) -> ErpInvoice:
        """One invoice with its lines."""

    def payment_recorded(self, invoice_erp_id: str, reference: str) -> bool:
        """True when a payment carrying this bank reference is already recorded against the invoice."""

    def record_payment(self, invoice_erp_id: str, amount: Decimal, date: date, reference: str) -> ErpInvoice:
        """Record a payment of `amount` received on `date` against the invoice, with the bank reference as its
        description and idempotency key (a payment already recorded with it is not recorded again). Refuses
        (ErpRejected) more than the amount still to pay. Returns the invoice as the ERP has it afterwards."""

    def clients_changed(self, since: Cursor, limit: int) -> ChangePage[ErpClient]:
        """Clients of partner companies changed (or linked to a partner) after the cursor, oldest first."""

    def turnover_changed(self, since: Cursor, limit: int) -> ChangePage[ErpTurnover]:
        """The recomputed turnover of every client, month and currency touched by a change after the cursor (at
        most `limit` changes per page); a month whose turnover fell to nothing is reported with amount 0."""

    def client_turnover(self, client_erp_ids: list[str]) -> list[ErpTurnover]:
        """Every month's turnover of these clients (for clients the portal has just learned about)."""


class NoErpGateway:
    """For installations without an ERP: knows no companies, accepts nothing, reports no changes."""

    def __init__(self, *, timeout: float | None = None):
        pass

    def health(self) -> bool:
        return True

    def find_company(self, registration_number: str) -> ErpCompany | None:
        return None

    def create_company(self, data: ErpCompanyData) -> ErpCompany:
        raise ErpUnavailable("No ERP is configured.")

    def update_company(self, erp_id: str, changes: Mapping[str, str]) -> None:
        raise ErpUnavailable("No ERP is configured.")

    def upsert_contact(self, contact: ErpContact) -> ErpContact:
        raise ErpUnavailable("No ERP is configured.")

    def update_contact(self, erp_id: str, changes: Mapping[str, str]) -> None:
        raise ErpUnavailable("No ERP is configured.")

    def contacts_of(self, company_erp_id: str) -> list[ErpContact]:
        return []

    def invoices_of(self, company_erp_id: str) -> list[ErpInvoice]:
        return []

    def clients_of(self, company_erp_id: str) -> list[ErpClient]:
        return []

    def companies_changed(self, since: Cursor, limit: int) -> ChangePage[ErpCompany]:
        return ChangePage(next_cursor=since)

    def contacts_changed(self, since: Cursor, limit: int) -> ChangePage[ErpContact]:
        return ChangePage(next_cursor=since)

    def invoices_changed(self, since: Cursor, limit: int) -> ChangePage[ErpInvoice]:
        return ChangePage(next_cursor=since)

    def get_invoice(self, erp_id: str) -> ErpInvoice:
        raise ErpUnavailable("No ERP is configured.")

    def payment_recorded(self, invoice_erp_id: str, reference: str) -> bool:
        raise ErpUnavailable("No ERP is configured.")

    def record_payment(self, invoice_erp_id: str, amount: Decimal, date: date, reference: str) -> ErpInvoice:
        raise ErpUnavailable("No ERP is configured.")

    def clients_changed(self, since: Cursor, limit: int) -> ChangePage[ErpClient]:
        return ChangePage(next_cursor=since)

    def turnover_changed(self, since: Cursor, limit: int) -> ChangePage[ErpTurnover]:
        return ChangePage(next_cursor=since)

    def client_turnover(self, client_erp_ids: list[str]) -> list[ErpTurnover]:
        return []


@cache
def _gateway_class(path: str) -> type:
    return import_string(path)


def get_erp_gateway(*, timeout: float | None = None) -> ErpGateway:
    """The configured ERP adapter (ERP_BACKEND). A page that asks the ERP while a person waits passes a short
    `timeout` (ERP_INTERACTIVE_TIMEOUT), so a hanging ERP costs them seconds, not the worker's full timeout."""
    gateway_class = _gateway_class(settings.ERP_BACKEND)
    return gateway_class(timeout=timeout) if timeout is not None else gateway_class()


def erp_health() -> bool | None:
    """For /readyz and the staff sync page: whether the ERP answers (short timeout); None when none is
    configured."""
    if not erp_is_configured():
        return None
    try:
        return get_erp_gateway(timeout=settings.ERP_INTERACTIVE_TIMEOUT).health()
    except ErpError:  # it answered, with an error: not healthy either
        return False


def erp_is_configured() -> bool:
    """Whether ERP_BACKEND names a real ERP rather than the default NoErpGateway."""
    return _gateway_class(settings.ERP_BACKEND) is not NoErpGateway


# Changes bound for the ERP. Features write them here, in their own transaction; the ERP integration
# (integrations/erp, the edge) stores them in its outbox and delivers them. It plugs itself in from
# ErpConfig.ready(), so features never import it.
_outbox_writer = None
_outbox_redeliver = None


def erp_outbox_connect(*, writer, redeliver) -> None:
    """Called once by the ERP integration: writer(operation=, entity_type=, entity_id=, payload=) stores a change,
    redeliver(entity_type=, entity_id=) -> int gives the changes the ERP refused (parked) another round."""
    global _outbox_writer, _outbox_redeliver
    _outbox_writer, _outbox_redeliver = writer, redeliver


def erp_send_later(*, operation: str, entity_type: str, entity_id, payload: dict | None = None):
    """Queue a change for the ERP in the caller's transaction (delivered after commit, retried until it lands)."""
    if _outbox_writer is None:
        raise RuntimeError("The ERP integration (integrations.erp) is not installed: nothing can reach the ERP.")
    return _outbox_writer(operation=operation, entity_type=entity_type, entity_id=entity_id, payload=payload)


def erp_redeliver(*, entity_type: str, entity_id) -> int:
    """Give the deliveries about this entity that the ERP refused (parked) another round, e.g. after staff corrected
    the data; the ones still waiting read the corrected data when they run anyway. Returns how many."""
    if _outbox_redeliver is None:
        raise RuntimeError("The ERP integration (integrations.erp) is not installed: nothing can reach the ERP.")
    return _outbox_redeliver(entity_type=entity_type, entity_id=entity_id)


# The changes the portal sends. A change goes as a diff of the fields the portal owns (the integration computes it
# when it delivers); messages about a company and its contact persons share the company's ordering key, so a
# contact waits for its company's creation.


def company_reaches_erp(company) -> bool:
    """Whether a portal change to the company (its contact details or contact persons) is queued for the ERP: the
    company is in an ERP, or an ERP is configured (without one there is nobody to deliver it to). Pages promise an
    update of Brello's records only then."""
    return bool(company.erp_id) or erp_is_configured()


def erp_company_send_later(*, company, create: bool = False) -> None:
    """Queue the company for the ERP in the caller's transaction: `create` links an approved company to the ERP's
    record of its number, or creates it there; otherwise its portal-owned fields are sent."""
    erp_send_later(
        operation="company.create" if create else "company.update", entity_type="company", entity_id=company.pk
    )


def erp_contact_send_later(*, contact) -> None:
    """Queue a contact person of a company for the ERP (after its company's pending changes)."""
    erp_send_later(
        operation="contact.upsert", entity_type="company", entity_id=contact.company_id, payload={"contact": contact.pk}
    )
