"""Values shared by the Tryton adapter's parts: constants, per-process lookups and conversions of Tryton's values."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from partner_area.platform.identifiers import normalise_registration_number
from partner_area.platform.ports.erp import (
    ErpError,
)

logger = logging.getLogger(__name__)

EU_VAT_PREFIXES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
}  # fmt: skip
OTHER_VAT_TYPES = {"GB": "gb_vat", "NO": "no_mva", "CH": "ch_vat"}
MAX_PAGE = 1000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def vat_identifier(vat: str, country: str) -> tuple[str, str] | None:
    """(Tryton identifier type, code) for a portal VAT number, or None when there is none."""
    code = normalise_registration_number(vat)
    if not code:
        return None
    if not code[:2].isalpha() and country:
        prefix = "EL" if country.upper() == "GR" else country.upper()
        code = prefix + code
    prefix = code[:2]
    if prefix in OTHER_VAT_TYPES:
        return OTHER_VAT_TYPES[prefix], code
    return "eu_vat", code


def portal_vat(identifier: dict | None) -> str:
    if not identifier or not identifier.get("code"):
        return ""
    code = normalise_registration_number(identifier["code"])
    kind = identifier.get("type") or ""
    if kind != "eu_vat" and "_" in kind and not code[:2].isalpha():
        country = kind.split("_", 1)[0].upper()
        code = ("EL" if country == "GR" else country) + code
    return code


def aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def from_timestamp(value: Any) -> dt.datetime | None:
    """A record's `_timestamp` as Tryton reads it (seconds since the epoch of COALESCE(write_date, create_date),
    as text: the `last_modified_at` its own clients lock with) as an aware UTC datetime."""
    if value in (None, ""):
        return None
    try:
        seconds = Decimal(str(value))
    except ArithmeticError:
        return None
    whole = int(seconds)
    return EPOCH + dt.timedelta(seconds=whole, microseconds=int((seconds - whole) * 1_000_000))


def latest(times: Iterable[dt.datetime | None]) -> dt.datetime | None:
    known = [t for t in times if t is not None]
    return aware(max(known)) if known else None


def naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def like_exact(value: str) -> str:
    """A value for `ilike` that matches exactly, case-insensitively (wildcards escaped)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def spelled_any_way(number: str) -> str:
    """An `ilike` pattern for a normalised number written with anything between its characters ("4%0%0…"): the
    superset of its stored spellings, narrowed afterwards by comparing normalised codes."""
    return "%".join(like_exact(ch) for ch in number)


def int_id(erp_id: str | int, what: str) -> int:
    try:
        value = int(erp_id)
    except (TypeError, ValueError):
        raise ErpError(f"{erp_id!r} is not a Tryton {what} id.") from None
    if value <= 0:
        raise ErpError(f"{erp_id!r} is not a Tryton {what} id.")
    return value


def m2o(value: Any) -> int | None:
    """A Many2One value as read over JSON-RPC (an id, or None)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return int(value) if value else None


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def decimal_value(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))
