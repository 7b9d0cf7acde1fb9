"""Benchmark of the ERP pull against a real Tryton 8.2: creates N parties (each with one contact person) and
M posted invoices in Tryton, runs a full pull of companies, contacts and invoices into the portal, changes 1 %
of them, runs an incremental pull, and prints records per second, database queries per record, peak Python
memory and how much of the time was spent waiting for Tryton. Prints figures; asserts nothing.

    .venv/bin/python bench/erp_sync.py --parties 10000 --invoices 50000
(the defaults, 2,000 parties and 1,000 invoices, take about 10 minutes on a busy 2-core machine, almost all of it
Tryton posting invoices at ≈ 0.4 s each; parties cost ≈ 35 ms each with their contact person. Needs PostgreSQL
on 127.0.0.1 and the dev requirements. Uses its own database, `brello_bench` unless DATABASE_URL says otherwise,
recreated each run.)"""

import argparse
import datetime
import json
import os
import random
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/brello_bench")

import django  # noqa: E402
import psycopg  # noqa: E402


def _recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def registration_numbers(count: int) -> list[str]:
    """`count` valid Latvian company registration numbers (which Tryton checks as the VAT number's digits)."""
    from stdnum.lv import pvn  # python-stdnum comes with Tryton's party module

    numbers = []
    base = 4_000_300_000
    while len(numbers) < count:
        numbers.extend(f"{base}{d}" for d in range(10) if pvn.is_valid(f"{base}{d}"))
        base += 1
    return numbers[:count]


