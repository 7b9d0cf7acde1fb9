"""Benchmark of the ERP pull against a real Tryton 8.2: creates N parties and M posted invoices in Tryton,
runs a full pull into the portal, changes 1 % of them, runs an incremental pull, and prints records per
second, database queries per record and peak Python memory. Prints figures; asserts nothing.

    .venv/bin/python bench/erp_sync.py --parties 10000 --invoices 50000
(defaults are smaller so a run takes minutes, not an hour; needs PostgreSQL on 127.0.0.1 and the dev
requirements. Uses its own database `brello_bench`, recreated each run.)"""

import argparse
import os
import random
import sys
import time
import tracemalloc
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=3000)
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()

    _recreate_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries

    call_command("migrate", verbosity=0)
    import tempfile

    from integrations.erp.pull import pull_entity
    from integrations.erp.tryton.client import TrytonClient
    from partner_area.billing.models import Invoice
    from partner_area.organizations.models import Company, CompanyStatus
    from tests.erp.tryton_server import TrytonServer, build_template

    server = TrytonServer(build_template(), Path(tempfile.mkdtemp(prefix="bench-tryton-")))
    server.new_database()
    settings.ERP_BACKEND = "integrations.erp.tryton.adapter.TrytonGateway"
    settings.ERP_TRYTON_URL, settings.ERP_TRYTON_DATABASE = server.url, server.database
    settings.ERP_TRYTON_USER, settings.ERP_TRYTON_PASSWORD = server.user, server.password
    settings.ERP_PULL_PAGE_SIZE = args.page_size
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    try:
        started = time.perf_counter()
        party_ids = []
        for offset in range(0, args.parties, 200):
            batch = [
                {"name": f"Bench Partner {n}", "registration_number": f"5{n:010d}", "city": "Rīga",
                 "phone": f"+3712{n:07d}", "email": f"p{n}@bench.lv"}
                for n in range(offset, min(args.parties, offset + 200))
            ]  # fmt: skip
            party_ids += server.create_parties(batch)
        Company.objects.bulk_create(
            Company(
                legal_name=f"Bench Partner {n}", registration_number=f"5{n:010d}", country="LV", address="Iela 1",
                city="Rīga", postal_code="LV-1000", phone="+371 20000000", email=f"p{n}@bench.lv",
                status=CompanyStatus.ACTIVE, erp_id=str(party_id),
            )
            for n, party_id in enumerate(party_ids)
        )  # fmt: skip
        slow_client = TrytonClient(server.url, server.database, server.user, server.password, timeout=900)
        invoice_ids = []
        for offset in range(0, args.invoices, 50):
            batch = [
                server.create_invoice(party_ids[n % len(party_ids)], post=False, tax=False)
                for n in range(offset, min(args.invoices, offset + 50))
            ]
            slow_client.model("account.invoice", "post", batch)  # posting numbers invoices and writes moves
            invoice_ids += batch
        print(f"created {args.parties} parties and {args.invoices} posted invoices in Tryton "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip

        from integrations.erp.tryton.adapter import TrytonGateway

        erp_seconds = {"total": 0.0}
        for method in ("companies_changed", "invoices_changed"):
            original = getattr(TrytonGateway, method)

            def timed(self, since, limit, _original=original):
                t = time.perf_counter()
                try:
                    return _original(self, since, limit)
                finally:
                    erp_seconds["total"] += time.perf_counter() - t

            setattr(TrytonGateway, method, timed)

        def measured_pull(label: str) -> None:
            erp_seconds["total"] = 0.0
            settings.DEBUG = True
            reset_queries()
            tracemalloc.start()
            t0 = time.perf_counter()
            applied = pull_entity("companies") + pull_entity("invoices")
            seconds = time.perf_counter() - t0
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            queries = len(connection.queries)
            settings.DEBUG = False
            print(
                f"{label:<18} {applied:>7} records in {seconds:7.1f} s = {applied / seconds:7.0f} records/s, "
                f"{queries / max(applied, 1):5.1f} queries/record, peak Python memory {peak / 2**20:6.1f} MiB; "
                f"{erp_seconds['total']:.1f} s of it waiting for Tryton"
            )

        measured_pull("full pull")
        changed = random.Random(1).sample(party_ids, max(1, len(party_ids) // 100))
        for party_id in changed:
            server.rename_party(party_id, f"Renamed {party_id}")
        paid = random.Random(2).sample(invoice_ids, max(1, len(invoice_ids) // 100))
        for invoice_id in paid:
            server.pay_invoice(invoice_id)
        print(f"changed {len(changed)} parties and paid {len(paid)} invoices (1 %)")
        measured_pull("incremental pull")
        print(f"portal now has {Company.objects.count()} companies and {Invoice.unscoped.count()} invoices")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
