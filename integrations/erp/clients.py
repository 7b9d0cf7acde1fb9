"""ERP → portal for partners' clients and their monthly turnover: validate what the ERP sends, then store it
through the performance services, which keep the dashboard's roll-ups in step. A page is applied in a few
queries whatever its size."""

import logging
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from partner_area.companies.selectors import companies_by_erp_id
from partner_area.performance.models import Client, MonthlyTurnover
from partner_area.performance.services import ClientRow, TurnoverRow, clients_import, turnover_import
from partner_area.platform.ports.erp import ErpClient, ErpTurnover, get_erp_gateway

from .invoices import InvalidRecord, _amount

logger = logging.getLogger(__name__)

EARLIEST_MONTH, LATEST_MONTH = date(1990, 1, 1), date(2100, 12, 1)


def _erp_id(value, errors: dict, field: str) -> str:
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 64:
        errors[field] = "missing or longer than 64 characters"
    return text


def _a_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def client_validate(erp: ErpClient) -> dict:
    """The client's fields as the portal stores them, or InvalidRecord naming each bad field."""
    errors: dict[str, str] = {}
    erp_id = _erp_id(erp.erp_id, errors, "erp_id")
    partner = _erp_id(erp.partner_erp_id, errors, "partner_erp_id")
    name = erp.name.strip() if isinstance(erp.name, str) else ""
    if not name:
        errors["name"] = "missing"
    created = _a_date(erp.created)
    if erp.created is not None and created is None:
        errors["created"] = "not a date"
    if errors:
        raise InvalidRecord(errors)
    if created is None:  # the ERP does not say: the day the portal first heard of the client is the best guess
        created = _a_date(erp.changed_at) or timezone.localdate()
    return {"erp_id": erp_id, "partner_erp_id": partner, "name": name[:200], "created": created}


def turnover_validate(erp: ErpTurnover) -> dict:
    """One client-month's turnover as the portal stores it, or InvalidRecord naming each bad field."""
    errors: dict[str, str] = {}
    client = _erp_id(erp.client_erp_id, errors, "client_erp_id")
    month = _a_date(erp.month)
    if month is None:
        errors["month"] = "not a date"
    elif not EARLIEST_MONTH <= month.replace(day=1) <= LATEST_MONTH:
        errors["month"] = "out of range"
    currency = erp.currency.strip().upper() if isinstance(erp.currency, str) else ""
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = "not a three-letter currency code"
    amount = _amount(erp.amount, errors, "amount")
    if errors:
        raise InvalidRecord(errors)
    return {"client_erp_id": client, "month": month.replace(day=1), "currency": currency, "amount": amount}


def _turnover_rows(values: list[dict], clients: dict[str, Client]) -> list[TurnoverRow]:
    """TurnoverRow for each value of a known client, the last one winning per client, month and currency. A zero
    for a month the portal holds nothing for is left out (a draft invoice alone makes no turnover row)."""
    latest: dict[tuple, dict] = {}
    for value in values:
        if value["client_erp_id"] in clients:
            latest[(value["client_erp_id"], value["month"], value["currency"])] = value
    zeros = [value for value in latest.values() if not value["amount"]]
    stored = set()
    if zeros:
        stored = set(
            MonthlyTurnover.unscoped.filter(
                client__in=[clients[value["client_erp_id"]] for value in zeros],
                month__in={value["month"] for value in zeros},
            ).values_list("client__erp_id", "month", "currency")
        )
    return [
        TurnoverRow(client=clients[key[0]], month=key[1], currency=key[2], amount=value["amount"])
        for key, value in latest.items()
        if value["amount"] or key in stored
    ]


def _validated(records: list, validate) -> tuple[list[tuple], list[tuple]]:
    valid, rejected = [], []
    for record in records:
        try:
            valid.append((record, validate(record)))
        except InvalidRecord as error:
            rejected.append((record, error.errors))
    return valid, rejected


def clients_apply_page(records: list[ErpClient]) -> tuple[int, list[tuple[ErpClient | ErpTurnover, dict]]]:
    """Create or update a page of clients. A client whose partner is not a portal company is rejected. The whole
    turnover history of clients new to the portal is fetched first (they may have been linked to their partner
    after their invoices were last changed). Returns (applied count, [(record, errors)])."""
    valid, rejected = _validated(records, client_validate)
    partners = companies_by_erp_id(values["partner_erp_id"] for _, values in valid)
    rows: dict[str, ClientRow] = {}
    for record, values in valid:
        company_id = partners.get(values["partner_erp_id"])
        if company_id is None:
            rejected.append((record, {"partner_erp_id": "no portal company has this ERP id"}))
            continue
        rows[values["erp_id"]] = ClientRow(company_id, values["erp_id"], values["name"], values["created"])
    if not rows:
        return 0, rejected
    known = set(Client.unscoped.filter(erp_id__in=rows).values_list("erp_id", flat=True))
    new = sorted(set(rows) - known)
    # Read from the ERP before writing anything, so an ERP failure leaves the page to be applied again whole.
    history, bad_history = _validated(get_erp_gateway().client_turnover(new) if new else [], turnover_validate)
    with transaction.atomic():
        clients = clients_import(rows=rows.values())
        turnover_import(rows=_turnover_rows([values for _, values in history], clients))
    return len(rows), rejected + bad_history


def turnover_apply_page(records: list[ErpTurnover]) -> tuple[int, list[tuple[ErpTurnover, dict]]]:
    """Store a page of recomputed client-month totals. Turnover of clients the portal does not know (their
    partner is not a portal company: the client itself was rejected) is skipped. Returns (applied, rejected)."""
    valid, rejected = _validated(records, turnover_validate)
    erp_ids = {values["client_erp_id"] for _, values in valid}
    clients = Client.unscoped.in_bulk(list(erp_ids), field_name="erp_id") if erp_ids else {}
    if skipped := len(erp_ids - set(clients)):
        logger.info("Skipped the turnover of %d clients the portal does not know.", skipped)
    rows = _turnover_rows([values for _, values in valid], clients)
    return turnover_import(rows=rows), rejected
