"""English dates are British/European (day first, weeks from Monday); Latvian keeps Django's own formats."""

from datetime import date, datetime

import pytest
from django import forms
from django.utils import formats, translation

NOV_23 = date(2026, 11, 23)


def test_english_dates_are_day_first():
    with translation.override("en"):
        assert formats.date_format(NOV_23, "SHORT_DATE_FORMAT") == "23/11/2026"
        assert formats.date_format(NOV_23) == "23 November 2026"
        assert formats.date_format(datetime(2026, 11, 23, 14, 30), "SHORT_DATETIME_FORMAT") == "23/11/2026 14:30"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_latvian_keeps_djangos_latvian_formats():
    with translation.override("lv"):
        assert formats.date_format(NOV_23, "SHORT_DATE_FORMAT") == "23.11.2026"
        assert formats.date_format(NOV_23) == "2026. gada 23. novembris"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


@pytest.mark.parametrize(
    ("language", "typed"),
    [("en", "2026-11-23"), ("en", "23/11/2026"), ("en", "23.11.2026"), ("lv", "2026-11-23"), ("lv", "23.11.2026")],
)
def test_date_fields_take_iso_first_and_day_first_dates(language, typed):
    with translation.override(language):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"  # what <input type="date"> sends
        assert forms.DateField().clean(typed) == NOV_23


def test_an_american_month_first_date_is_not_read_in_english():
    with translation.override("en"), pytest.raises(forms.ValidationError):
        forms.DateField().clean("11/23/2026")
