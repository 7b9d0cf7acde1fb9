"""The Invoices figures on the partner home: what is outstanding and overdue, per currency (never summed
across currencies), each linking into the invoice list."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_area.companies.models import Membership
from partner_area.platform.formatting import money
from partner_area.platform.sections import HomeFigure, Section, register_home_figure

from .selectors import invoice_balances


@register_home_figure(Section.INVOICES)
def balance_figures(membership: Membership) -> list[HomeFigure]:
    invoices = reverse("partner:invoices")
    figures = []
    for balance in invoice_balances(company=membership.company, today=timezone.localdate()):
        if not balance.open_count:
            continue
        figures.append(
            HomeFigure(
                label=_("Outstanding (%(currency)s)") % {"currency": balance.currency},
                value=money(balance.outstanding, balance.currency),
                url=f"{invoices}?status=open&currency={balance.currency}",
            )
        )
        if balance.overdue_count:
            figures.append(
                HomeFigure(
                    label=_("Overdue (%(currency)s)") % {"currency": balance.currency},
                    value=money(balance.overdue, balance.currency),
                    url=f"{invoices}?status=overdue&currency={balance.currency}",
                    tone="danger",
                )
            )
    return figures
