"""The server-side SVG charts speak the page's language: Latvian month abbreviations and number formats."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from partner_area.performance.charts import trend_chart
from partner_area.performance.periods import add_months
from partner_area.performance.selectors import TrendPoint


def _year_chart():
    points = [
        TrendPoint(
            month=add_months(date(2026, 1, 1), index), direct=Decimal("30000"), indirect=Decimal("1500"), in_period=True
        )
        for index in range(12)
    ]
    return trend_chart(currency="EUR", points=points)


def test_latvian_chart_has_latvian_months_and_numbers():
    with translation.override("lv"):
        chart = _year_chart()
        months = [month.label for month in chart.months]
        ticks = [tick.label for tick in chart.ticks]
        may = str(chart.bars[4].label)
    assert months == ["janv.", "marts", "maijs", "jūl.", "sept.", "nov."]  # every other month
    assert "10 tūkst." in ticks
    assert not any(tick.endswith("k") for tick in ticks)
    assert may.startswith("maijs 2026:")


def test_english_chart_keeps_short_english_labels():
    with translation.override("en"):
        chart = _year_chart()
        assert [month.label for month in chart.months] == ["Jan", "Mar", "May", "Jul", "Sep", "Nov"]
        assert "10k" in [tick.label for tick in chart.ticks]
