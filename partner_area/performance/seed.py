"""Demo clients and two years of monthly turnover for the demo partner tree
(Nordlink → BalticSoft → AmberTech, Nordlink → Riga Data). Only for installations without an ERP, where
nothing else would fill the dashboard. Idempotent: running it again refreshes the same rows."""

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partner_area.companies.models import Company
from partner_area.platform.ports.erp import erp_is_configured

from .models import Client
from .periods import add_months
from .services import TurnoverRow, client_upsert, turnover_import

MONTHS = 24
CENT = Decimal("0.01")

# partner registration number → (key, clients as (name, currency, monthly base, yearly growth, months active))
CLIENTS = {
    "40003000001": ("nordlink", [
        ("Baltic Freight SIA", "EUR", 4200, 0.18, 24), ("Daugava Foods AS", "EUR", 3100, 0.05, 24),
        ("Kurzeme Energy SIA", "EUR", 2600, 0.30, 24), ("Vidzeme Clinics SIA", "EUR", 1800, 0.10, 20),
        ("Jūrmala Hotels SIA", "EUR", 1500, -0.10, 24), ("Nordic Pulp Oy", "USD", 2200, 0.12, 14),
        ("Gauja Logistics SIA", "EUR", 900, 0.40, 3),
    ]),
    "40003000002": ("balticsoft", [
        ("Zemgale Agro SIA", "EUR", 2400, 0.20, 24), ("Jelgava Print SIA", "EUR", 1300, 0.08, 24),
        ("Lielupe Retail SIA", "EUR", 1100, 0.25, 18), ("Tukums Dairy SIA", "EUR", 700, 0.02, 24),
        ("Bauska Builders SIA", "EUR", 650, 0.50, 5),
    ]),
    "40003000003": ("rigadata", [
        ("Old Town Bank AS", "EUR", 3600, 0.06, 24), ("Riga Port Services SIA", "EUR", 2100, 0.15, 24),
        ("Atlantic Shipping Ltd", "USD", 1700, 0.20, 24), ("Teika Dental SIA", "EUR", 500, 0.10, 10),
    ]),
    "40003000004": ("ambertech", [
        ("Liepāja Metalworks SIA", "EUR", 1900, 0.22, 24), ("Seaside Cafés SIA", "EUR", 450, 0.15, 24),
        ("Grobiņa Timber SIA", "EUR", 800, 0.35, 8),
    ]),
}  # fmt: skip


def _monthly_amount(rng: random.Random, base: int, growth: float, index: int) -> Decimal:
    """A month's turnover: a yearly trend, a seasonal swing (quiet summers, busy autumns) and some noise."""
    trend = 1 + growth * index / 12
    season = 1 + 0.18 * math.sin(2 * math.pi * (index % 12 - 3) / 12)
    noise = rng.uniform(0.88, 1.12)
    return (Decimal(base) * Decimal(str(max(0.05, trend * season * noise)))).quantize(CENT)


def _clients_and_turnover(company: Company, key: str, clients, this_month: date) -> list[TurnoverRow]:
    rng = random.Random(f"brello-demo-{key}")  # noqa: S311 - demo figures, not secrets
    first_month = add_months(this_month, -(MONTHS - 1))
    rows = []
    for number, (name, currency, base, growth, active_months) in enumerate(clients, start=1):
        start = add_months(this_month, -(active_months - 1))
        client = client_upsert(
            company=company, erp_id=f"demo-client-{key}-{number}", name=name, created=start + timedelta(days=4)
        )
        for index in range(MONTHS):
            month = add_months(first_month, index)
            if month >= start:
                rows.append(TurnoverRow(client, month, currency, _monthly_amount(rng, base, growth, index)))
    return rows


def performance_seed() -> dict[str, int]:
    """Clients and 24 months of turnover for the active demo partners; nothing when an ERP is set up."""
    if erp_is_configured():
        return {}
    today = timezone.localdate()
    this_month = today.replace(day=1)
    companies = {
        company.registration_number: company for company in Company.objects.filter(registration_number__in=CLIENTS)
    }
    rows: list[TurnoverRow] = []
    with transaction.atomic():
        for number, (key, clients) in CLIENTS.items():
            company = companies.get(number)
            if company is None or not company.is_active:
                continue
            rows += _clients_and_turnover(company, key, clients, this_month)
        turnover_import(rows=rows)
    # unscoped: demo data: counts the demo clients of every demo company
    return {"clients": Client.unscoped.filter(erp_id__startswith="demo-client-").count()}
