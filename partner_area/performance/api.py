"""/api/v1/dashboard: the dashboard's figures as JSON, for the same query parameters as the page."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from partner_area.companies.access import IsActivePartner
from partner_area.platform.api import form_errors
from partner_area.platform.sections import Section

from .forms import PeriodForm
from .periods import Period, PeriodChoice
from .selectors import dashboard_figures

MONEY = {"max_digits": 18, "decimal_places": 2}


class RangeOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class PeriodOutput(RangeOutput):
    key = serializers.ChoiceField(choices=PeriodChoice.choices)
    previous = RangeOutput()
    year_earlier = RangeOutput()


class TurnoverOutput(serializers.Serializer):
    direct = serializers.DecimalField(**MONEY)
    indirect = serializers.DecimalField(**MONEY)
    level_1 = serializers.DecimalField(**MONEY)
    level_2 = serializers.DecimalField(**MONEY)
    level_3_plus = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


class ChangeOutput(serializers.Serializer):
    previous = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True, help_text="percent")
    year_earlier = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True, help_text="percent")


class CurrencyTurnoverOutput(serializers.Serializer):
    currency = serializers.CharField()
    current = TurnoverOutput()
    previous = TurnoverOutput()
    year_earlier = TurnoverOutput()
    change = serializers.DictField(child=ChangeOutput(), source="changes", help_text="direct, indirect, total")


class TrendMonthOutput(serializers.Serializer):
    month = serializers.DateField()
    direct = serializers.DecimalField(**MONEY)
    indirect = serializers.DecimalField(**MONEY)
    in_period = serializers.BooleanField()


class TrendOutput(serializers.Serializer):
    currency = serializers.CharField()
    months = TrendMonthOutput(many=True)


class TopClientOutput(serializers.Serializer):
    name = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class SubPartnerOutput(serializers.Serializer):
    id = serializers.IntegerField(source="company_id")
    name = serializers.CharField()
    level = serializers.IntegerField()
    currency = serializers.CharField(allow_null=True)
    direct = serializers.DecimalField(**MONEY)
    indirect = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    change = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True, help_text="percent")


class SubPartnerPageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_count = serializers.IntegerField()
    sort = serializers.CharField()
    results = SubPartnerOutput(many=True, source="rows")


class BalanceOutput(serializers.Serializer):
    currency = serializers.CharField()
    outstanding = serializers.DecimalField(**MONEY)
    overdue = serializers.DecimalField(**MONEY)
    overdue_count = serializers.IntegerField()


class ClientCountOutput(serializers.Serializer):
    active = serializers.IntegerField()
    new = serializers.IntegerField()


class DashboardOutput(serializers.Serializer):
    period = PeriodOutput()
    turnover = CurrencyTurnoverOutput(many=True)
    trend = TrendOutput(many=True)
    clients = ClientCountOutput()
    top_clients = TopClientOutput(many=True)
    sub_partners = SubPartnerPageOutput()
    balances = BalanceOutput(many=True, allow_null=True, help_text="null without the Invoices grant")


def _period_data(period: Period) -> dict:
    def span(item: Period) -> dict:
        return {"start": item.start, "end": item.end}

    return {
        "key": period.key,
        **span(period),
        "previous": span(period.previous),
        "year_earlier": span(period.year_earlier),
    }


class DashboardView(APIView):
    """Direct and indirect turnover of the partner and its network for a period (default: the last 12 months)."""

    permission_classes = [IsActivePartner]
    partner_section = Section.DASHBOARD

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, enum=PeriodChoice.values),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, description="First day of a custom range: period=custom needs start and end"
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, description="Last day of a custom range: period=custom needs start and end"
            ),
            OpenApiParameter("sort", OpenApiTypes.STR, description="Sub-partner order, e.g. -total, name, level"),
            OpenApiParameter("page", OpenApiTypes.INT, description="Page of the sub-partner table, 1 or more"),
        ],
        responses=DashboardOutput,
    )
    def get(self, request):
        form = PeriodForm(request.query_params)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form_errors(form))
        today = timezone.localdate()
        with_balances = request.membership.has_section(Section.INVOICES)
        figures = dashboard_figures(
            company=request.membership.company, period=form.resolve_period(today=today), today=today,
            sort=form.sub_partner_sort, page=form.sub_partner_page, with_balances=with_balances,
        )  # fmt: skip
        data = {
            "period": _period_data(figures.period),
            "turnover": figures.currencies,
            "trend": [{"currency": currency, "months": points} for currency, points in figures.trend.items()],
            "clients": {"active": figures.active_clients, "new": figures.new_clients},
            "top_clients": figures.top_clients,
            "sub_partners": figures.sub_partners,
            "balances": figures.balances if with_balances else None,
        }
        return Response(DashboardOutput(data).data)
