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
- invoice ← ``account.invoice`` of type "out", all states (draft, validated, posted, paid, cancelled: a
  cancelled invoice is reported with state "cancelled" so the portal can hide it; drafts have no number).
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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings

from integrations.erp.gateway import (
    ChangePage,
    Cursor,
    ErpClient,
    ErpCompany,
    ErpCompanyData,
    ErpContact,
    ErpError,
    ErpInvoice,
    ErpInvoiceLine,
    ErpRejected,
    ErpTurnover,
)

from .client import DEFAULT_TIMEOUT, TrytonClient, TrytonRPCError, TrytonWarning

logger = logging.getLogger(__name__)

RELATION_TYPE = "Contact person of"  # from the person to the company
RELATION_TYPE_REVERSE = "Contact person"  # from the company to the person
EU_VAT_PREFIXES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
}  # fmt: skip
OTHER_VAT_TYPES = {"GB": "gb_vat", "NO": "no_mva", "CH": "ch_vat"}
PHONE_TYPES = ("phone", "mobile")
MAX_PAGE = 1000
RELATED_ROWS_PER_ID = 3  # change rows read per page id from a related model (identifiers, addresses, mechanisms)
CLIENT_RELATION_TYPE = "Client of"  # from a client to its partner (ERP_TRYTON_CLIENT_RELATION)
CLIENT_RELATION_TYPE_REVERSE = "Client"  # from a partner to its client (ERP_TRYTON_CLIENT_RELATION_REVERSE)
TURNOVER_STATES = ("posted", "paid")  # the invoices that make turnover; drafts and cancelled ones do not
TURNOVER_FIELDS = ["party", "invoice_date", "currency.code", "untaxed_amount", "last_modified_at"]
TURNOVER_MONTHS_PER_CALL = 24

# Per server and database: ids that never change (countries, relation types).
_lookups: dict[tuple[str, str, str], Any] = {}
_lookups_lock = threading.Lock()


def forget_lookups() -> None:
    """Drop the cached country and relation type ids (tests, or after the server's database was replaced)."""
    with _lookups_lock:
        _lookups.clear()


def normalise_code(value: str) -> str:
    """No spaces, tabs or dashes, upper case: how the portal stores registration and VAT numbers."""
    return "".join(ch for ch in (value or "") if ch not in " \t-.").upper()


def _vat_identifier(vat: str, country: str) -> tuple[str, str] | None:
    """(Tryton identifier type, code) for a portal VAT number, or None when there is none."""
    code = normalise_code(vat)
    if not code:
        return None
    if not code[:2].isalpha() and country:
        prefix = "EL" if country.upper() == "GR" else country.upper()
        code = prefix + code
    prefix = code[:2]
    if prefix in OTHER_VAT_TYPES:
        return OTHER_VAT_TYPES[prefix], code
    return "eu_vat", code


def _portal_vat(identifier: dict | None) -> str:
    if not identifier or not identifier.get("code"):
        return ""
    code = normalise_code(identifier["code"])
    kind = identifier.get("type") or ""
    if kind != "eu_vat" and "_" in kind and not code[:2].isalpha():
        country = kind.split("_", 1)[0].upper()
        code = ("EL" if country == "GR" else country) + code
    return code


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _latest(times: Iterable[dt.datetime | None]) -> dt.datetime | None:
    known = [t for t in times if t is not None]
    return _aware(max(known)) if known else None


def _naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def _like_exact(value: str) -> str:
    """A value for `ilike` that matches exactly, case-insensitively (wildcards escaped)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _int_id(erp_id: str | int, what: str) -> int:
    try:
        value = int(erp_id)
    except (TypeError, ValueError):
        raise ErpError(f"{erp_id!r} is not a Tryton {what} id.") from None
    if value <= 0:
        raise ErpError(f"{erp_id!r} is not a Tryton {what} id.")
    return value


def _m2o(value: Any) -> int | None:
    """A Many2One value as read over JSON-RPC (an id, or None)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return int(value) if value else None


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _invoice_currency(row: dict) -> str:
    return ((row.get("currency.") or {}).get("code") or "").upper()


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


