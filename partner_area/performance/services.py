"""Writes: clients and their monthly turnover, as the ERP sync or the demo seed delivers them."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from partner_area.companies.models import Company

from .models import Client, MonthlyTurnover
from .network_tables import network_names_follow
from .rollups import rollup_lock, rollup_turnover_changed, turnover_deltas


@dataclass(frozen=True)
class TurnoverRow:
    """A client's turnover in one month (any day of it) and currency; replaces what was stored for it."""

    client: Client
    month: date
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class ClientRow:
    """A partner's client as the ERP sync delivers it, matched by its ERP id."""

    company_id: int
    erp_id: str
    name: str
    created: date


def clients_import(*, rows: Iterable[ClientRow]) -> dict[str, Client]:
    """Create or update many clients in a few queries (a client that changed partner takes its history along);
    returns them by ERP id."""
    wanted = {row.erp_id: row for row in rows}
    if not wanted:
        return {}
    records = []
    for row in wanted.values():
        client = Client(company_id=row.company_id, erp_id=row.erp_id, name=row.name[:200], created=row.created)
        # The partner is looked up by the caller and uniqueness is the upsert's own: no query per client here.
        client.full_clean(exclude=["company"], validate_unique=False, validate_constraints=False)
        records.append(client)
    with transaction.atomic():
        rollup_lock()  # before reading where the clients were: the roll-up deltas are against that
        # unscoped: the ERP sync upserts clients of every partner, matched by ERP id (clients can change partner)
        previous = dict(Client.unscoped.filter(erp_id__in=wanted).values_list("erp_id", "company_id"))
        moved = {erp_id for erp_id, company_id in previous.items() if company_id != wanted[erp_id].company_id}
        history = _history(moved)
        # unscoped: the ERP sync's upsert of the clients read above
        Client.unscoped.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["erp_id"],
            update_fields=["company", "name", "created"],
            batch_size=1000,
        )
        if moved:
            # unscoped: a moved client's history follows it to its new partner (ERP sync)
            owner = Client.unscoped.filter(pk=OuterRef("client_id")).values("company_id")
            # unscoped: a moved client's history follows it to its new partner (ERP sync)
            MonthlyTurnover.unscoped.filter(client__erp_id__in=moved).update(company_id=Subquery(owner))
            _history_moved(history, {erp_id: wanted[erp_id].company_id for erp_id in moved})
    # unscoped: the ERP sync's clients, by ERP id, whatever their partner
    return Client.unscoped.in_bulk(list(wanted), field_name="erp_id")


def _history(erp_ids: set[str]) -> list[dict]:
    """The stored turnover of these clients per client, partner, month and currency: amount and row count."""
    if not erp_ids:
        return []
    # unscoped: the turnover of clients the ERP moved to another partner, under the partner they leave
    rows = MonthlyTurnover.unscoped.filter(client__erp_id__in=erp_ids).order_by()
    grouped = rows.values("client__erp_id", "company_id", "month", "currency")
    return list(grouped.annotate(amount_sum=Sum("amount"), row_count=Count("id")))


def _history_moved(history: list[dict], new_partner: dict[str, int]) -> None:
    """The roll-ups after clients' turnover left the partner it was stored under for each client's new one."""
    rollup_turnover_changed(
        deltas=turnover_deltas(
            removed=[(h["company_id"], h["month"], h["currency"], h["amount_sum"], h["row_count"]) for h in history],
            added=[
                (new_partner[h["client__erp_id"]], h["month"], h["currency"], h["amount_sum"], h["row_count"])
                for h in history
            ],
        )
    )


def client_upsert(*, company: Company, erp_id: str, name: str, created: date) -> Client:
    """Create or update a partner's client, matched by its ERP id."""
    with transaction.atomic():
        rollup_lock()  # before reading where the client was: the roll-up deltas are against that
        # unscoped: matched by ERP id across partners, because a client can change partner in the ERP
        client = Client.unscoped.filter(erp_id=erp_id).first() or Client(erp_id=erp_id)
        previous_company_id = client.company_id
        client.company, client.name, client.created = company, name[:200], created
        client.full_clean()
        client.save()
        if previous_company_id not in (None, company.pk):
            # The client changed partner: its history moves along, and both networks' figures change.
            history = _history({erp_id})
            # unscoped: the moved client's history, still under its previous partner
            MonthlyTurnover.unscoped.filter(client=client).update(company=company)
            _history_moved(history, {erp_id: company.pk})
    return client


def _clean(row: TurnoverRow) -> MonthlyTurnover:
    currency = (row.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(_("“%(currency)s” is not a currency code.") % {"currency": row.currency})
    amount = Decimal(row.amount).quantize(Decimal("0.01"))
    if abs(amount) >= Decimal("1e12"):
        raise ValidationError(_("The turnover amount is out of range."))
    return MonthlyTurnover(
        company_id=row.client.company_id, client=row.client, month=row.month.replace(day=1), currency=currency,
        amount=amount,
    )  # fmt: skip


def turnover_import(*, rows: Iterable[TurnoverRow]) -> int:
    """Store monthly turnover (replacing the same client, month and currency) and bring the roll-ups in line."""
    records = {}
    for row in rows:
        record = _clean(row)
        records[(record.client_id, record.month, record.currency)] = record  # the last one wins, as in the ERP
    if not records:
        return 0
    with transaction.atomic():
        rollup_lock()  # before reading the stored amounts: the roll-up deltas are against them
        # unscoped: the stored turnover the import replaces, of every partner's clients
        stored = MonthlyTurnover.unscoped.filter(
            client_id__in={key[0] for key in records}, month__in={key[1] for key in records}
        ).values_list("client_id", "month", "currency", "company_id", "amount")
        replaced = [(company_id, month, currency, amount) for client_id, month, currency, company_id, amount in stored
                    if (client_id, month, currency) in records]  # fmt: skip
        # unscoped: the ERP sync imports turnover of every partner; each row's company is its client's
        MonthlyTurnover.unscoped.bulk_create(
            list(records.values()),
            update_conflicts=True,
            unique_fields=["client", "month", "currency"],
            update_fields=["amount", "company"],
            batch_size=1000,
        )
        new = [(record.company_id, record.month, record.currency, record.amount) for record in records.values()]
        rollup_turnover_changed(deltas=turnover_deltas(removed=replaced, added=new))
    return len(records)


def partners_renamed(*, company_ids: Iterable[int]) -> None:
    """Companies renamed by a bulk update (no Company.save(), so no signal): the sub-partner tables stored for
    their uplines take the new names. The ERP pull's page of companies calls it."""
    network_names_follow(list(company_ids))
