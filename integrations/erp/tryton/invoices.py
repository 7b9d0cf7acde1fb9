"""Customer invoices and payments on Tryton: the invoice part of `TrytonGateway` (see adapter.py for the mapping)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings

from partner_area.platform.ports.erp import (
    ChangePage,
    Cursor,
    ErpError,
    ErpInvoice,
    ErpInvoiceLine,
    ErpRejected,
)

from .client import TrytonWarning
from .values import MAX_PAGE, decimal_value, from_timestamp, int_id, m2o

logger = logging.getLogger(__name__)


class TrytonInvoices:
    # -- invoices -------------------------------------------------------------------------------------------

    # One read per page, stored fields only. Tryton computes `total_amount` and `amount_to_pay` invoice by invoice
    # in Python (the latter switching the context for each one): reading them was most of a full pull's time
    # (measured: 1.1 ms an invoice for amount_to_pay against 0.3 ms for everything here). The change time is the
    # `_timestamp` string and the currency an id, as Tryton JSON-encodes datetimes and nested records slowly.
    #
    # An invoice's lines as the partner sees them: "line" lines only (titles, comments and subtotals carry no amount
    # of their own), in Tryton's order (sequence, id), read nested in the invoice's read. Stored fields except
    # `amount` (computed per line, cheaply).
    LINE_FIELDS = ["type", "description", "quantity", "unit_price", "amount", "taxes", "product.rec_name"]
    LEDGER_FIELDS = ["maturity_date", "reconciliation", "debit", "credit", "amount_second_currency", "second_currency"]
    INVOICE_FIELDS = [
        "number",
        "invoice_date",
        "currency",
        "company",
        "total_amount_cache",
        "state",
        "party",
        "type",
        "_timestamp",
        *(f"lines_to_pay.{name}" for name in LEDGER_FIELDS),
        *(f"payment_lines.{name}" for name in LEDGER_FIELDS),
        *(f"lines.{name}" for name in LINE_FIELDS),
    ]

    def _company_currency(self, company_id: int | None) -> int | None:
        if not company_id:
            return None
        return self._lookup(
            f"company_currency:{company_id}",
            lambda: m2o(self.client.read("company.company", [company_id], ["currency"])[0]["currency"]),
        )

    def _currency_code(self, currency_id: int | None) -> str:
        if not currency_id:
            return ""

        def load() -> dict[int, str]:
            rows = self.client.search_read("currency.currency", [], ["code"], context={"active_test": False})
            return {row["id"]: (row["code"] or "").upper() for row in rows}

        codes = self._lookup("currencies", load)
        if currency_id not in codes:  # created in Tryton since: look again once
            self._forget("currencies")
            codes = self._lookup("currencies", load)
        return codes.get(currency_id, "")

    def _amount_to_pay(self, row: dict) -> Decimal | None:
        """Tryton's `amount_to_pay` (account_invoice's get_amount_to_pay) from the invoice's ledger lines: what
        is left of its unreconciled lines to pay and payment lines, in the invoice's currency. None when a part in
        the company's currency would need converting to another invoice currency (Tryton's rate of the day):
        then Tryton's own figure is read."""
        if row.get("state") != "posted":
            return Decimal(0)
        currency = m2o(row.get("currency"))
        amount = amount_currency = Decimal(0)
        for line in [*row["lines_to_pay."], *row["payment_lines."]]:
            if line["reconciliation"]:
                continue
            if line["second_currency"] and m2o(line["second_currency"]) == currency:
                amount_currency += decimal_value(line["amount_second_currency"])
            else:
                amount += decimal_value(line["debit"]) - decimal_value(line["credit"])
        if amount:
            if currency != self._company_currency(m2o(row.get("company"))):
                return None
            amount_currency += amount
        return amount_currency

    def _tax_names(self, tax_ids: set[int]) -> dict[int, str]:
        """Each tax's printed label (its description), read once per process: an invoice page rarely adds one."""

        def load() -> dict[int, str]:
            rows = self.client.search_read("account.tax", [], ["description", "name"], context={"active_test": False})
            return {row["id"]: (row.get("description") or row.get("name") or "").strip() for row in rows}

        if not tax_ids:
            return {}
        names = self._lookup("taxes", load)
        if tax_ids - names.keys():  # created in Tryton since: look again once
            self._forget("taxes")
            names = self._lookup("taxes", load)
        return names

    def _invoice_lines(self, rows: list[dict]) -> dict[int, tuple[ErpInvoiceLine, ...]]:
        """Each invoice row's lines (read nested, see LINE_FIELDS) as the portal gets them."""
        names = self._tax_names({tax for row in rows for line in row["lines."] for tax in line.get("taxes") or []})
        lines = {}
        for row in rows:
            found = []
            for line in row["lines."]:
                if line.get("type") != "line":
                    continue
                product = line.get("product.") or {}
                found.append(
                    ErpInvoiceLine(
                        description=(line.get("description") or product.get("rec_name") or "").strip(),
                        quantity=decimal_value(line.get("quantity")),
                        unit_price=decimal_value(line.get("unit_price")),
                        amount=decimal_value(line.get("amount")),
                        taxes=tuple(names.get(tax, "") for tax in line.get("taxes") or [] if names.get(tax)),
                    )
                )
            lines[row["id"]] = tuple(found)
        return lines

    def _read_invoices(self, invoice_ids: list[int]) -> list[ErpInvoice]:
        """The customer invoices among these ids, with their lines, in the same order."""
        return self._invoices_from_rows(self._read_rows("account.invoice", invoice_ids, self.INVOICE_FIELDS))

    def _invoices_from_rows(self, rows: list[dict]) -> list[ErpInvoice]:
        """The customer invoices among these rows read with INVOICE_FIELDS (ledger lines and lines nested), in the
        same order. One more call only for what the stored fields cannot tell (see `_amount_to_pay`)."""
        rows = [row for row in rows if row.get("type") == "out"]
        by_id = {row["id"]: row for row in rows}
        to_pay = {row["id"]: self._amount_to_pay(row) for row in rows}
        # What the ledger cannot tell (see above), and totals not cached yet (Tryton caches them at posting).
        computed = [i for i, row in by_id.items() if to_pay[i] is None or row.get("total_amount_cache") is None]
        for row in self.client.read("account.invoice", computed, ["total_amount", "amount_to_pay"]):
            to_pay[row["id"]] = decimal_value(row["amount_to_pay"])
            by_id[row["id"]]["total_amount_cache"] = row["total_amount"]
        lines = self._invoice_lines(rows)
        invoices = []
        for row in rows:
            invoice_id = row["id"]
            ledger = [line for line in row["lines_to_pay."] if line["maturity_date"]]
            # The earliest date still open; once everything is paid, the earliest date there was.
            due_dates = [line["maturity_date"] for line in ledger if not line["reconciliation"]] or [
                line["maturity_date"] for line in ledger
            ]
            invoices.append(
                ErpInvoice(
                    erp_id=str(invoice_id),
                    company_erp_id=str(m2o(row["party"]) or ""),
                    number=row.get("number") or "",
                    invoice_date=row.get("invoice_date"),
                    due_date=min(due_dates) if due_dates else None,
                    currency=self._currency_code(m2o(row.get("currency"))),
                    total=decimal_value(row.get("total_amount_cache")),
                    amount_to_pay=to_pay[invoice_id],
                    state=row.get("state") or "",
                    changed_at=from_timestamp(row.get("_timestamp")),
                    lines=lines[invoice_id],
                )
            )
        return invoices

    def invoices_changed(self, since: Cursor, limit: int) -> ChangePage[ErpInvoice]:
        # Drafts and validated invoices have no number yet and are never shown; they come once posted. Tryton lets
        # accounting reword a posted invoice's lines (a line's description is not locked by posting), which writes
        # the line only: the lines are a source of changes of their own.
        numbered = [("type", "=", "out"), ("number", "!=", None)]
        sources = [
            ("account.invoice", "id", numbered, {}),
            ("account.invoice.line", "invoice", [("invoice.type", "=", "out"), ("invoice.number", "!=", None)], {}),
        ]
        rows, cursor, has_more = self._changed_rows(sources, since, limit, self.INVOICE_FIELDS)
        return ChangePage(items=self._invoices_from_rows(rows), next_cursor=cursor, has_more=has_more)

    def invoices_of(self, company_erp_id: str) -> list[ErpInvoice]:
        party_id = int_id(company_erp_id, "party")
        domain = [("type", "=", "out"), ("number", "!=", None), ("party", "=", party_id)]
        invoices: list[ErpInvoice] = []
        last = 0
        while True:  # by id, MAX_PAGE at a time, as a full pull reads
            rows = self.client.search_read(
                "account.invoice",
                [*domain, ("id", ">", last)],
                self.INVOICE_FIELDS,
                limit=MAX_PAGE,
                order=[("id", "ASC")],
            )
            invoices.extend(self._invoices_from_rows(rows))
            if len(rows) < MAX_PAGE:
                return invoices
            last = rows[-1]["id"]

    def get_invoice(self, erp_id: str) -> ErpInvoice:
        invoice_id = int_id(erp_id, "invoice")
        if not self.client.search("account.invoice", [("id", "=", invoice_id), ("type", "=", "out")]):
            raise ErpError(f"Tryton has no customer invoice {invoice_id}.")
        (invoice,) = self._read_invoices([invoice_id])
        return invoice

    # -- payments -------------------------------------------------------------------------------------------

    def _payment_method(self) -> int:
        """The ``account.invoice.payment.method`` payments are recorded with: ERP_TRYTON_PAYMENT_METHOD (an id or
        a name), or the only one there is."""
        configured = str(getattr(settings, "ERP_TRYTON_PAYMENT_METHOD", "") or "").strip()

        def load() -> int:
            if configured.isdigit():
                domain = [("id", "=", int(configured))]
            else:
                domain = [("name", "=", configured)] if configured else []
            found = self.client.search("account.invoice.payment.method", domain, limit=2, order=[("id", "ASC")])
            if not found or (not configured and len(found) > 1):
                raise ErpRejected(
                    f"Tryton has no payment method {configured!r}." if configured
                    else "Tryton has no single invoice payment method: set ERP_TRYTON_PAYMENT_METHOD."
                )  # fmt: skip
            return found[0]

        return self._lookup(f"payment_method:{configured}", load)

    def _payment_moves(self, invoice_id: int, reference: str) -> list[int]:
        """Moves recorded against the invoice with this reference as their description (the pay wizard's)."""
        return self.client.search(
            "account.move",
            [("origin", "=", f"account.invoice,{invoice_id}"), ("description", "=", reference)],
            limit=1,
            order=[("id", "ASC")],
        )

    def payment_recorded(self, invoice_erp_id: str, reference: str) -> bool:
        return bool(self._payment_moves(int_id(invoice_erp_id, "invoice"), reference.strip()))

    def _wizard(self, session: int, data: dict, state: str, context: dict) -> dict:
        """One step of the pay wizard, confirming the warnings an accountant would (e.g. a date in the past)."""
        for _ in range(3):
            try:
                return self.client.call("wizard.account.invoice.pay.execute", session, data, state, context)
            except TrytonWarning as warning:
                logger.info("Tryton warned while recording a payment (confirmed): %s", warning)
                self.client.model("res.user.warning", "skip", warning.name, False)
        raise ErpError("Tryton kept warning while recording a payment.")

    def record_payment(self, invoice_erp_id: str, amount: Decimal, date: dt.date, reference: str) -> ErpInvoice:
        invoice_id = int_id(invoice_erp_id, "invoice")
        reference = reference.strip()
        if not reference or amount <= 0:
            raise ErpRejected("A payment needs a bank reference and an amount above zero.")
        if self._payment_moves(invoice_id, reference):
            return self.get_invoice(invoice_erp_id)  # recorded by an earlier delivery
        current = self.get_invoice(invoice_erp_id)
        if current.state != "posted" or current.amount_to_pay < amount:
            raise ErpRejected(
                f"Tryton invoice {current.number} is {current.state} with {current.amount_to_pay} to pay: "
                f"a payment of {amount} would over-pay it."
            )
        context = {
            **self.client.context,
            "active_model": "account.invoice",
            "active_id": invoice_id,
            "active_ids": [invoice_id],
        }
        session, _start, _end = self.client.call("wizard.account.invoice.pay.create", context)
        try:
            view = self._wizard(session, {}, "start", context)["view"]
            start = {key: value for key, value in view["defaults"].items() if not key.endswith(".")}
            start.update(payment_method=self._payment_method(), date=date, amount=amount, description=reference)
            result = self._wizard(session, {"start": start}, "choice", context)
            if "view" in result:  # a remainder is left: keep it open as a partial payment
                ask = {key: value for key, value in result["view"]["defaults"].items() if not key.endswith(".")}
                ask["type"] = "partial"
                self._wizard(session, {"start": start, "ask": ask}, "pay", context)
        finally:
            try:
                self.client.call("wizard.account.invoice.pay.delete", session, context)
            except ErpError:
                logger.info("Could not delete Tryton wizard session %s.", session, exc_info=True)
        return self.get_invoice(invoice_erp_id)
