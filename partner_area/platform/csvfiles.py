"""CSV downloads. Numbers use the reader's decimal separator and no grouping, with the currency in its own column,
so a spreadsheet reads them as numbers (partner_area/platform/formatting.py csv_number); in Latvian the columns are
separated by semicolons, as Excel expects where the comma is the decimal separator."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import get_language


def csv_delimiter() -> str:
    return "," if (get_language() or "en").startswith("en") else ";"


def csv_response(*, filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download with a byte-order mark, so spreadsheet programs detect UTF-8 (ā, š, ž…)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=csv_delimiter())
    for row in rows:
        writer.writerow(["" if cell is None else _safe(cell) for cell in row])
    return response


def _safe(cell) -> str:
    """Text from the ERP must not become a formula in a spreadsheet (CSV injection)."""
    text = str(cell)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    return text.lstrip("-").replace(",", "").replace(".", "").isdigit()


def csv_date(value) -> str:
    """A date in the reader's short format; empty for none."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""
