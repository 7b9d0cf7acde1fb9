"""Bootstrap a freshly initialised Tryton database for the portal's tests and demo (run in a subprocess).

    python tests/erp/tryton_bootstrap.py --config trytond.conf --database erp --meta meta.json

Runs proteus in direct mode (it imports trytond, which sets TZ=UTC and reads its configuration globally —
that's why it runs in its own process, never inside the test process). It creates:

- the company "Brello 360 SIA" (EUR) with the minimal chart of accounts, a fiscal year around today with
  monthly periods and invoice sequences;
- a 30-day payment term, a 21 % VAT tax, a cash payment method for the "pay" wizard;
- a few countries (the country module ships none without pycountry);
- the party relation types the adapter links contact persons with.

The ids the test helpers need (journals, accounts, payment term, ...) are written as JSON to --meta.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal

COUNTRIES = {
    "LV": "Latvia",
    "LT": "Lithuania",
    "EE": "Estonia",
    "FI": "Finland",
    "SE": "Sweden",
    "DK": "Denmark",
    "NO": "Norway",
    "DE": "Germany",
    "PL": "Poland",
    "NL": "Netherlands",
    "BE": "Belgium",
    "FR": "France",
    "IE": "Ireland",
    "GB": "United Kingdom",
    "US": "United States",
}
RELATION_TYPE = "Contact person of"
RELATION_TYPE_REVERSE = "Contact person"


def bootstrap(config_file: str, database: str, company_name: str = "Brello 360 SIA") -> dict:
    from proteus import Model, config

    cfg = config.set_trytond(database, config_file=config_file)
    cfg.skip_warning = True

    from trytond.modules.account.tests.tools import create_chart, create_fiscalyear, get_accounts
    from trytond.modules.account_invoice.tests.tools import set_fiscalyear_invoice_sequences
    from trytond.modules.company.tests.tools import create_company, get_company

    Party = Model.get("party.party")
    Country = Model.get("country.country")
    countries = {}
    for code, name in COUNTRIES.items():
        country = Country(name=name, code=code)
        country.save()
        countries[code] = country

    own = Party(name=company_name)
    address = own.addresses[0] if own.addresses else own.addresses.new()
    address.street = "Brīvības iela 1"
    address.city = "Rīga"
    address.postal_code = "LV-1010"
    address.country = countries["LV"]
    own.save()
    create_company(party=own, currency="EUR")
    company = get_company()

    create_chart(company)
    accounts = get_accounts(company)
    today = dt.date.today()
    fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear(company, today=today))
    fiscalyear.click("create_period")

    PaymentTerm = Model.get("account.invoice.payment_term")
    term = PaymentTerm(name="30 days")
    line = term.lines.new(type="remainder")
    (delta,) = line.relativedeltas
    delta.days = 30
    term.save()

    Tax = Model.get("account.tax")
    tax = Tax(
        name="PVN 21%",
        description="PVN 21%",
        type="percentage",
        rate=Decimal("0.21"),
        invoice_account=accounts["tax"],
        credit_note_account=accounts["tax"],
    )
    tax.save()

    Journal = Model.get("account.journal")
    (journal_cash,) = Journal.find([("type", "=", "cash")], limit=1)
    (journal_revenue,) = Journal.find([("type", "=", "revenue")], limit=1)
    PaymentMethod = Model.get("account.invoice.payment.method")
    method = PaymentMethod(
        name="Bank transfer",
        journal=journal_cash,
        credit_account=accounts["cash"],
        debit_account=accounts["cash"],
    )
    method.save()

    RelationType = Model.get("party.relation.type")
    relation = RelationType(name=RELATION_TYPE)
    relation.save()
    reverse = RelationType(name=RELATION_TYPE_REVERSE, reverse=relation)
    reverse.save()
    relation.reverse = reverse
    relation.save()

    Currency = Model.get("currency.currency")
    (eur,) = Currency.find([("code", "=", "EUR")])

    return {
        "company": company.id,
        "company_party": own.id,
        "currency": eur.id,
        "journal_revenue": journal_revenue.id,
        "journal_cash": journal_cash.id,
        "account_receivable": accounts["receivable"].id,
        "account_revenue": accounts["revenue"].id,
        "account_cash": accounts["cash"].id,
        "payment_term": term.id,
        "payment_method": method.id,
        "tax": tax.id,
        "relation_type": relation.id,
        "relation_type_reverse": reverse.id,
        "countries": {code: country.id for code, country in countries.items()},
        "fiscalyear_start": str(fiscalyear.start_date),
        "fiscalyear_end": str(fiscalyear.end_date),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--meta", required=True, help="where to write the JSON with the created ids")
    parser.add_argument("--company", default="Brello 360 SIA")
    args = parser.parse_args()
    meta = bootstrap(args.config, args.database, args.company)
    with open(args.meta, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=2)


if __name__ == "__main__":
    main()