class TrytonGateway:
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

    def _country_id(self, code: str) -> int | None:
        code = (code or "").strip().upper()
        if not code:
            return None

        def load() -> dict[str, int]:
            rows = self.client.search_read("country.country", [], ["code"], context={"active_test": False})
            return {(row["code"] or "").upper(): row["id"] for row in rows}

        countries = self._lookup("countries", load)
        if code not in countries:  # maybe added in Tryton since: look again once
            with _lookups_lock:
                _lookups.pop((self.client.url, self.client.database, "countries"), None)
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
        if not number:
            return []
        identifiers = self.client.search_read(
            "party.identifier",
            [("type", "=", None), ("code", "ilike", _like_exact(number)), ("party.active", "=", True)],
            ["party"],
            order=[("party.id", "ASC")],
        )
        return sorted({_m2o(row["party"]) for row in identifiers if row.get("party")})

    def find_company(self, registration_number: str) -> ErpCompany | None:
        ids = self._company_ids_by_number(normalise_code(registration_number))
        if not ids:
            return None
        return self._read_companies(ids[:1])[0]

    def create_company(self, data: ErpCompanyData) -> ErpCompany:
        number = normalise_code(data.registration_number)
        if not number:
            raise ErpError("A company needs a registration number.")
        existing = self._company_ids_by_number(number)
        if existing:
            return self._read_companies(existing[:1])[0]
        identifiers = [{"code": number}]
        if vat := _vat_identifier(data.vat_number, data.country):
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
        (party_id,) = self.client.create("party.party", [values])
        # Two deliveries racing past the search above would each create a party: keep the oldest one.
        ids = self._company_ids_by_number(number)
        if ids and ids[0] != party_id:
            logger.warning("Tryton party %s duplicated party %s (registration %s): removed.", party_id, ids[0], number)
            self.client.delete("party.party", [party_id])
            party_id = ids[0]
        return self._read_companies([party_id])[0]

    def _address_values(self, data: ErpCompanyData) -> dict[str, Any]:
        return {
            "street": data.address.strip(),
            "city": data.city.strip(),
            "postal_code": data.postal_code.strip(),
            "country": self._country_id(data.country),
        }

    def update_company(self, erp_id: str, data: ErpCompanyData) -> ErpCompany:
        party_id = _int_id(erp_id, "party")
        party = self._existing_party(party_id)
        identifiers = self._identifiers([party_id])
        values: dict[str, Any] = {}
        if party["name"] != data.legal_name.strip():
            values["name"] = data.legal_name.strip()

        ops: list = []
        number = normalise_code(data.registration_number)
        free = [row for row in identifiers if not row["type"]]
        if number:
            if not free:
                ops.append(("create", [{"code": number}]))
            elif free[0]["code"] != number:
                ops.append(("write", [free[0]["id"]], {"code": number}))
        vat = _vat_identifier(data.vat_number, data.country)
        tax = [row for row in identifiers if row["type"] and row["type"] in {"eu_vat", *OTHER_VAT_TYPES.values()}]
        if vat and not tax:
            ops.append(("create", [{"type": vat[0], "code": vat[1]}]))
        elif vat and (tax[0]["type"] != vat[0] or _portal_vat(tax[0]) != vat[1]):
            ops.append(("write", [tax[0]["id"]], {"type": vat[0], "code": vat[1]}))
        elif not vat and tax:
            ops.append(("delete", [tax[0]["id"]]))
        if ops:
            values["identifiers"] = ops

        address = self._address_values(data)
        addresses = self._addresses([party_id]).get(party_id)
        if addresses:
            current = addresses[0]
            changed = {key: value for key, value in address.items() if (current.get(key) or None) != (value or None)}
            if changed:
                values["addresses"] = [("write", [current["id"]], changed)]
        elif any(address.values()):
            values["addresses"] = [("create", [address])]

        mechanisms = self._mechanisms([party_id]).get(party_id, [])
        ops = self._mechanism_ops(
            mechanisms, {"phone": data.phone.strip(), "email": data.email.strip(), "website": data.website.strip()}
        )
        if ops:
            values["contact_mechanisms"] = ops
        if values:  # an unchanged company is not written, so it makes no change for the next pull
            self.client.write("party.party", [party_id], values)
        return self._read_companies([party_id])[0]

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
            result.setdefault(_m2o(row["party"]), []).append(row)
        return result

    def _mechanisms(self, party_ids: list[int]) -> dict[int, list[dict]]:
        rows = self.client.search_read(
            "party.contact_mechanism",
            [("party", "in", party_ids), ("type", "in", ["phone", "mobile", "email", "website"])],
            ["party", "type", "value", "last_modified_at"],
        )
        result: dict[int, list[dict]] = {}
        for row in rows:
            result.setdefault(_m2o(row["party"]), []).append(row)
        return result

    def _read_companies(self, party_ids: list[int]) -> list[ErpCompany]:
        """ErpCompany for each id, in the same order (ids that no longer exist are left out). `changed_at` is
        the latest change of the party, its identifiers, addresses and contact mechanisms."""
        if not party_ids:
            return []
        fields = ["name", "last_modified_at", "tax_identifier.type", "tax_identifier.code"]
        parties = {row["id"]: row for row in self.client.read("party.party", party_ids, fields)}
        ids = list(parties)
        times: dict[int, list[dt.datetime]] = {party_id: [row["last_modified_at"]] for party_id, row in parties.items()}
        numbers: dict[int, str] = {}
        for row in self._identifiers(ids):
            times[_m2o(row["party"])].append(row["last_modified_at"])
            if not row["type"]:
                numbers.setdefault(_m2o(row["party"]), row["code"])
        addresses = self._addresses(ids)
        mechanisms = self._mechanisms(ids)
        for rows in (*addresses.values(), *mechanisms.values()):
            for row in rows:
                times[_m2o(row["party"])].append(row["last_modified_at"])
        companies = []
        for party_id in party_ids:
            party = parties.get(party_id)
            if party is None:
                continue
            address = (addresses.get(party_id) or [{}])[0]
            values = self._first_mechanisms(mechanisms.get(party_id, []))
            country = address.get("country.") or {}
            companies.append(
                ErpCompany(
                    legal_name=party["name"] or "",
                    registration_number=normalise_code(numbers.get(party_id, "")),
                    vat_number=_portal_vat(party.get("tax_identifier.")),
                    country=(country.get("code") or "").upper(),
                    address=(address.get("street") or "").strip(),
                    city=address.get("city") or "",
                    postal_code=address.get("postal_code") or "",
                    phone=values["phone"],
                    email=values["email"],
                    website=values["website"],
                    erp_id=str(party_id),
                    changed_at=_latest(times[party_id]),
                )
            )
        return companies

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
        when = _naive_utc(since.changed_at)
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
            keys = [(row[time_field], _m2o(row[field]) if field != "id" else row["id"]) for row in rows]
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
        return Cursor(changed_at=_aware(when), erp_id=str(last_id))

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
        page, has_more = self._changes(sources, since, limit)
        items = self._read_companies([party_id for _, party_id in page])
        return ChangePage(items=items, next_cursor=self._next_cursor(page, since), has_more=has_more)

    # -- contacts -------------------------------------------------------------------------------------------

    def _person_companies(self, person_ids: list[int]) -> dict[int, int]:
        rows = self.client.search_read(
            "party.relation.all",
            [("from_", "in", person_ids), ("type", "=", self._relation_type())],
            ["from_", "to"],
            order=[("id", "ASC")],
        )
        result: dict[int, int] = {}
        for row in rows:
            result.setdefault(_m2o(row["from_"]), _m2o(row["to"]))
        return result

    def _read_contacts(self, person_ids: list[int]) -> list[ErpContact]:
        """ErpContact for each person still related to a company, in the same order. `changed_at` is the latest
        change of the person and its contact mechanisms."""
        if not person_ids:
            return []
        parties = {row["id"]: row for row in self.client.read("party.party", person_ids, ["name", "last_modified_at"])}
        companies = self._person_companies(list(parties))
        mechanisms = self._mechanisms(list(parties))
        contacts = []
        for person_id in person_ids:
            party = parties.get(person_id)
            if party is None or person_id not in companies:
                continue
            rows = mechanisms.get(person_id, [])
            values = self._first_mechanisms(rows)
            contacts.append(
                ErpContact(
                    company_erp_id=str(companies[person_id]),
                    name=party["name"] or "",
                    email=values["email"],
                    phone=values["phone"],
                    erp_id=str(person_id),
                    changed_at=_latest([party["last_modified_at"], *(row["last_modified_at"] for row in rows)]),
                )
            )
        return contacts

    def _find_contact(self, company_id: int, contact: ErpContact) -> int | None:
        relation = self._relation_type()
        if contact.erp_id:
            person_id = _int_id(contact.erp_id, "party")
            if self.client.search("party.party", [("id", "=", person_id)]):
                return person_id
        people = self.client.search_read(
            "party.relation.all", [("to", "=", company_id), ("type", "=", relation)], ["from_"], order=[("id", "ASC")]
        )
        person_ids = [_m2o(row["from_"]) for row in people]
        if not person_ids:
            return None
        email = contact.email.strip()
        if email:
            found = self.client.search_read(
                "party.contact_mechanism",
                [("party", "in", person_ids), ("type", "=", "email"), ("value", "ilike", _like_exact(email))],
                ["party"],
                order=[("party.id", "ASC")],
                limit=1,
            )
            return _m2o(found[0]["party"]) if found else None
        found = self.client.search(
            "party.party",
            [("id", "in", person_ids), ("name", "=", contact.name.strip())],
            limit=1,
            order=[("id", "ASC")],
        )
        return found[0] if found else None

    def upsert_contact(self, contact: ErpContact) -> ErpContact:
        company_id = _int_id(contact.company_erp_id, "party")
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
            (person_id,) = self.client.create("party.party", [values])
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

    def contacts_changed(self, since: Cursor, limit: int) -> ChangePage[ErpContact]:
        relation = self._relation_type()
        sources = [
            ("party.party", "id", [("relations.type", "=", relation)], {}),
            ("party.contact_mechanism", "party", [("party.relations.type", "=", relation)], {"active_test": False}),
        ]
        page, has_more = self._changes(sources, since, limit)
        items = self._read_contacts([person_id for _, person_id in page])
        return ChangePage(items=items, next_cursor=self._next_cursor(page, since), has_more=has_more)

    # -- invoices -------------------------------------------------------------------------------------------

    INVOICE_FIELDS = [
        "number",
        "invoice_date",
        "currency.code",
        "total_amount",
        "amount_to_pay",
        "state",
        "party",
        "type",
        "last_modified_at",
        "lines_to_pay",
    ]

    def _read_invoices(self, invoice_ids: list[int]) -> list[ErpInvoice]:
        if not invoice_ids:
            return []
        rows = {row["id"]: row for row in self.client.read("account.invoice", invoice_ids, self.INVOICE_FIELDS)}
        line_ids = sorted({line for row in rows.values() for line in row.get("lines_to_pay") or []})
        lines = {
            row["id"]: row
            for row in (
                self.client.read("account.move.line", line_ids, ["maturity_date", "reconciliation"]) if line_ids else []
            )
        }
        invoices = []
        for invoice_id in invoice_ids:
            row = rows.get(invoice_id)
            if row is None or row.get("type") != "out":
                continue
            to_pay = [lines[i] for i in row.get("lines_to_pay") or [] if i in lines and lines[i]["maturity_date"]]
            # The earliest date still open; once everything is paid, the earliest date there was.
            due_dates = [line["maturity_date"] for line in to_pay if not line["reconciliation"]] or [
                line["maturity_date"] for line in to_pay
            ]
            invoices.append(
                ErpInvoice(
                    erp_id=str(invoice_id),
                    company_erp_id=str(_m2o(row["party"]) or ""),
                    number=row.get("number") or "",
                    invoice_date=row.get("invoice_date"),
                    due_date=min(due_dates) if due_dates else None,
                    currency=((row.get("currency.") or {}).get("code") or "").upper(),
                    total=_decimal(row.get("total_amount")),
                    amount_to_pay=_decimal(row.get("amount_to_pay")),
                    state=row.get("state") or "",
                    changed_at=_aware(row.get("last_modified_at")),
                )
            )
        return invoices

    def invoices_changed(self, since: Cursor, limit: int) -> ChangePage[ErpInvoice]:
        # Drafts and validated invoices have no number yet and are never shown; they come once posted.
        sources = [("account.invoice", "id", [("type", "=", "out"), ("number", "!=", None)], {})]
        page, has_more = self._changes(sources, since, limit)
        items = self._read_invoices([invoice_id for _, invoice_id in page])
        return ChangePage(items=items, next_cursor=self._next_cursor(page, since), has_more=has_more)

    def get_invoice(self, erp_id: str) -> ErpInvoice:
        invoice_id = _int_id(erp_id, "invoice")
        if not self.client.search("account.invoice", [("id", "=", invoice_id), ("type", "=", "out")]):
            raise ErpError(f"Tryton has no customer invoice {invoice_id}.")
        (invoice,) = self._read_invoices([invoice_id])
        rows = self.client.search_read(
            "account.invoice.line",
            [("invoice", "=", invoice_id), ("type", "=", "line")],
            ["description", "quantity", "unit_price", "amount", "product.rec_name"],
        )
        lines = tuple(
            ErpInvoiceLine(
                description=(row.get("description") or (row.get("product.") or {}).get("rec_name") or "").strip(),
                quantity=_decimal(row.get("quantity")),
                unit_price=_decimal(row.get("unit_price")),
                amount=_decimal(row.get("amount")),
            )
            for row in rows
        )
        return dataclasses.replace(invoice, lines=lines)

    # -- payments -------------------------------------------------------------------------------------------

    def _payment_method(self) -> int:
        """The ``account.invoice.payment.method`` payments are recorded with: ERP_TRYTON_PAYMENT_METHOD (an id or
        a name), or the only one there is."""
        configured = str(getattr(settings, "ERP_TRYTON_PAYMENT_METHOD", "") or "").strip()

        def load() -> int:
            if configured.isdigit():
                domain = [("id", "=", int(configured))]
            else:
                domain = [("name", "=", configured)] if configured else []
            found = self.client.search("account.invoice.payment.method", domain, limit=2, order=[("id", "ASC")])
            if not found or (not configured and len(found) > 1):
                raise ErpRejected(
                    f"Tryton has no payment method {configured!r}." if configured
                    else "Tryton has no single invoice payment method: set ERP_TRYTON_PAYMENT_METHOD."
                )  # fmt: skip
            return found[0]

        return self._lookup(f"payment_method:{configured}", load)

    def _payment_moves(self, invoice_id: int, reference: str) -> list[int]:
        """Moves recorded against the invoice with this reference as their description (the pay wizard's)."""
        return self.client.search(
            "account.move",
            [("origin", "=", f"account.invoice,{invoice_id}"), ("description", "=", reference)],
            limit=1,
            order=[("id", "ASC")],
        )

    def payment_recorded(self, invoice_erp_id: str, reference: str) -> bool:
        return bool(self._payment_moves(_int_id(invoice_erp_id, "invoice"), reference.strip()))

    def _wizard(self, session: int, data: dict, state: str, context: dict) -> dict:
        """One step of the pay wizard, confirming the warnings an accountant would (e.g. a date in the past)."""
        for _ in range(3):
            try:
                return self.client.call("wizard.account.invoice.pay.execute", session, data, state, context)
            except TrytonWarning as warning:
                logger.info("Tryton warned while recording a payment (confirmed): %s", warning)
                self.client.model("res.user.warning", "skip", warning.name, False)
        raise ErpError("Tryton kept warning while recording a payment.")

    def record_payment(self, invoice_erp_id: str, amount: Decimal, date: dt.date, reference: str) -> ErpInvoice:
        invoice_id = _int_id(invoice_erp_id, "invoice")
        reference = reference.strip()
        if not reference or amount <= 0:
            raise ErpRejected("A payment needs a bank reference and an amount above zero.")
        if self._payment_moves(invoice_id, reference):
            return self.get_invoice(invoice_erp_id)  # recorded by an earlier delivery
        current = self.get_invoice(invoice_erp_id)
        if current.state != "posted" or current.amount_to_pay < amount:
            raise ErpRejected(
                f"Tryton invoice {current.number} is {current.state} with {current.amount_to_pay} to pay: "
                f"a payment of {amount} would over-pay it."
            )
        context = {
            **self.client.context,
            "active_model": "account.invoice",
            "active_id": invoice_id,
            "active_ids": [invoice_id],
        }
        session, _start, _end = self.client.call("wizard.account.invoice.pay.create", context)
        try:
            view = self._wizard(session, {}, "start", context)["view"]
            start = {key: value for key, value in view["defaults"].items() if not key.endswith(".")}
            start.update(payment_method=self._payment_method(), date=date, amount=amount, description=reference)
            result = self._wizard(session, {"start": start}, "choice", context)
            if "view" in result:  # a remainder is left: keep it open as a partial payment
                ask = {key: value for key, value in result["view"]["defaults"].items() if not key.endswith(".")}
                ask["type"] = "partial"
                self._wizard(session, {"start": start, "ask": ask}, "pay", context)
        finally:
            try:
                self.client.call("wizard.account.invoice.pay.delete", session, context)
            except ErpError:
                logger.info("Could not delete Tryton wizard session %s.", session, exc_info=True)
        return self.get_invoice(invoice_erp_id)

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
                forward, reverse = found[0]["id"], _m2o(found[0]["reverse"])
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
            partners.setdefault(_m2o(row["from_"]), (_m2o(row["to"]), row["write_date"] or row["create_date"]))
        return partners

    def _read_clients(self, party_ids: list[int]) -> list[ErpClient]:
        """ErpClient for each party still linked to a partner, in the same order. `created` is the day the party
        was created in Tryton; `changed_at` the latest change of the party and of its relation."""
        if not party_ids:
            return []
        fields = ["name", "create_date", "last_modified_at"]
        parties = {row["id"]: row for row in self.client.read("party.party", party_ids, fields)}
        partners = self._client_partners(list(parties))
        clients = []
        for party_id in party_ids:
            party = parties.get(party_id)
            if party is None or party_id not in partners:
                continue
            partner_id, linked_at = partners[party_id]
            created = party.get("create_date")
            clients.append(
                ErpClient(
                    erp_id=str(party_id),
                    partner_erp_id=str(partner_id),
                    name=party["name"] or "",
                    created=created.date() if created else None,
                    changed_at=_latest([party["last_modified_at"], linked_at]),
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
        page, has_more = self._changes(sources, since, limit)
        items = self._read_clients([party_id for _, party_id in page])
        return ChangePage(items=items, next_cursor=self._next_cursor(page, since), has_more=has_more)

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
            key = (_m2o(row["party"]), row["invoice_date"].replace(day=1), _invoice_currency(row))
            if only and key not in totals:
                continue
            totals[key] = totals.get(key, Decimal(0)) + _decimal(row.get("untaxed_amount"))
        return totals

    def turnover_changed(self, since: Cursor, limit: int) -> ChangePage[ErpTurnover]:
        forward, _reverse = self.client_relation_types()
        sources = [("account.invoice", "id", [("type", "=", "out"), ("party.relations.type", "=", forward)], {})]
        page, has_more = self._changes(sources, since, limit)
        rows = self.client.read("account.invoice", [invoice_id for _, invoice_id in page], TURNOVER_FIELDS)
        # The (client, month, currency) totals the changed invoices belong to, each recomputed whole.
        touched: dict[tuple, dt.datetime] = {}
        for row in rows:
            if row.get("invoice_date") and row.get("party"):
                key = (_m2o(row["party"]), row["invoice_date"].replace(day=1), _invoice_currency(row))
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
                    ("invoice_date", "<", _next_month(month)),
                ]
                for month in months[start : start + TURNOVER_MONTHS_PER_CALL]
            ]
            chunk = set(months[start : start + TURNOVER_MONTHS_PER_CALL])
            totals.update(self._turnover_totals([["OR", *clauses]], [key for key in touched if key[1] in chunk]))
        items = [
            ErpTurnover(str(party_id), month, currency, totals[(party_id, month, currency)], changed_at=_aware(when))
            for (party_id, month, currency), when in sorted(touched.items(), key=lambda item: (item[1], item[0]))
        ]
        return ChangePage(items=items, next_cursor=self._next_cursor(page, since), has_more=has_more)

    def client_turnover(self, client_erp_ids: list[str]) -> list[ErpTurnover]:
        party_ids = sorted({_int_id(erp_id, "party") for erp_id in client_erp_ids})
        items = []
        for start in range(0, len(party_ids), MAX_PAGE):
            totals = self._turnover_totals([("party", "in", party_ids[start : start + MAX_PAGE])])
            items.extend(
                ErpTurnover(str(party_id), month, currency, amount)
                for (party_id, month, currency), amount in sorted(totals.items())
            )
        return items
