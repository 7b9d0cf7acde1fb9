"""An in-memory ERP behind the real port, for fast tests of the sync engine's own rules. The same
scenarios run against a real Tryton in tests/erp/."""

import itertools
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from partner_area.platform.ports.erp import (
    ChangePage,
    Cursor,
    ErpClient,
    ErpCompany,
    ErpContact,
    ErpInvoice,
    ErpRejected,
    ErpTurnover,
    ErpUnavailable,
)


class FakeErp:
    def __init__(self):
        self.up = True
        self.answer_error: Exception | None = None  # set: every call gets this error answer (the ERP is up)
        self.companies: dict[str, ErpCompany] = {}
        self.contacts: dict[str, ErpContact] = {}
        self.invoices: dict[str, ErpInvoice] = {}
        self.clients: dict[str, ErpClient] = {}
        self.turnover: dict[tuple, ErpTurnover] = {}  # by (client, month, currency): the ERP's current totals
        self.calls: list[str] = []
        self.payments: list[tuple[str, Decimal, object, str]] = []  # (invoice erp_id, amount, date, reference)
        self._ids = itertools.count(1)
        self._clock = timezone.now() - timedelta(days=1)

    def tick(self):
        self._clock += timedelta(seconds=1)
        return self._clock

    def _check(self, call):
        self.calls.append(call)
        if not self.up:
            raise ErpUnavailable("connection refused")
        if self.answer_error is not None:
            raise self.answer_error

    # helpers for tests: changes made "in the ERP"
    def edit_company(self, erp_id, **fields):
        self.companies[erp_id] = replace(self.companies[erp_id], changed_at=self.tick(), **fields)

    def add_company(self, **fields) -> ErpCompany:
        company = ErpCompany(erp_id=f"P{next(self._ids)}", changed_at=self.tick(), **fields)
        self.companies[company.erp_id] = company
        return company

    def put_invoice(self, **fields) -> ErpInvoice:
        erp_id = fields.pop("erp_id", None) or f"I{next(self._ids)}"
        invoice = ErpInvoice(erp_id=erp_id, changed_at=self.tick(), **fields)
        self.invoices[erp_id] = invoice
        return invoice

    def put_client(self, **fields) -> ErpClient:
        erp_id = fields.pop("erp_id", None) or f"K{next(self._ids)}"
        client = ErpClient(erp_id=erp_id, changed_at=self.tick(), **fields)
        self.clients[erp_id] = client
        return client

    def put_turnover(self, client_erp_id, month, currency, amount) -> ErpTurnover:
        """The client's month total changed in the ERP (e.g. an invoice was posted)."""
        row = ErpTurnover(client_erp_id, month, currency, amount, changed_at=self.tick())
        self.turnover[(client_erp_id, month, currency)] = row
        return row


STATE = {"erp": FakeErp()}


def _page(records, since: Cursor, limit: int) -> ChangePage:
    ordered = sorted(records, key=lambda r: (r.changed_at, r.erp_id))
    after = [
        r
        for r in ordered
        if since.changed_at is None
        or r.changed_at > since.changed_at
        or (r.changed_at == since.changed_at and r.erp_id > since.erp_id)
    ]
    items = after[:limit]
    last = items[-1] if items else None
    cursor = Cursor(last.changed_at, last.erp_id) if last else since
    return ChangePage(items=items, next_cursor=cursor, has_more=len(after) > limit)


class FakeErpGateway:
    def __init__(self, *, timeout=None):
        pass

    @property
    def erp(self) -> FakeErp:
        return STATE["erp"]

    def health(self):
        self.erp._check("health")
        return True

    def find_company(self, registration_number):
        self.erp._check("find_company")
        return next((c for c in self.erp.companies.values() if c.registration_number == registration_number), None)

    def create_company(self, data):
        self.erp._check("create_company")
        existing = self.find_company(data.registration_number)
        if existing:
            return existing
        return self.erp.add_company(**vars(data))

    def update_company(self, erp_id, changes):
        self.erp._check("update_company")
        assert set(changes) <= {"phone", "email", "website"}, changes  # the portal never writes the ERP's fields
        self.erp.edit_company(erp_id, **changes)

    def upsert_contact(self, contact):
        self.erp._check("upsert_contact")
        existing = next(
            (
                c
                for c in self.erp.contacts.values()
                if c.company_erp_id == contact.company_erp_id and c.email == contact.email
            ),
            None,
        )
        erp_id = existing.erp_id if existing else f"C{next(self.erp._ids)}"
        self.erp.contacts[erp_id] = replace(contact, erp_id=erp_id, changed_at=self.erp.tick())
        return self.erp.contacts[erp_id]

    def update_contact(self, erp_id, changes):
        self.erp._check("update_contact")
        self.erp.contacts[erp_id] = replace(self.erp.contacts[erp_id], changed_at=self.erp.tick(), **changes)

    def contacts_of(self, company_erp_id):
        self.erp._check("contacts_of")
        return [c for c in self.erp.contacts.values() if c.company_erp_id == company_erp_id]

    def invoices_of(self, company_erp_id):
        self.erp._check("invoices_of")
        return [i for i in self.erp.invoices.values() if i.company_erp_id == company_erp_id]

    def clients_of(self, company_erp_id):
        self.erp._check("clients_of")
        return [c for c in self.erp.clients.values() if c.partner_erp_id == company_erp_id]

    def companies_changed(self, since, limit):
        self.erp._check("companies_changed")
        return _page(self.erp.companies.values(), since, limit)

    def contacts_changed(self, since, limit):
        self.erp._check("contacts_changed")
        return _page(self.erp.contacts.values(), since, limit)

    def invoices_changed(self, since, limit):
        self.erp._check("invoices_changed")
        return _page(self.erp.invoices.values(), since, limit)

    def get_invoice(self, erp_id):
        self.erp._check("get_invoice")
        return self.erp.invoices[erp_id]

    def payment_recorded(self, invoice_erp_id, reference):
        self.erp._check("payment_recorded")
        return any(p[0] == invoice_erp_id and p[3] == reference for p in self.erp.payments)

    def record_payment(self, invoice_erp_id, amount, date, reference):
        self.erp._check("record_payment")
        if self.payment_recorded(invoice_erp_id, reference):
            return self.erp.invoices[invoice_erp_id]
        invoice = self.erp.invoices[invoice_erp_id]
        if invoice.state != "posted" or invoice.amount_to_pay < amount:
            raise ErpRejected("would over-pay")
        self.erp.payments.append((invoice_erp_id, amount, date, reference))
        left = invoice.amount_to_pay - amount
        self.erp.invoices[invoice_erp_id] = replace(
            invoice, amount_to_pay=left, state="paid" if left == 0 else "posted", changed_at=self.erp.tick()
        )
        return self.erp.invoices[invoice_erp_id]

    def clients_changed(self, since, limit):
        self.erp._check("clients_changed")
        return _page(self.erp.clients.values(), since, limit)

    def turnover_changed(self, since, limit):
        self.erp._check("turnover_changed")
        return _page(self.erp.turnover.values(), since, limit)

    def client_turnover(self, client_erp_ids):
        self.erp._check("client_turnover")
        return [row for row in self.erp.turnover.values() if row.client_erp_id in set(client_erp_ids)]
