from decimal import Decimal

from django import template

from partner_area.platform import formatting

register = template.Library()


@register.filter
def money(value, currency=None):
    """{{ amount|money:"EUR" }} → `1 234,56 €` (lv) or `€1,234.56` (en)."""
    return formatting.money(value, currency)


@register.filter
def money_round(value, currency=None):
    """Whole units, for tiles and charts: `1 235 €`."""
    return formatting.money(value, currency, decimals=0)


@register.filter
def percent(value):
    return formatting.percent(value)


@register.filter
def share(value):
    return formatting.percent(value, signed=False)


@register.filter
def trend(value):
    """A CSS modifier for a change: up, down or flat."""
    if value is None or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


@register.filter
def quantity(value, decimals: int = 4):
    """A quantity with the decimals it has, up to `decimals`: `3`, `0,5` (lv) or `0.5` (en), `1 234,25`."""
    if value is None or value == "":
        return ""
    value = Decimal(value).quantize(Decimal(1).scaleb(-decimals)).normalize()
    return formatting.number(value, max(0, -value.as_tuple().exponent))
