"""Amounts and percentages in the reader's language: Latvian `1 234,56 €`, English `€1,234.56`.

Django's own locale formats (decimal and thousand separators) with grouping forced on, so the project-wide
USE_THOUSAND_SEPARATOR setting can stay off for every other number."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language, pgettext

NBSP = "\xa0"
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def _symbol_after(language: str | None) -> bool:
    return not (language or "en").startswith("en")


def number(value, decimals: int = 2, *, grouping: bool = True) -> str:
    """A number in the active language's format (thousands grouped with a non-breaking space in Latvian)."""
    if value is None:
        return ""
    return formats.number_format(Decimal(value), decimals, use_l10n=True, force_grouping=grouping)


def money(value, currency: str | None, decimals: int = 2) -> str:
    """An amount with its currency in the active language's order: `1 234,56 €` or `€1,234.56`."""
    if value is None:
        return ""
    value = Decimal(value)
    digits = number(abs(value), decimals)
    sign = "−" if value < 0 else ""  # a real minus sign: screen readers say "minus", not "dash"
    symbol = SYMBOLS.get(currency or "")
    if _symbol_after(get_language()):
        return f"{sign}{digits}{NBSP}{symbol or currency or ''}".strip()
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{currency}{NBSP}{sign}{digits}" if currency else f"{sign}{digits}"


def percent(value, decimals: int = 1, *, signed: bool = True) -> str:
    """`+12.5%` in English, `+12,5 %` in Latvian; empty for None."""
    if value is None:
        return ""
    value = Decimal(value)
    sign = "+" if signed and value > 0 else ("−" if value < 0 else "")
    digits = number(abs(value), decimals)
    return f"{sign}{digits}{NBSP}%" if _symbol_after(get_language()) else f"{sign}{digits}%"


def compact(value) -> str:
    """A short axis label in the reader's language: 950, 12k, 1.2M in English; 950, 12 tūkst., 1,2 milj. in Latvian."""
    value = Decimal(value)
    for limit, unit in (
        (Decimal(1_000_000), pgettext("compact number, millions", "%(number)sM")),
        (Decimal(1_000), pgettext("compact number, thousands", "%(number)sk")),
    ):
        if abs(value) >= limit:
            scaled = value / limit
            shown = number(scaled, 0 if scaled == scaled.to_integral_value() or abs(scaled) >= 10 else 1)
            return unit % {"number": shown}
    return number(value, 0)


def csv_number(value, decimals: int = 2) -> str:
    """A plain number for spreadsheets: the language's decimal separator, no grouping, no currency."""
    if value is None:
        return ""
    return number(value, decimals, grouping=False)
