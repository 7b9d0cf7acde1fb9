"""Partners' clients and their monthly turnover on Tryton: the client part of `TrytonGateway` (see adapter.py)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from partner_area.platform.ports.erp import (
    ChangePage,
    Cursor,
    ErpClient,
    ErpError,
    ErpTurnover,
)

from .client import TrytonRPCError
from .values import MAX_PAGE, aware, decimal_value, int_id, latest, m2o, next_month

logger = logging.getLogger(__name__)

CLIENT_RELATION_TYPE = "Client of"  # from a client to its partner (ERP_TRYTON_CLIENT_RELATION)
CLIENT_RELATION_TYPE_REVERSE = "Client"  # from a partner to its client (ERP_TRYTON_CLIENT_RELATION_REVERSE)
TURNOVER_STATES = ("posted", "paid")  # the invoices that make turnover; drafts and cancelled ones do not
TURNOVER_FIELDS = ["party", "invoice_date", "currency", "untaxed_amount", "last_modified_at"]
TURNOVER_MONTHS_PER_CALL = 24


class TrytonClients:
    # -- clients and turnover -------------------------------------------------------------------------------

    def client_relation_types(self) -> tuple[int, int]:
        """The ids of the relation type from a client to its partner (ERP_TRYTON_CLIENT_RELATION, "Client of")
        and of its reverse (ERP_TRYTON_CLIENT_RELATION_REVERSE, "Client"), created when missing."""
        name = getattr(settings, "ERP_TRYTON_CLIENT_RELATION", CLIENT_RELATION_TYPE)
        reverse_name = getattr(settings, "ERP_TRYTON_CLIENT_RELATION_REVERSE", CLIENT_RELATION_TYPE_REVERSE)

        def load() -> tuple[int, int]:
            model = "party.relation.type"
            try:
                found = self.client.search_read(
                    model, [("name", "=", name)], ["reverse"], limit=1, order=[("id", "ASC")]
                )
            except TrytonRPCError as exc:
                raise ErpError(f"Tryton cannot link clients ({exc}): activate the party_relationship module.") from exc
            if found:
                forward, reverse = found[0]["id"], m2o(found[0]["reverse"])
            else:
                (forward,), reverse = self.client.create(model, [{"name": name}]), None
            if reverse is None:
                (reverse,) = self.client.create(model, [{"name": reverse_name, "reverse": forward}])
                self.client.write(model, [forward], {"reverse": reverse})
            return forward, reverse

        return self._lookup(f"client_relation:{name}", load)

    def _client_partners(self, client_ids: list[int]) -> dict[int, tuple[int, dt.datetime | None]]:
        """Per client party: its partner party (the oldest "Client of" relation, whichever side it was entered
        from) and when that relation last changed."""
        forward, _reverse = self.client_relation_types()
        rows = self.client.search_read(
            "party.relation.all",
            [("from_", "in", client_ids), ("type", "=", forward)],
            ["from_", "to", "create_date", "write_date"],
            order=[("id", "ASC")],
        )
        partners: dict[int, tuple[int, dt.datetime | None]] = {}
        for row in rows:
            partners.setdefault(m2o(row["from_"]), (m2o(row["to"]), row["write_date"] or row["create_date"]))
        return partners

    CLIENT_FIELDS = ["name", "create_date", "last_modified_at"]

    def _read_clients(self, party_ids: list[int]) -> list[ErpClient]:
        """ErpClient for each party still linked to a partner, in the same order."""
        return self._clients_from_rows(self._read_rows("party.party", party_ids, self.CLIENT_FIELDS))

    def _clients_from_rows(self, rows: list[dict]) -> list[ErpClient]:
        """ErpClient for each party row (CLIENT_FIELDS) still linked to a partner, in the same order. `created` is
        the day the party was created in Tryton; `changed_at` the latest change of the party and of its relation."""
        if not rows:
            return []
        partners = self._client_partners([row["id"] for row in rows])
        clients = []
        for party in rows:
            party_id = party["id"]
            if party_id not in partners:
                continue
            partner_id, linked_at = partners[party_id]
            created = party.get("create_date")
            clients.append(
                ErpClient(
                    erp_id=str(party_id),
                    partner_erp_id=str(partner_id),
                    name=party["name"] or "",
                    created=created.date() if created else None,
                    changed_at=latest([party["last_modified_at"], linked_at]),
                )
            )
        return clients

    def clients_changed(self, since: Cursor, limit: int) -> ChangePage[ErpClient]:
        forward, _reverse = self.client_relation_types()
        sources = [
            ("party.party", "id", [("relations.type", "=", forward)], {}),
            # Linking a party from its partner's side writes the partner, not the client: the relation's own times
            # tell. party.relation.all shows each relation from both sides; from the client's it has type `forward`.
            ("party.relation.all", "from_", [("type", "=", forward)], {}, "create_date"),
            ("party.relation.all", "from_", [("type", "=", forward), ("write_date", "!=", None)], {}, "write_date"),
        ]
        rows, cursor, has_more = self._changed_rows(sources, since, limit, self.CLIENT_FIELDS)
        return ChangePage(items=self._clients_from_rows(rows), next_cursor=cursor, has_more=has_more)

    def clients_of(self, company_erp_id: str) -> list[ErpClient]:
        partner_id = int_id(company_erp_id, "party")
        forward, _reverse = self.client_relation_types()
        rows = self.client.search_read(
            "party.relation.all", [("to", "=", partner_id), ("type", "=", forward)], ["from_"], order=[("id", "ASC")]
        )
        client_ids = list(dict.fromkeys(m2o(row["from_"]) for row in rows))
        # A client related to several partners belongs to the oldest relation (see _client_partners).
        return [client for client in self._read_clients(client_ids) if client.partner_erp_id == str(partner_id)]

    def _all_rows(self, model: str, domain: list, fields: list[str]) -> Iterable[dict]:
        """Every matching row, read MAX_PAGE at a time by id (memory stays bounded by the caller's totals)."""
        last = 0
        while True:
            rows = self.client.search_read(
                model, [*domain, ("id", ">", last)], fields, limit=MAX_PAGE, order=[("id", "ASC")]
            )
            yield from rows
            if len(rows) < MAX_PAGE:
                return
            last = rows[-1]["id"]

    def _turnover_totals(self, domain: list, keys: Iterable[tuple] | None = None) -> dict[tuple, Decimal]:
        """Turnover per (client party, month, currency) of the counted invoices matching `domain`: the untaxed
        amount of posted and paid customer invoices (credit notes are negative), by invoice date. With `keys`,
        only those are summed, each starting from zero, so a month whose invoices went away reads 0."""
        only = keys is not None
        totals = dict.fromkeys(keys, Decimal(0)) if only else {}
        counted = [("type", "=", "out"), ("state", "in", list(TURNOVER_STATES)), ("invoice_date", "!=", None)]
        for row in self._all_rows("account.invoice", [*counted, *domain], TURNOVER_FIELDS):
            key = (m2o(row["party"]), row["invoice_date"].replace(day=1), self._currency_code(m2o(row["currency"])))
            if only and key not in totals:
                continue
            totals[key] = totals.get(key, Decimal(0)) + decimal_value(row.get("untaxed_amount"))
        return totals

    def turnover_changed(self, since: Cursor, limit: int) -> ChangePage[ErpTurnover]:
        forward, _reverse = self.client_relation_types()
        sources = [("account.invoice", "id", [("type", "=", "out"), ("party.relations.type", "=", forward)], {})]
        rows, cursor, has_more = self._changed_rows(sources, since, limit, TURNOVER_FIELDS)
        # The (client, month, currency) totals the changed invoices belong to, each recomputed whole.
        touched: dict[tuple, dt.datetime] = {}
        for row in rows:
            if row.get("invoice_date") and row.get("party"):
                key = (m2o(row["party"]), row["invoice_date"].replace(day=1), self._currency_code(m2o(row["currency"])))
                touched[key] = max(filter(None, [touched.get(key), row["last_modified_at"]]))
        by_month: dict[dt.date, set[int]] = {}
        for party_id, month, _currency in touched:
            by_month.setdefault(month, set()).add(party_id)
        totals: dict[tuple, Decimal] = {}
        months = sorted(by_month)
        for start in range(0, len(months), TURNOVER_MONTHS_PER_CALL):
            clauses = [
                [
                    ("party", "in", sorted(by_month[month])),
                    ("invoice_date", ">=", month),
                    ("invoice_date", "<", next_month(month)),
                ]
                for month in months[start : start + TURNOVER_MONTHS_PER_CALL]
            ]
            chunk = set(months[start : start + TURNOVER_MONTHS_PER_CALL])
            totals.update(self._turnover_totals([["OR", *clauses]], [key for key in touched if key[1] in chunk]))
        items = [
            ErpTurnover(str(party_id), month, currency, totals[(party_id, month, currency)], changed_at=aware(when))
            for (party_id, month, currency), when in sorted(touched.items(), key=lambda item: (item[1], item[0]))
        ]
        return ChangePage(items=items, next_cursor=cursor, has_more=has_more)

    def client_turnover(self, client_erp_ids: list[str]) -> list[ErpTurnover]:
        party_ids = sorted({int_id(erp_id, "party") for erp_id in client_erp_ids})
        items = []
        for start in range(0, len(party_ids), MAX_PAGE):
            totals = self._turnover_totals([("party", "in", party_ids[start : start + MAX_PAGE])])
            items.extend(
                ErpTurnover(str(party_id), month, currency, amount)
                for (party_id, month, currency), amount in sorted(totals.items())
            )
        return items