def _create_tryton_data(server, args) -> tuple[list[int], list[int], list[int]]:
    """N parties with a contact person each (unless --no-contacts) and M posted invoices, as an ERP user makes them."""
    from integrations.erp.tryton.adapter import TrytonGateway
    from integrations.erp.tryton.client import TrytonClient

    started = time.perf_counter()
    numbers = registration_numbers(args.parties)
    party_ids = []
    for offset in range(0, args.parties, 200):
        batch = [
            {"name": f"Bench Partner {n}", "registration_number": numbers[n], "vat": f"LV{numbers[n]}",
             "city": "Rīga", "street": f"Brīvības iela {n}", "postal_code": "LV-1010", "country": "LV",
             "phone": f"+3712{n:07d}", "email": f"p{n}@bench.lv"}
            for n in range(offset, min(args.parties, offset + 200))
        ]  # fmt: skip
        party_ids += server.create_parties(batch)
    gateway = TrytonGateway(url=server.url, database=server.database, user=server.user, password=server.password)
    person_ids = []
    if not args.no_contacts:
        relation = gateway._relation_type()
        for offset in range(0, len(party_ids), 200):
            people = [
                {"name": f"Contact {n}", "relations": [("create", [{"to": party_ids[n], "type": relation}])],
                 "contact_mechanisms": [("create", [{"type": "email", "value": f"c{n}@bench.lv"}])]}
                for n in range(offset, min(len(party_ids), offset + 200))
            ]  # fmt: skip
            person_ids += server.client.create("party.party", people)
    slow_client = TrytonClient(server.url, server.database, server.user, server.password, timeout=900)
    meta = server.meta
    addresses = {
        row["party"]: row["id"]
        for row in server.client.search_read("party.address", [("party", "in", party_ids)], ["party"])
    }
    invoice_ids = []
    for offset in range(0, args.invoices, 100):
        values = [
            {"type": "out", "company": meta["company"], "party": party_ids[n % len(party_ids)],
             "invoice_address": addresses[party_ids[n % len(party_ids)]], "currency": meta["currency"],
             "journal": meta["journal_revenue"], "account": meta["account_receivable"],
             "payment_term": meta["payment_term"], "invoice_date": datetime.date.today(),
             "lines": [("create", [{"type": "line", "description": "Brello 360 licence", "quantity": 1.0,
                                    "unit_price": Decimal("100.00"), "account": meta["account_revenue"]}])]}
            for n in range(offset, min(args.invoices, offset + 100))
        ]  # fmt: skip
        batch = server.client.create("account.invoice", values)
        slow_client.model("account.invoice", "post", batch)  # posting numbers invoices and writes moves
        invoice_ids += batch
    print(f"created {args.parties} parties, {len(person_ids)} contact persons and {args.invoices} posted "
          f"invoices in Tryton in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return party_ids, person_ids, invoice_ids


def _profile_rpc() -> dict[str, list]:
    """Time every Tryton RPC by method: {method: [calls, seconds]}, filled as the pulls run."""
    from integrations.erp.tryton.client import TrytonClient

    seconds: dict[str, list] = {}
    original = TrytonClient.call

    def call(self, method, *params):
        t = time.perf_counter()
        try:
            return original(self, method, *params)
        finally:
            entry = seconds.setdefault(method, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - t

    TrytonClient.call = call
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--no-contacts", action="store_true", help="create no contact persons")
    parser.add_argument(
        "--keep-data", type=Path, metavar="DIR",
        help="keep the Tryton data created in DIR and reuse it on the next run with the same sizes (creating it is "
             "most of a run's time)",
    )  # fmt: skip
    parser.add_argument("--rpc-profile", action="store_true", help="print the time spent per Tryton RPC method")
    args = parser.parse_args()

    _recreate_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries

    call_command("migrate", verbosity=0)
    import tempfile

    from integrations.erp import pull
    from integrations.erp.models import SyncCursor
    from integrations.erp.tryton.adapter import TrytonGateway
    from partner_area.billing.models import Invoice
    from partner_area.companies.models import Company, CompanyContact, CompanyStatus
    from tests.erp.tryton_server import TrytonServer, _copy_database, build_template

    server = TrytonServer(build_template(), Path(tempfile.mkdtemp(prefix="bench-tryton-")))
    server.new_database()
    settings.ERP_BACKEND = "integrations.erp.tryton.adapter.TrytonGateway"
    settings.ERP_TRYTON_URL, settings.ERP_TRYTON_DATABASE = server.url, server.database
    settings.ERP_TRYTON_USER, settings.ERP_TRYTON_PASSWORD = server.user, server.password
    settings.ERP_PULL_PAGE_SIZE = args.page_size
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    size = f"p{args.parties}-i{args.invoices}-c{int(not args.no_contacts)}"
    kept = args.keep_data / f"v2-{size}" if args.keep_data else None
    try:
        if kept and (kept / "ids.json").exists():
            server.stop()
            _copy_database(kept, "bench", server.data_dir, server.database)
            server.start()
            ids = json.loads((kept / "ids.json").read_text(encoding="utf-8"))
            party_ids, person_ids, invoice_ids = ids["parties"], ids["persons"], ids["invoices"]
            print(f"reusing the Tryton data kept in {kept}")
        else:
            party_ids, person_ids, invoice_ids = _create_tryton_data(server, args)
            if kept:
                server.stop()
                kept.mkdir(parents=True, exist_ok=True)
                _copy_database(server.data_dir, server.database, kept, "bench")
                ids = {"parties": party_ids, "persons": person_ids, "invoices": invoice_ids}
                (kept / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
                server.start()
        Company.objects.bulk_create(
            Company(
                legal_name=f"Bench Partner {n}", registration_number=number, vat_number=f"LV{number}", country="LV",
                address="Iela 1",
                city="Rīga", postal_code="LV-1000", phone="+371 20000000", email=f"p{n}@bench.lv",
                status=CompanyStatus.ACTIVE, erp_id=str(party_id),
            )
            for n, (party_id, number) in enumerate(zip(party_ids, registration_numbers(len(party_ids)), strict=True))
        )  # fmt: skip
        rpc_seconds = _profile_rpc() if args.rpc_profile else None
        # The pull reads page n+1 from Tryton (in a reader thread) while it applies page n: time each side.
        erp_seconds: dict[str, float] = {}
        portal_seconds: dict[str, float] = {}
        methods = {"companies": "companies_changed", "contacts": "contacts_changed", "invoices": "invoices_changed"}
        for entity, method in methods.items():
            original = getattr(TrytonGateway, method)

            def timed(self, since, limit, _original=original, _entity=entity):
                t = time.perf_counter()
                try:
                    return _original(self, since, limit)
                finally:
                    erp_seconds[_entity] = erp_seconds.get(_entity, 0.0) + time.perf_counter() - t

            setattr(TrytonGateway, method, timed)
            method_name, apply_page = pull.SOURCES[entity]

            def timed_apply(items, _apply=apply_page, _entity=entity):
                t = time.perf_counter()
                try:
                    return _apply(items)
                finally:
                    portal_seconds[_entity] = portal_seconds.get(_entity, 0.0) + time.perf_counter() - t

            pull.SOURCES[entity] = (method_name, timed_apply)

        def measured_pull(label: str) -> None:
            """Times a pull of every entity (tracemalloc would slow it down, so memory is measured apart)."""
            erp_seconds.clear()
            portal_seconds.clear()
            if rpc_seconds is not None:
                rpc_seconds.clear()
            settings.DEBUG = True
            reset_queries()
            applied, seconds = {}, {}
            for entity in methods:
                t0 = time.perf_counter()
                applied[entity] = pull.pull_entity(entity)
                seconds[entity] = time.perf_counter() - t0
            queries = len(connection.queries)
            settings.DEBUG = False
            total, total_seconds = sum(applied.values()), sum(seconds.values())
            print(
                f"{label:<18} {total:>7} records in {total_seconds:7.1f} s = {total / total_seconds:7.0f} records/s, "
                f"{queries / max(total, 1):5.3f} queries/record; reading from Tryton (RPC and mapping) "
                f"{sum(erp_seconds.values()):.1f} s and applying in the portal {sum(portal_seconds.values()):.1f} s, "
                f"side by side"
            )
            for entity in methods:
                took = seconds[entity]
                print(
                    f"  {entity:<10} {applied[entity]:>7} in {took:6.1f} s = {applied[entity] / took:7.0f}/s "
                    f"(Tryton {erp_seconds.get(entity, 0.0):5.1f} s, portal {portal_seconds.get(entity, 0.0):5.1f} s)"
                )
            for method, (calls, spent) in sorted((rpc_seconds or {}).items(), key=lambda item: -item[1][1]):
                print(f"    {method:<48} {calls:>5} calls {spent:7.2f} s")

        def peak_memory_of_full_pull() -> None:
            SyncCursor.objects.all().delete()  # read everything again (it is applied already: nothing changes)
            tracemalloc.start()
            for entity in methods:
                pull.pull_entity(entity)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"peak Python memory during a full pull (tracemalloc, separate run): {peak / 2**20:.1f} MiB")

        measured_pull("full pull")
        peak_memory_of_full_pull()
        changed = random.Random(1).sample(party_ids, max(1, len(party_ids) // 100))
        for party_id in changed:
            server.rename_party(party_id, f"Renamed {party_id}")
        moved = random.Random(3).sample(person_ids, len(person_ids) // 100) if person_ids else []
        for person_id in moved:
            server.rename_party(person_id, f"Renamed contact {person_id}")
        paid = random.Random(2).sample(invoice_ids, max(1, len(invoice_ids) // 100))
        for invoice_id in paid:
            server.pay_invoice(invoice_id)
        print(f"changed {len(changed)} parties and {len(moved)} contacts, and paid {len(paid)} invoices (1 %)")
        measured_pull("incremental pull")
        print(
            f"portal now has {Company.objects.count()} companies, {CompanyContact.unscoped.count()} contacts and "
            f"{Invoice.unscoped.count()} invoices"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
