"""`make erp` (scripts/tryton-demo.sh): a local Tryton 8.2 for development, with the demo companies of
`make run` as parties, their org admins as contact persons, a few invoices (open, partly paid, paid,
overdue, cancelled, draft) and clients of the partners (parties related to them as "Client of") with a
posted invoice a month of the fiscal year, which the pull turns into the dashboard's turnover.
Development only: it needs the Tryton packages of requirements-dev.txt.

    python -m integrations.erp.tryton.demo [--port 8800] [--reset]

The database lives in var/tryton/ and is kept between runs (changes made in Tryton stay); --reset starts again
from a fresh copy. The first run of a day builds the template database (≈ 14 s, cached like the tests' one) and
seeds the demo data (≈ 20 s at low load, most of it Tryton posting invoices); the seeded database is cached too
(keyed by the template, this file and the demo companies, and the day, as invoice dates are relative to today), so
later fresh copies the same day take a couple of seconds. The server runs in the foreground until Ctrl+C. It
prints the settings that point the portal at it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import signal
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DEFAULT_PORT = 8800
DATABASE = "erp"
POST_TIMEOUT = 600  # seconds


def _valid_vat(vat: str) -> bool:
    try:
        from stdnum.eu import vat as eu_vat  # installed with trytond
    except ImportError:  # pragma: no cover
        return False
    return eu_vat.is_valid(vat)


def seed(server) -> list[str]:
    """Parties, contacts and invoices for the demo companies; returns lines to print."""
    from integrations.erp.tryton.adapter import TrytonGateway
    from partner_area.companies.seed import COMPANIES
    from partner_area.platform.ports.erp import ErpCompanyData, ErpContact

    gateway = TrytonGateway(url=server.url, database=server.database, user=server.user, password=server.password)
    today = dt.date.today()
    parties: dict[str, int] = {}
    lines = []
    for key, name, number, city, *_rest in COMPANIES:
        vat = f"LV{number}"
        company = gateway.create_company(
            ErpCompanyData(
                legal_name=name,
                registration_number=number,
                vat_number=vat if _valid_vat(vat) else "",  # Tryton refuses a VAT number that fails its checksum
                country="LV",
                address="Brīvības iela 10",
                city=city,
                postal_code="LV-1001",
                phone="+371 67000000",
                email=f"office@{key}.example.lv",
            )
        )
        parties[key] = int(company.erp_id)
        gateway.upsert_contact(
            ErpContact(company_erp_id=company.erp_id, name=f"Anna {name.split()[0]}", email=f"admin@{key}.example.lv")
        )
        lines.append(f"  party {company.erp_id:>3}  {name} ({number})")

    lines += seed_clients(server, gateway, parties, today)

    def invoice(key: str, items, **kwargs) -> int:
        return server.create_invoice(parties[key], items, **kwargs)

    licence, support = "Brello 360 licence", "Brello 360 support, annual"
    invoice("nordlink", [(licence, 20, "45.00"), (support, 1, "600.00")])
    paid = invoice("nordlink", [(licence, 5, "45.00")])
    server.pay_invoice(paid)
    partly = invoice("balticsoft", [(licence, 10, "49.00")])
    server.pay_invoice(partly, "200.00")
    invoice("rigadata", [(licence, 3, "49.00")], payment_term_date=today - dt.timedelta(days=45))
    invoice("ambertech", [(licence, 2, "52.00")])
    invoice("blocked", [(licence, 8, "49.00")], payment_term_date=today - dt.timedelta(days=75))
    invoice("blocked", [(support, 1, "400.00")], payment_term_date=today - dt.timedelta(days=40))
    invoice("ambertech", [("Onboarding workshop", 1, "350.00")], post=False)
    # Tryton refuses to cancel a posted customer invoice unless the company allows it (a reversing entry).
    server.client.write("company.company", [server.meta["company"]], {"cancel_invoice_out": True})
    server.cancel_invoice(invoice("rigadata", [(support, 1, "380.00")]))
    lines.append("  invoices: open, paid, partly paid, overdue, cancelled and one draft")
    return lines


# partner key → its clients as (name, currency, monthly amount before VAT, monthly growth)
CLIENTS = {
    "nordlink": [("Baltic Freight SIA", "EUR", 4200, 0.015), ("Daugava Foods AS", "EUR", 3100, 0.004),
                 ("Kurzeme Energy SIA", "EUR", 2600, 0.02)],
    "balticsoft": [("Zemgale Agro SIA", "EUR", 2400, 0.017), ("Jelgava Print SIA", "EUR", 1300, 0.006)],
    "rigadata": [("Old Town Bank AS", "EUR", 3600, 0.005), ("Riga Port Services SIA", "EUR", 2100, 0.012)],
    "ambertech": [("Liepāja Metalworks SIA", "EUR", 1900, 0.018), ("Seaside Cafés SIA", "EUR", 450, 0.012)],
}  # fmt: skip


def _post(server, invoice_ids: list[int]) -> None:
    """Post invoices, confirming the warnings an accountant would (one per invoice at most, e.g. a past date)."""
    from integrations.erp.tryton.client import TrytonClient, TrytonWarning

    # Posting a year of invoices in one call is Tryton's own CPU work (numbering, moves, reports): on a busy
    # machine it takes well over the usual 30 s timeout, so this one client waits longer.
    client = TrytonClient(server.url, server.database, server.user, server.password, timeout=POST_TIMEOUT)
    for _attempt in range(len(invoice_ids) + 3):
        try:
            client.model("account.invoice", "post", invoice_ids)
            return
        except TrytonWarning as warning:
            client.model("res.user.warning", "skip", warning.name, False)
    raise RuntimeError("Tryton kept warning while posting the demo invoices.")


def seed_clients(server, gateway, parties: dict[str, int], today: dt.date) -> list[str]:
    """Client parties linked to the demo partners ("Client of") with one posted invoice a month from the start of
    the fiscal year to this month, so the dashboard shows ERP-fed turnover after a pull."""
    from decimal import Decimal

    meta = server.meta
    forward, _reverse = gateway.client_relation_types()
    currencies = {"EUR": meta["currency"]}  # another currency would need exchange accounts in the chart
    clients = [(key, *client) for key, rows in CLIENTS.items() for client in rows]
    ids = server.create_parties([{"name": name, "city": "Rīga"} for _key, name, *_rest in clients])
    for party_id, (key, *_rest) in zip(ids, clients, strict=True):
        relation = {"to": parties[key], "type": forward}
        server.client.write("party.party", [party_id], {"relations": [("create", [relation])]})
    addresses = {party_id: server._invoice_address(party_id) for party_id in ids}
    created: list[int] = []
    index = 0
    month = dt.date.fromisoformat(meta["fiscalyear_start"]).replace(day=1)
    while month <= today:
        day = month.replace(day=10) if month.replace(day=10) <= today else today
        month = (month + dt.timedelta(days=32)).replace(day=1)
        values = []
        for party_id, (_key, _name, currency, amount, growth) in zip(ids, clients, strict=True):
            price = (Decimal(amount) * Decimal(str((1 + growth) ** index))).quantize(Decimal("0.01"))
            line = {
                "type": "line", "description": "Brello 360 licences", "quantity": 1.0, "unit_price": price,
                "account": meta["account_revenue"], "taxes": [("add", [meta["tax"]])],
                "currency": currencies[currency],
            }  # fmt: skip
            values.append({
                "type": "out", "company": meta["company"], "party": party_id, "invoice_address": addresses[party_id],
                "currency": currencies[currency], "journal": meta["journal_revenue"],
                "account": meta["account_receivable"], "payment_term": meta["payment_term"], "invoice_date": day,
                # Due 30 days from today, not from the invoice date: no "due date in the past" warning to confirm.
                "payment_term_date": today,
                "lines": [("create", [line])],
            })  # fmt: skip
        created += server.client.create("account.invoice", values)
        index += 1
    # One post for the whole year: Tryton numbers a batch in invoice-date order, and one call saves a transaction
    # and the checks that run per call (a month at a time was 12 calls).
    _post(server, created)
    return [f'  {len(ids)} clients ("Client of" relations) with {len(created)} posted invoices, one a month']


def _seeded_cache(template: Path) -> Path:
    """Where today's seeded demo database is cached: next to the template it was made from, keyed by what made it."""
    digest = hashlib.sha256(template.name.encode())
    for source in (Path(__file__), REPO / "partner_area" / "organizations" / "seed.py"):
        digest.update(source.read_bytes())
    digest.update(dt.date.today().isoformat().encode())
    return template.parent / f"demo-{digest.hexdigest()[:16]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("TRYTON_DEMO_PORT", DEFAULT_PORT)))
    parser.add_argument("--data", type=Path, default=REPO / "var" / "tryton")
    parser.add_argument("--reset", action="store_true", help="start again from a fresh database")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from tests.erp.tryton_server import TrytonNotInstalled, TrytonServer, _copy_database, build_template

    try:
        template = build_template()
    except TrytonNotInstalled as exc:
        print(exc, file=sys.stderr)
        return 1
    server = TrytonServer(template, args.data, port=args.port)
    database_file = server.data_dir / f"{DATABASE}.sqlite"
    lines: list[str] = []
    seeded = _seeded_cache(template)
    if (args.reset or not database_file.exists()) and (seeded / "lines.json").exists():
        print(f"Copying today's seeded demo database into {database_file} …")
        _copy_database(seeded, DATABASE, server.data_dir, DATABASE)
        lines = json.loads((seeded / "lines.json").read_text(encoding="utf-8"))
        server.database = DATABASE
        server.start()
    elif args.reset or not database_file.exists():
        print(f"Creating the demo database in {database_file} …")
        server.new_database(DATABASE)
        lines = seed(server)
        server.stop()  # a quiet copy for the cache, then serve
        seeded.mkdir(parents=True, exist_ok=True)
        _copy_database(server.data_dir, DATABASE, seeded, DATABASE)
        (seeded / "lines.json").write_text(json.dumps(lines), encoding="utf-8")
        server.start()
    else:
        server.database = DATABASE
        server.start()
    print("\n".join(lines))
    print(
        f"\nTryton {server.url} (database {DATABASE!r}, user {server.user!r}, password {server.password!r});"
        f" log: {server.log}\nPoint the portal at it:\n"
        "  export ERP_BACKEND=integrations.erp.tryton.adapter.TrytonGateway\n"
        f"  export ERP_TRYTON_URL={server.url} ERP_TRYTON_DATABASE={DATABASE}"
        f" ERP_TRYTON_USER={server.user} ERP_TRYTON_PASSWORD={server.password}\n"
        "Stop with Ctrl+C."
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop trytond on SIGTERM too (finally below)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
