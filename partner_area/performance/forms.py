from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from partner_area.platform.forms import DateInput

from .periods import DEFAULT_PERIOD, MAX_MONTHS, Period, PeriodChoice, months_between, period_resolve
from .selectors import DEFAULT_SUB_PARTNER_SORT, SUB_PARTNER_SORTS

SORT_CHOICES = [(key, key) for key in SUB_PARTNER_SORTS] + [(f"-{key}", f"-{key}") for key in SUB_PARTNER_SORTS]


class PeriodForm(forms.Form):
    """The dashboard's query string: period, custom range, sub-partner sorting and page."""

    period = forms.ChoiceField(label=_("Period"), choices=PeriodChoice.choices, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, data=None, **kwargs):
        data = data if data else None
        super().__init__(data, **kwargs)
        if data is None:
            self.initial = {"period": DEFAULT_PERIOD}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if cleaned.get("period") != PeriodChoice.CUSTOM:
            return cleaned
        if not (start and end):
            raise forms.ValidationError(_("Choose both dates of the custom range."), code="incomplete")
        # The figures still show (see period_resolve); these say what was read differently from what was typed.
        if start > end:
            self.add_error(
                None,
                forms.ValidationError(
                    _("The start date is after the end date: the figures are for the range the other way round."),
                    code="reversed",
                ),
            )
        first, last = sorted((start.replace(day=1), end.replace(day=1)))
        if months_between(first, last) > MAX_MONTHS:
            self.add_error(
                None,
                forms.ValidationError(
                    _("At most %(count)d months at a time: the figures are for the range's last %(count)d months."),
                    code="too_long",
                    params={"count": MAX_MONTHS},
                ),
            )
        return cleaned

    @property
    def waiting_for_dates(self) -> bool:
        """A custom range chosen but not both dates yet: nothing to show until they are there."""
        return self.is_bound and any(error.code == "incomplete" for error in self.non_field_errors().as_data())

    def _value(self, name: str):
        """The field's value when it is valid, even if another field is not."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def resolve_period(self, *, today: date) -> Period:
        return period_resolve(
            key=self._value("period") or DEFAULT_PERIOD, today=today, start=self._value("start"), end=self._value("end")
        )

    @property
    def sub_partner_sort(self) -> str:
        return self._value("sort") or DEFAULT_SUB_PARTNER_SORT

    @property
    def sub_partner_page(self) -> int:
        return self._value("page") or 1
