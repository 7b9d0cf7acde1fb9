from datetime import date

import pytest

from partner_area.performance.periods import Period, PeriodChoice, period_resolve


def resolve(key, today, start=None, end=None) -> Period:
    return period_resolve(key=key, today=today, start=start, end=end)


@pytest.mark.parametrize(
    ("key", "today", "first", "last", "end"),
    [
        ("this_month", date(2024, 2, 29), date(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 29)),
        ("this_month", date(2023, 2, 1), date(2023, 2, 1), date(2023, 2, 1), date(2023, 2, 1)),
        ("last_month", date(2024, 3, 1), date(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 29)),
        ("last_month", date(2025, 1, 31), date(2024, 12, 1), date(2024, 12, 1), date(2024, 12, 31)),
        ("quarter", date(2024, 3, 31), date(2024, 1, 1), date(2024, 3, 1), date(2024, 3, 31)),
        ("quarter", date(2024, 4, 1), date(2024, 4, 1), date(2024, 4, 1), date(2024, 4, 1)),
        ("quarter", date(2024, 12, 31), date(2024, 10, 1), date(2024, 12, 1), date(2024, 12, 31)),
        ("year_to_date", date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 1)),
        ("last_12_months", date(2026, 12, 8), date(2026, 1, 1), date(2026, 12, 1), date(2026, 12, 8)),
        ("last_12_months", date(2024, 2, 29), date(2023, 3, 1), date(2024, 2, 1), date(2024, 2, 29)),
        ("nonsense", date(2024, 2, 29), date(2023, 3, 1), date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_period_boundaries(key, today, first, last, end):
    period = resolve(key, today)
    assert (period.first_month, period.last_month, period.start, period.end) == (first, last, first, end)


def test_previous_period_has_the_same_length_and_ends_right_before():
    ytd = resolve("year_to_date", date(2024, 3, 15))
    assert (ytd.previous.first_month, ytd.previous.last_month) == (date(2023, 10, 1), date(2023, 12, 1))
    assert ytd.previous.end == date(2023, 12, 31)


def test_same_period_a_year_earlier_ends_on_28_february_after_a_leap_day():
    february = resolve("this_month", date(2024, 2, 29))
    assert february.year_earlier.end == date(2023, 2, 28)
    assert resolve("this_month", date(2025, 2, 10)).year_earlier.end == date(2024, 2, 29)


def test_custom_range_covers_whole_months_in_either_order():
    period = resolve("custom", date(2024, 6, 1), start=date(2024, 2, 29), end=date(2023, 12, 15))
    assert period.key == PeriodChoice.CUSTOM
    assert (period.start, period.end, period.month_count) == (date(2023, 12, 1), date(2024, 2, 29), 3)
    assert period.months == [date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)]


def test_custom_range_without_both_dates_falls_back_to_the_default():
    assert resolve("custom", date(2024, 6, 1), start=date(2024, 1, 1)).key == PeriodChoice.LAST_12_MONTHS


def test_a_very_long_custom_range_keeps_its_last_five_years():
    period = resolve("custom", date(2024, 6, 1), start=date(2000, 1, 1), end=date(2024, 5, 31))
    assert (period.first_month, period.month_count) == (date(2019, 6, 1), 60)


@pytest.mark.parametrize("key", [choice.value for choice in PeriodChoice])
def test_no_period_ends_after_today(key):
    """ "Last 12 months" on 8 December 2026 once ended on 31 December 2026: a period never ends in the future."""
    day = date(2024, 1, 1)
    while day.year < 2026:
        period = resolve(key, day, start=date(2023, 5, 10), end=date(2027, 3, 3))
        assert period.start <= period.end <= day, (key, day, period)
        day = date.fromordinal(day.toordinal() + 1)


def test_a_period_into_the_current_month_says_it_counts_to_today_and_its_previous_periods_are_whole_months():
    period = resolve("last_12_months", date(2026, 12, 8))
    assert (period.start, period.end, period.is_partial) == (date(2026, 1, 1), date(2026, 12, 8), True)
    assert (period.year_earlier.start, period.year_earlier.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert not period.year_earlier.is_partial
    assert not resolve("last_month", date(2026, 12, 8)).is_partial


def test_a_custom_range_into_the_future_stops_at_today():
    period = resolve("custom", date(2026, 12, 8), start=date(2026, 11, 1), end=date(2027, 2, 28))
    assert (period.first_month, period.last_month, period.end) == (
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2026, 12, 8),
    )
    wholly_future = resolve("custom", date(2026, 12, 8), start=date(2027, 1, 1), end=date(2027, 2, 28))
    assert (wholly_future.start, wholly_future.end) == (date(2026, 12, 1), date(2026, 12, 8))
