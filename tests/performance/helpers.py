"""Small builders for partner trees with clients and turnover."""

from datetime import date
from decimal import Decimal

from partner_area.performance.services import TurnoverRow, client_upsert, turnover_import
from tests.factories import CompanyFactory

_clients = iter(range(10_000_000))


def partner(name: str, parent=None):
    return CompanyFactory(legal_name=name, parent=parent)


def client_with_turnover(company, name: str, turnover: dict[tuple[str, str], str], created=date(2020, 1, 1)):
    """A client of `company` with turnover {("2024-02", "EUR"): "100.00", ...}."""
    client = client_upsert(company=company, erp_id=f"client-{next(_clients)}", name=name, created=created)
    turnover_import(
        rows=[
            TurnoverRow(
                client=client, month=date.fromisoformat(f"{month}-01"), currency=currency, amount=Decimal(amount)
            )
            for (month, currency), amount in turnover.items()
        ]
    )
    return client
