"""`TrytonGateway`: the ErpGateway port implemented against a Tryton 8.2 server over JSON-RPC.

Select it with ``ERP_BACKEND = "integrations.erp.tryton.adapter.TrytonGateway"``. Settings (read with
``getattr(settings, name, default)``): ``ERP_TRYTON_URL`` ("http://127.0.0.1:8800"), ``ERP_TRYTON_DATABASE``
("erp"), ``ERP_TRYTON_USER`` ("admin"), ``ERP_TRYTON_PASSWORD`` (""), ``ERP_TRYTON_TIMEOUT`` (15 seconds).
Authentication is a ``common.db.login`` session (see ``client.py``). Tryton modules needed: party, company,
account_invoice and party_relationship.

Mapping (portal → Tryton):

- company → ``party.party``. The registration number is a party identifier with no type (a free code),
  stored normalised (no spaces or dashes, upper case); a "company" is a party with such an identifier. The
  VAT number is the party's tax identifier: type ``eu_vat`` with the country prefix (``LV40003123456``; Tryton
  validates it and answers a ``TrytonUserError`` when it is invalid), or ``gb_vat``/``no_mva``/``ch_vat`` for
  those countries. Address → the party's first ``party.address`` (street, city, postal_code, country by ISO
  code; an unknown country code is left empty). Phone, e-mail, website → the first ``party.contact_mechanism``
  of type phone (mobile when there is no phone), email and website. The portal owns these fields: an update
  overwrites them, and an empty value removes that contact mechanism.
- contact person → a separate person ``party.party`` with an email and a phone contact mechanism, linked to
  the company by a ``party.relation`` of type "Contact person of" (reverse "Contact person"), created when
  missing (module party_relationship). Contacts are matched by e-mail among the company's contact persons.
  A person related to several companies is reported with the first (oldest) relation.
- invoice ← ``account.invoice`` of type "out" once it has a number (posted, paid, cancelled after posting: a
  cancelled invoice is reported with state "cancelled"); drafts and validated invoices are not read until posted.
  Due date = the earliest maturity date of the unreconciled lines to pay (of all lines to pay once paid).
  Lines ← ``account.invoice.line`` of type "line" (titles, comments and subtotals are left out).
- client ← a ``party.party`` related to its partner's party by a ``party.relation`` of type "Client of" (reverse
  "Client"; names from ERP_TRYTON_CLIENT_RELATION / _REVERSE, created when missing); the oldest such relation
  wins. "Client since" is the party's creation day. Changes: the party's own, and the relation's create/write
  dates read through ``party.relation.all`` (``party.relation`` itself is not open to RPC).
- monthly turnover ← per client, month of the invoice date and currency: the sum of ``untaxed_amount`` of its
  posted and paid customer invoices. A page of changed invoices (any state) names the (client, month, currency)
  totals to recompute; each is summed again in Tryton, so a cancelled invoice's month drops.
- payment → the ``account.invoice.pay`` wizard (create / execute start, choice and, for a partial payment, ask
  with type "partial" / delete) with the payment method ``ERP_TRYTON_PAYMENT_METHOD`` (an id or a name; empty:
  the only one there is) and the bank reference as the description of the payment move. The reference is the
  idempotency key: a move whose origin is the invoice and whose description is the reference means the
  payment is recorded, and nothing is paid again. More than the amount to pay is refused (never an overpayment).

Incremental pulls: the change time of a record is Tryton's own ``last_modified_at`` (``write_date``, or
``create_date`` when it was never written; both UTC, with microseconds). Pages are ordered by (change time,
party or invoice id) and resume strictly after the cursor, so records sharing a timestamp (created in one
call) are neither skipped nor repeated across pages. A party's ``write_date`` does not move when only one of
its identifiers, addresses or contact mechanisms changes, so a company's (or contact's) change time is the
latest of the party's and those records' (inactive ones included). A party may be reported again in a later
page when another of its records changed later; applying it twice is harmless. Deletions leave no trace.
Relations have no usable change time over RPC: linking an existing person shows up when either party is saved.
A full read (an empty cursor) goes by id instead and ends on the latest change time taken before it began.

Reading: one call per page for companies (identifiers, addresses and contact mechanisms nested) and for invoices
(ledger lines nested). Tryton's computed fields are avoided where the stored ones tell the same: the balance is
summed from the ledger lines as account_invoice does, the total is `total_amount_cache`, an address's street is
`street_unstructured` when it has no structured parts, and change times are `_timestamp` (Tryton encodes
datetimes slowly). Each has a fallback to Tryton's own field where it would not be the same.

The class is split by subject: companies and contacts here, invoices and payments in ``invoices.py``, clients
and turnover in ``clients.py``, shared conversions in ``values.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from partner_area.platform.identifiers import normalise_registration_number
from partner_area.platform.ports.erp import (
    ChangePage,
    Cursor,
    ErpCompany,
    ErpCompanyData,
    ErpContact,
    ErpError,
)

from .client import DEFAULT_TIMEOUT, TrytonClient, TrytonRPCError, TrytonUserError
from .clients import TrytonClients
from .invoices import TrytonInvoices
from .values import (
    MAX_PAGE,
    OTHER_VAT_TYPES,
    aware,
    from_timestamp,
    int_id,
    latest,
    like_exact,
    m2o,
    naive_utc,
    portal_vat,
    spelled_any_way,
    vat_identifier,
)

logger = logging.getLogger(__name__)

RELATION_TYPE = "Contact person of"  # from the person to the company
RELATION_TYPE_REVERSE = "Contact person"  # from the company to the person
PHONE_TYPES = ("phone", "mobile")
MECHANISM_KINDS = ("phone", "email", "website")  # the company fields kept as contact mechanisms
# An address's structured street parts: when all are empty, Tryton's `street` is the plain `street_unstructured`.
STREET_PARTS = (
    "street_name", "building_name", "building_number", "unit_number", "floor_number", "room_number", "post_box",
    "private_bag", "post_office",
)  # fmt: skip
RELATED = ("identifiers.", "addresses.", "contact_mechanisms.")
# Change times are read as `_timestamp` (one string) rather than `last_modified_at`: Tryton encodes a datetime as
# a JSON object token by token in Python, which made the times 40 % of a company page's read (measured).
MECHANISM_FIELDS = [f"contact_mechanisms.{name}" for name in ("type", "value", "_timestamp")]
# A company with its identifiers, addresses and contact mechanisms, in one read.
COMPANY_FIELDS = [
    "name",
    "_timestamp",
    *(f"identifiers.{name}" for name in ("type", "code", "_timestamp")),
    *(f"addresses.{name}" for name in ("street_unstructured", *STREET_PARTS, "city", "postal_code", "country.code")),
    "addresses._timestamp",
    *MECHANISM_FIELDS,
]
TAX_TYPES = frozenset({"eu_vat", *OTHER_VAT_TYPES.values()})  # the VAT types written here: all tax types in Tryton
PARTY_CREATE_ATTEMPTS = 3  # a party refused by a race on Tryton's party sequence (see _create_party)
RELATED_ROWS_PER_ID = 3  # change rows read per page id from a related model (identifiers, addresses, mechanisms)

# Per server and database: ids that never change (countries, relation types).
_lookups: dict[tuple[str, str, str], Any] = {}
_lookups_lock = threading.Lock()


def forget_lookups() -> None:
    """Drop the cached country and relation type ids (tests, or after the server's database was replaced)."""
    with _lookups_lock:
        _lookups.clear()


class TrytonGateway(TrytonInvoices, TrytonClients):
    """The portal's ERP port on Tryton. Cheap to instantiate; sessions and lookups are cached per process."""

    def __init__(
        self,
        *,
        url: str | None = None,
        database: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float | None = None,
    ):
        self.client = TrytonClient(
            url if url is not None else getattr(settings, "ERP_TRYTON_URL", "http://127.0.0.1:8800"),
            database if database is not None else getattr(settings, "ERP_TRYTON_DATABASE", "erp"),
            user if user is not None else getattr(settings, "ERP_TRYTON_USER", "admin"),
            password if password is not None else getattr(settings, "ERP_TRYTON_PASSWORD", ""),
            timeout=float(timeout if timeout is not None else getattr(settings, "ERP_TRYTON_TIMEOUT", DEFAULT_TIMEOUT)),
        )

    # -- health ---------------------------------------------------------------------------------------------

    def health(self) -> bool:
        try:
            self.client.call("model.res.user.get_preferences", True, {})
        except ErpError as exc:
            logger.info("Tryton health check failed: %s", exc)
            return False
        return True

    # -- lookups ----------------------------------------------------------------------------------------------

    def _lookup(self, name: str, compute):
        key = (self.client.url, self.client.database, name)
        with _lookups_lock:
            if key in _lookups:
                return _lookups[key]
        value = compute()
        with _lookups_lock:
            _lookups.setdefault(key, value)
            return _lookups[key]

    def cached_lookups(self) -> dict:
        """This process's cached lookups (a pull's reader process hands them to the process that forked it)."""
        with _lookups_lock:
            return dict(_lookups)

    def keep_lookups(self, cached: dict) -> None:
        """Keep lookups cached by another process (see `cached_lookups`); its values are the fresher ones."""
        with _lookups_lock:
            _lookups.update(cached)

    def _forget(self, name: str) -> None:
        with _lookups_lock:
            _lookups.pop((self.client.url, self.client.database, name), None)

    def _country_id(self, code: str) -> int | None:
        code = (code or "").strip().upper()
        if not code:
            return None

        def load() -> dict[str, int]:
            rows = self.client.search_read("country.country", [], ["code"], context={"active_test": False})
            return {(row["code"] or "").upper(): row["id"] for row in rows}

        countries = self._lookup("countries", load)
        if code not in countries:  # maybe added in Tryton since: look again once
            self._forget("countries")
            countries = self._lookup("countries", load)
        if code not in countries:
            logger.warning("Tryton has no country %r; the address is saved without a country.", code)
        return countries.get(code)

    def _relation_type(self) -> int:
        """The id of the "Contact person of" relation type (person → company), created with its reverse."""

        def load() -> int:
            model = "party.relation.type"
            try:
                found = self.client.search(model, [("name", "=", RELATION_TYPE)], limit=1, order=[("id", "ASC")])
            except TrytonRPCError as exc:
                raise ErpError(
                    f"Tryton cannot link contact persons ({exc}): activate the party_relationship module."
                ) from exc
            if found:
                return found[0]
            (forward,) = self.client.create(model, [{"name": RELATION_TYPE}])
            (reverse,) = self.client.create(model, [{"name": RELATION_TYPE_REVERSE, "reverse": forward}])
            self.client.write(model, [forward], {"reverse": reverse})
            return forward

        return self._lookup("relation_type", load)

    # -- companies ------------------------------------------------------------------------------------------

    def _company_ids_by_number(self, number: str) -> list[int]:
        """The active parties holding this registration number however Tryton stores it: untyped codes are kept
        verbatim ("4000 312-3456"), so the search allows anything between the characters and the codes found are
        compared under the portal's normalisation."""
        number = normalise_registration_number(number)
        if not number:
            return []
        identifiers = self.client.search_read(
            "party.identifier",
            [("type", "=", None), ("code", "ilike", spelled_any_way(number)), ("party.active", "=", True)],
            ["party", "code"],
            order=[("party.id", "ASC")],
        )
        return sorted(
            {
                m2o(row["party"])
                for row in identifiers
                if row.get("party") and normalise_registration_number(row["code"]) == number
            }
        )

    def find_company(self, registration_number: str) -> ErpCompany | None:
        ids = self._company_ids_by_number(normalise_registration_number(registration_number))
        if not ids:
            return None
        return self._read_companies(ids[:1])[0]

    def create_company(self, data: ErpCompanyData) -> ErpCompany:
        number = normalise_registration_number(data.registration_number)
        if not number:
            raise ErpError("A company needs a registration number.")
        existing = self._company_ids_by_number(number)
        if existing:
            return self._read_companies(existing[:1])[0]
        identifiers = [{"code": number}]
        if vat := vat_identifier(data.vat_number, data.country):
            identifiers.append({"type": vat[0], "code": vat[1]})
        values: dict[str, Any] = {
            "name": data.legal_name.strip(),
            "identifiers": [("create", identifiers)],
        }
        address = self._address_values(data)
        if any(address.values()):
            values["addresses"] = [("create", [address])]
        mechanisms = [
            {"type": kind, "value": value}
            for kind, value in (("phone", data.phone), ("email", data.email), ("website", data.website))
            if value.strip()
        ]
        if mechanisms:
            values["contact_mechanisms"] = [("create", mechanisms)]
        party_id = self._create_party(values, existing=lambda: self._company_ids_by_number(number))
        # Two deliveries racing past the search above would each create a party: keep the oldest one.
        ids = self._company_ids_by_number(number)
        if ids and ids[0] != party_id:
            logger.warning("Tryton party %s duplicated party %s (registration %s): removed.", party_id, ids[0], number)
            self.client.delete("party.party", [party_id])
            party_id = ids[0]
        return self._read_companies([party_id])[0]

    def _create_party(self, values: dict[str, Any], *, existing) -> int:
        """Create one party. Tryton numbers a new party from a sequence that two creations at the same moment can
        both read (on SQLite, which has no native sequences): the loser is refused ("The code on party must be
        unique") although its data is fine, so a refusal is tried again, after asking `existing()` whether the
        party is there by now. A real refusal of the data is refused again and raised (the message is parked)."""
        for attempt in range(PARTY_CREATE_ATTEMPTS):
            try:
                (party_id,) = self.client.create("party.party", [values])
                return party_id
            except TrytonUserError:
                if attempt == PARTY_CREATE_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
                if found := existing():
                    return found[0] if isinstance(found, list) else found
        raise AssertionError("unreachable")  # pragma: no cover

    def _address_values(self, data: ErpCompanyData) -> dict[str, Any]:
        return {
            "street": data.address.strip(),
            "city": data.city.strip(),
            "postal_code": data.postal_code.strip(),
            "country": self._country_id(data.country),
        }

    def update_company(self, erp_id: str, changes: Mapping[str, str]) -> None:
        """Write only the given contact mechanisms (phone, email, website): the party's name, identifiers and
        addresses belong to the ERP and are never written here."""
        unknown = set(changes) - set(MECHANISM_KINDS)
        if unknown:
            raise ValueError(f"The portal does not write {sorted(unknown)} to Tryton.")
        party_id = int_id(erp_id, "party")
        self._existing_party(party_id)
        mechanisms = self._mechanisms([party_id]).get(party_id, [])
        ops = self._mechanism_ops(mechanisms, {kind: value.strip() for kind, value in changes.items()})
        if ops:  # an unchanged company is not written, so it makes no change for the next pull
            self.client.write("party.party", [party_id], {"contact_mechanisms": ops})

    def _existing_party(self, party_id: int) -> dict:
        found = self.client.search_read(
            "party.party", [("id", "=", party_id)], ["name"], context={"active_test": False}
        )
        if not found:
            raise ErpError(f"Tryton has no party {party_id}.")
        return found[0]

    @staticmethod
    def _mechanism_ops(mechanisms: list[dict], wanted: dict[str, str]) -> list:
        """One2Many operations that make the first mechanism of each type hold the wanted value."""
        ops: list = []
        for kind, value in wanted.items():
            kinds = PHONE_TYPES if kind == "phone" else (kind,)
            current = next((m for k in kinds for m in mechanisms if m["type"] == k), None)
            if current is None:
                if value:
                    ops.append(("create", [{"type": kind, "value": value}]))
            elif not value:
                ops.append(("delete", [current["id"]]))
            elif current["value"] != value:
                ops.append(("write", [current["id"]], {"value": value}))
        return ops

    def _identifiers(self, party_ids: list[int]) -> list[dict]:
        return self.client.search_read(
            "party.identifier", [("party", "in", party_ids)], ["party", "type", "code", "last_modified_at"]
        )

    def _addresses(self, party_ids: list[int]) -> dict[int, list[dict]]:
        rows = self.client.search_read(
            "party.address",
            [("party", "in", party_ids)],
            ["party", "street", "city", "postal_code", "country", "country.code", "last_modified_at"],
        )
        result: dict[int, list[dict]] = {}
        for row in rows:
            result.setdefault(m2o(row["party"]), []).append(row)
        return result

    def _mechanisms(self, party_ids: list[int]) -> dict[int, list[dict]]:
        rows = self.client.search_read(
            "party.contact_mechanism",
            [("party", "in", party_ids), ("type", "in", ["phone", "mobile", "email", "website"])],
            ["party", "type", "value", "last_modified_at"],
        )
        result: dict[int, list[dict]] = {}
        for row in rows:
            result.setdefault(m2o(row["party"]), []).append(row)
        return result

    def _read_rows(self, model: str, ids: list[int], fields: list[str]) -> list[dict]:
        """The rows of these ids in the same order, in one read (ids that no longer exist are left out)."""
        rows = {row["id"]: row for row in self.client.read(model, ids, fields)}
        return [rows[record_id] for record_id in ids if record_id in rows]

    def _read_companies(self, party_ids: list[int]) -> list[ErpCompany]:
        """ErpCompany for each id, in the same order (ids that no longer exist are left out)."""
        return self._companies_from_rows(self._read_rows("party.party", party_ids, COMPANY_FIELDS))

    def _companies_from_rows(self, rows: list[dict]) -> list[ErpCompany]:
        """ErpCompany for each party row read with COMPANY_FIELDS (identifiers, addresses and contact mechanisms
        nested), in the same order. `changed_at` is the latest change of the party and those records."""
        if not rows:
            return []
        typed = {
            row["id"]: [i for i in row["identifiers."] if i["type"]]
            for row in rows
            if any(i["type"] for i in row["identifiers."])
        }
        vat = self._tax_identifiers(typed)
        addresses = {row["id"]: row["addresses."][0] for row in rows if row["addresses."]}
        streets = self._streets(list(addresses.values()))
        companies = []
        for party in rows:
            party_id = party["id"]
            number = next((i["code"] for i in party["identifiers."] if not i["type"]), "")
            address = addresses.get(party_id) or {}
            values = self._first_mechanisms(party["contact_mechanisms."])
            country = address.get("country.") or {}
            times = [from_timestamp(row["_timestamp"]) for row in (party, *(r for key in RELATED for r in party[key]))]
            companies.append(
                ErpCompany(
                    legal_name=party["name"] or "",
                    registration_number=normalise_registration_number(number),
                    vat_number=portal_vat(vat.get(party_id)),
                    country=(country.get("code") or "").upper(),
                    address=streets.get(address.get("id"), "").strip(),
                    city=address.get("city") or "",
                    postal_code=address.get("postal_code") or "",
                    phone=values["phone"],
                    email=values["email"],
                    website=values["website"],
                    erp_id=str(party_id),
                    changed_at=latest(times),
                )
            )
        return companies

    def _streets(self, addresses: list[dict]) -> dict[int, str]:
        """Each address's `street` as Tryton shows it. That field is computed address by address from the address
        format (a quarter of a company page's time, measured); an address without structured parts (street name,
        building number...) shows its plain street text, which is read as is. Tryton formats the others."""
        streets = {}
        structured = []
        for address in addresses:
            if any(address.get(part) for part in STREET_PARTS):
                structured.append(address["id"])
            else:
                streets[address["id"]] = address.get("street_unstructured") or ""
        for row in self.client.read("party.address", structured, ["street"]):
            streets[row["id"]] = row["street"] or ""
        return streets

    def _tax_identifiers(self, typed: dict[int, list[dict]]) -> dict[int, dict]:
        """Each party's tax identifier: as Tryton's `tax_identifier`, its first identifier (in Tryton's order) of a
        tax type. Tryton computes that field party by party; it is only asked for parties that have an identifier
        of a type this adapter does not know to be a tax type (the VAT types it writes are)."""
        found = {}
        ask = []
        for party_id, rows in typed.items():
            if all(row["type"] in TAX_TYPES for row in rows):
                found[party_id] = rows[0]
            else:
                ask.append(party_id)
        for row in self.client.read("party.party", ask, ["tax_identifier.type", "tax_identifier.code"]):
            if row.get("tax_identifier."):
                found[row["id"]] = row["tax_identifier."]
        return found

    @staticmethod
    def _first_mechanisms(mechanisms: list[dict]) -> dict[str, str]:
        """The first phone (else mobile), e-mail and website value, in Tryton's order (sequence, id)."""
        first: dict[str, str] = {}
        for mechanism in mechanisms:
            first.setdefault(mechanism["type"], mechanism["value"] or "")
        return {
            "phone": first.get("phone") or first.get("mobile", ""),
            "email": first.get("email", ""),
            "website": first.get("website", ""),
        }

    # -- incremental pulls ----------------------------------------------------------------------------------

    def _after(self, since: Cursor, field: str, time_field: str = "last_modified_at") -> list:
        if since.changed_at is None:
            return []
        when = naive_utc(since.changed_at)
        last_id = int(since.erp_id) if since.erp_id and since.erp_id.isdigit() else 0
        return [
            [
                "OR",
                [(time_field, ">", when)],
                [(time_field, "=", when), (field, ">", last_id)],
            ]
        ]

    def _changes(self, sources: Iterable[tuple], since: Cursor, limit: int):
        """Merge change events (time, id) from several models into one page of at most `limit` distinct ids.

        Each source is (model, field holding the reported id, domain, context[, time field]); the time field is
        `last_modified_at` unless given (a view model such as party.relation.all has only its table's create_date
        and write_date). Returns ([(time, id)], has_more), where time is the latest change seen for that id within
        the page, oldest first."""
        limit = max(1, min(int(limit), MAX_PAGE))
        events: set[tuple[dt.datetime, int]] = set()
        horizon: tuple[dt.datetime, int] | None = None
        for model, field, domain, context, *rest in sources:
            time_field = rest[0] if rest else "last_modified_at"
            order_field = "id" if field == "id" else f"{field}.id"
            # A related model has several rows per reported id (a party's phone and e-mail): read more of them, or
            # its horizon would cut every page to a fraction of `limit` (measured: 250 companies per 500-page).
            fetch = limit if field == "id" else limit * RELATED_ROWS_PER_ID
            rows = self.client.search_read(
                model,
                [*domain, *self._after(since, field, time_field)],
                [time_field, field],
                limit=fetch,
                order=[(time_field, "ASC"), (order_field, "ASC")],
                context=context,
            )
            keys = [(row[time_field], m2o(row[field]) if field != "id" else row["id"]) for row in rows]
            keys = [key for key in keys if key[0] is not None and key[1]]
            events.update(keys)
            if len(rows) >= fetch and keys:
                # Rows past this source's last one were not fetched: nothing after it is certain yet.
                horizon = keys[-1] if horizon is None else min(horizon, keys[-1])
        ordered = sorted(key for key in events if horizon is None or key <= horizon)
        latest: dict[int, tuple[dt.datetime, int]] = {}
        has_more = horizon is not None
        for key in ordered:
            if key[1] not in latest and len(latest) >= limit:
                has_more = True
                break
            latest[key[1]] = key
        page = sorted(latest.values())
        return page, has_more

    def _next_cursor(self, page: list[tuple[dt.datetime, int]], since: Cursor) -> Cursor:
        if not page:
            return since
        when, last_id = page[-1]
        return Cursor(changed_at=aware(when), erp_id=str(last_id))

    def _changed_rows(
        self, sources: list[tuple], since: Cursor, limit: int, fields: list[str]
    ) -> tuple[list[dict], Cursor, bool]:
        """One page of the first source's records changed after `since` (see `_changes`), read with `fields`, in
        order; the cursor after them and whether more follow.

        An empty cursor starts a full read, which goes by id through the first source (the records themselves)
        with one `search_read` per page: Tryton reads a page by id through its primary key, while a page by change
        time sorts the whole table on an unindexed expression and reads every related model's change rows too. The
        change time to resume from is taken before the first page, so nothing that changes during the read is
        missed by the pull after it (see `_latest_change`)."""
        model, _field, domain, context, *_rest = sources[0]
        if since.changed_at is not None:
            page, has_more = self._changes(sources, since, limit)
            rows = self._read_rows(model, [record_id for _, record_id in page], fields)
            return rows, self._next_cursor(page, since), has_more
        if since.snapshot_at is None:
            end = self._latest_change(sources[0])
            if end is None:  # nothing at all yet
                return [], Cursor(), False
            after = 0
        else:
            end = Cursor(changed_at=since.snapshot_at, erp_id=since.erp_id.partition(":")[2])
            after = int(since.erp_id.partition(":")[0])
        limit = max(1, min(int(limit), MAX_PAGE))
        rows = self.client.search_read(
            model, [*domain, ("id", ">", after)], fields, limit=limit, order=[("id", "ASC")], context=context
        )
        if len(rows) < limit:
            return rows, end, False
        # While reading: the last id read, and the id of the latest change (the tie-breaker to resume after).
        return rows, Cursor(erp_id=f"{rows[-1]['id']}:{end.erp_id}", snapshot_at=end.changed_at), True

    def _latest_change(self, source: tuple) -> Cursor | None:
        """The cursor of the latest change of the source's own records (one top-1 read), or None when it has none.

        Only the records themselves are asked, not the related models whose changes also count (addresses,
        contact mechanisms, lines): each of those would be one more call, and Tryton indexes none of these times,
        so each sorts its whole table. Resuming from the records' own latest change is resuming from a time no
        later than the latest change of all: what changed in a related model after it is read once more by the
        first incremental pull (harmless), and nothing is missed."""
        model, field, domain, context, *rest = source
        time_field = rest[0] if rest else "last_modified_at"
        order_field = "id" if field == "id" else f"{field}.id"
        rows = self.client.search_read(
            model,
            domain,
            [time_field, field],
            limit=1,
            order=[(time_field, "DESC NULLS LAST"), (order_field, "DESC")],
            context=context,
        )
        keys = [(row[time_field], m2o(row[field]) if field != "id" else row["id"]) for row in rows if row[time_field]]
        if not keys:
            return None
        when, last_id = keys[0]
        return Cursor(changed_at=aware(when), erp_id=str(last_id))

    def companies_changed(self, since: Cursor, limit: int) -> ChangePage[ErpCompany]:
        is_company = [("identifiers.type", "=", None)]
        of_company = [("party.identifiers.type", "=", None)]
        inactive_too = {"active_test": False}
        sources = [
            ("party.party", "id", is_company, {}),
            ("party.identifier", "party", of_company, inactive_too),
            ("party.address", "party", of_company, inactive_too),
            ("party.contact_mechanism", "party", of_company, inactive_too),
        ]
        rows, cursor, has_more = self._changed_rows(sources, since, limit, COMPANY_FIELDS)
        return ChangePage(items=self._companies_from_rows(rows), next_cursor=cursor, has_more=has_more)

    # -- contacts -------------------------------------------------------------------------------------------

    # A person with its contact mechanisms and its relations (to whom, of which type), in one read.
    CONTACT_FIELDS = ["name", "_timestamp", *MECHANISM_FIELDS, "relations.to", "relations.type"]

    def _read_contacts(self, person_ids: list[int]) -> list[ErpContact]:
        """ErpContact for each person still related to a company, in the same order."""
        return self._contacts_from_rows(self._read_rows("party.party", person_ids, self.CONTACT_FIELDS))

    def _contacts_from_rows(self, rows: list[dict]) -> list[ErpContact]:
        """ErpContact for each person row read with CONTACT_FIELDS that is related to a company as its contact
        person, in the same order. The company is the one of the person's first such relation (Tryton lists a
        party's relations by id, and only the active ones); `changed_at` is the latest change of the person and
        its contact mechanisms."""
        relation = self._relation_type() if rows else None
        contacts = []
        for party in rows:
            company_id = next((m2o(r["to"]) for r in party["relations."] if m2o(r["type"]) == relation), None)
            if company_id is None:
                continue
            mechanisms = party["contact_mechanisms."]
            values = self._first_mechanisms(mechanisms)
            contacts.append(
                ErpContact(
                    company_erp_id=str(company_id),
                    name=party["name"] or "",
                    email=values["email"],
                    phone=values["phone"],
                    erp_id=str(party["id"]),
                    changed_at=latest(from_timestamp(row["_timestamp"]) for row in (party, *mechanisms)),
                )
            )
        return contacts

    def _find_contact(self, company_id: int, contact: ErpContact) -> int | None:
        relation = self._relation_type()
        if contact.erp_id:
            person_id = int_id(contact.erp_id, "party")
            if self.client.search("party.party", [("id", "=", person_id)]):
                return person_id
        people = self.client.search_read(
            "party.relation.all", [("to", "=", company_id), ("type", "=", relation)], ["from_"], order=[("id", "ASC")]
        )
        person_ids = [m2o(row["from_"]) for row in people]
        if not person_ids:
            return None
        email = contact.email.strip()
        if email:
            found = self.client.search_read(
                "party.contact_mechanism",
                [("party", "in", person_ids), ("type", "=", "email"), ("value", "ilike", like_exact(email))],
                ["party"],
                order=[("party.id", "ASC")],
                limit=1,
            )
            return m2o(found[0]["party"]) if found else None
        found = self.client.search(
            "party.party",
            [("id", "in", person_ids), ("name", "=", contact.name.strip())],
            limit=1,
            order=[("id", "ASC")],
        )
        return found[0] if found else None

    def upsert_contact(self, contact: ErpContact) -> ErpContact:
        company_id = int_id(contact.company_erp_id, "party")
        self._existing_party(company_id)
        relation = self._relation_type()
        person_id = self._find_contact(company_id, contact)
        wanted = {"email": contact.email.strip(), "phone": contact.phone.strip()}
        if person_id is None:
            mechanisms = [{"type": kind, "value": value} for kind, value in wanted.items() if value]
            values: dict[str, Any] = {
                "name": contact.name.strip(),
                "relations": [("create", [{"to": company_id, "type": relation}])],
            }
            if mechanisms:
                values["contact_mechanisms"] = [("create", mechanisms)]
            person_id = self._create_party(values, existing=lambda: self._find_contact(company_id, contact))
        else:
            values = {}
            if self._existing_party(person_id)["name"] != contact.name.strip():
                values["name"] = contact.name.strip()
            ops = self._mechanism_ops(self._mechanisms([person_id]).get(person_id, []), wanted)
            if ops:
                values["contact_mechanisms"] = ops
            linked = self.client.search(
                "party.relation.all", [("from_", "=", person_id), ("to", "=", company_id), ("type", "=", relation)]
            )
            if not linked:
                values["relations"] = [("create", [{"to": company_id, "type": relation}])]
            if values:
                self.client.write("party.party", [person_id], values)
        (result,) = self._read_contacts([person_id])
        if result.company_erp_id != str(company_id):
            result = dataclasses.replace(result, company_erp_id=str(company_id))
        return result

    def update_contact(self, erp_id: str, changes: Mapping[str, str]) -> None:
        """Write only the given fields of the person: its name, and its e-mail and phone mechanisms."""
        unknown = set(changes) - {"name", "email", "phone"}
        if unknown:
            raise ValueError(f"The portal does not write {sorted(unknown)} of a contact to Tryton.")
        person_id = int_id(erp_id, "party")
        party = self._existing_party(person_id)
        values: dict[str, Any] = {}
        if "name" in changes and party["name"] != changes["name"].strip():
            values["name"] = changes["name"].strip()
        wanted = {kind: changes[kind].strip() for kind in ("email", "phone") if kind in changes}
        if ops := self._mechanism_ops(self._mechanisms([person_id]).get(person_id, []), wanted):
            values["contact_mechanisms"] = ops
        if values:
            self.client.write("party.party", [person_id], values)

    def contacts_of(self, company_erp_id: str) -> list[ErpContact]:
        company_id = int_id(company_erp_id, "party")
        people = self.client.search_read(
            "party.relation.all",
            [("to", "=", company_id), ("type", "=", self._relation_type())],
            ["from_"],
            order=[("id", "ASC")],
        )
        person_ids = list(dict.fromkeys(m2o(row["from_"]) for row in people))
        # A person related to several companies is reported with its first relation (see the module docstring).
        return [contact for contact in self._read_contacts(person_ids) if contact.company_erp_id == str(company_id)]

    def contacts_changed(self, since: Cursor, limit: int) -> ChangePage[ErpContact]:
        relation = self._relation_type()
        sources = [
            ("party.party", "id", [("relations.type", "=", relation)], {}),
            ("party.contact_mechanism", "party", [("party.relations.type", "=", relation)], {"active_test": False}),
        ]
        rows, cursor, has_more = self._changed_rows(sources, since, limit, self.CONTACT_FIELDS)
        return ChangePage(items=self._contacts_from_rows(rows), next_cursor=cursor, has_more=has_more)
