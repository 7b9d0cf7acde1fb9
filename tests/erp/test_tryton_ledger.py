"""How the adapter reads an invoice's balance from its ledger lines, and when it asks Tryton instead (no server:
a recording stand-in for the JSON-RPC client answers the reads; the real-Tryton comparison is in
test_tryton_adapter.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.erp.tryton import adapter
from integrations.erp.tryton.adapter import TrytonGateway

pytestmark = pytest.mark.erp

EUR, USD = 1, 2


class RecordingClient:
    url, database = "http://ledger.invalid", "ledger"

    def __init__(self, invoices: dict[int, dict], computed: dict[int, dict]):
        self.invoices, self.computed = invoices, computed
        self.asked: list[tuple[str, list[int], list[str]]] = []

    def read(self, model: str, ids: list[int], fields: list[str], *, context=None) -> list[dict]:
        if not ids:
            return []
        self.asked.append((model, sorted(ids), fields))
        if model == "company.company":
            return [{"id": 1, "currency": EUR}]
        if fields == ["total_amount", "amount_to_pay"]:
            return [{"id": i, **self.computed[i]} for i in ids]
        return [{"id": i, **self.invoices[i]} for i in ids]

    def search_read(self, model: str, domain: list, fields: list[str], **kwargs) -> list[dict]:
        self.asked.append((model, [], fields))
        assert model == "currency.currency"
        return [{"id": EUR, "code": "EUR"}, {"id": USD, "code": "USD"}]


def invoice(currency: int, lines_to_pay: list[dict], payment_lines=(), state="posted", total="121.00") -> dict:
    """An invoice row as Tryton reads it, ledger lines nested (its lines: see test_invoice_lines_tryton.py)."""
    return {
        "number": "INV", "invoice_date": None, "currency": currency, "company": 1,
        "total_amount_cache": Decimal(total) if total else None, "state": state, "party": 7, "type": "out",
        "_timestamp": "1795450759.783847", "lines_to_pay.": lines_to_pay, "payment_lines.": list(payment_lines),
        "lines.": [],
    }  # fmt: skip


def line(debit="0", credit="0", *, second=None, amount_second=None, reconciled=False) -> dict:
    return {
        "maturity_date": None, "reconciliation": 99 if reconciled else None, "debit": Decimal(debit),
        "credit": Decimal(credit), "second_currency": second,
        "amount_second_currency": Decimal(amount_second) if amount_second else None,
    }  # fmt: skip


@pytest.fixture
def gateway():
    adapter.forget_lookups()
    yield TrytonGateway(url="http://ledger.invalid", database="ledger", user="u", password="p")
    adapter.forget_lookups()


def test_balances_come_from_the_unreconciled_lines_without_asking_tryton(gateway):
    gateway.client = RecordingClient(
        invoices={
            1: invoice(EUR, [line(debit="121.00")], payment_lines=[line(credit="50.00")]),  # 121 due, 50 paid
            2: invoice(USD, [line(debit="110.00", second=USD, amount_second="121.00")]),  # in the invoice currency
            3: invoice(EUR, [line(debit="121.00", reconciled=True)], state="paid"),
        },
        computed={},
    )
    found = {i.erp_id: (i.currency, i.amount_to_pay) for i in gateway._read_invoices([1, 2, 3])}
    assert found == {"1": ("EUR", Decimal("71.00")), "2": ("USD", Decimal("121.00")), "3": ("EUR", Decimal(0))}
    asked = [model for model, _, _ in gateway.client.asked]
    assert asked == ["account.invoice", "company.company", "currency.currency"]  # no amount_to_pay, lines nested


def test_tryton_is_asked_when_the_ledger_would_need_a_rate_or_the_total_is_not_cached(gateway):
    gateway.client = RecordingClient(
        invoices={
            1: invoice(USD, [line(debit="100.00")]),  # a USD invoice with a line in the company's EUR: needs a rate
            2: invoice(EUR, [line(debit="60.50")], total=None),  # posted before totals were cached
            3: invoice(EUR, [line(debit="121.00")]),
        },
        computed={
            1: {"total_amount": Decimal("121.00"), "amount_to_pay": Decimal("109.00")},
            2: {"total_amount": Decimal("60.50"), "amount_to_pay": Decimal("60.50")},
        },
    )
    found = {i.erp_id: (i.total, i.amount_to_pay) for i in gateway._read_invoices([1, 2, 3])}
    assert found == {
        "1": (Decimal("121.00"), Decimal("109.00")),
        "2": (Decimal("60.50"), Decimal("60.50")),
        "3": (Decimal("121.00"), Decimal("121.00")),
    }
    assert ("account.invoice", [1, 2], ["total_amount", "amount_to_pay"]) in gateway.client.asked
