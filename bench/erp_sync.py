"""Benchmark of the ERP pull against a real Tryton 8.2, at several sizes: for each, N parties (each with one contact
person) and M posted invoices in Tryton, then, repeated and interleaved, (a) Tryton's own `search_read` of the same
records and fields the pull reads, page by page by id as a client reads fastest, and (b) a full pull of companies,
contacts and invoices into an emptied portal, with the reader in a process and in a thread. Prints records per
second, the ratio of the pull's rate to Tryton's own rate (medians over the repetitions), database queries per
record, CPU time per 1,000 records of Tryton, the reader, the applier and its PostgreSQL backend, the peak RSS of
the pull and of its reader process, and the growth of each across sizes; then, at the
largest size, an incremental pull after 1 % of the records changed. Prints figures; asserts nothing.

    .venv/bin/python bench/erp_sync.py --sizes 500:100,2000:400,4000:800 --keep-data var/bench-erp
(parties:invoices per size. Creating the Tryton data is most of a run's time: ≈ 35 ms a party with its contact
person and ≈ 0.4 s a posted invoice on a busy 2-core machine; --keep-data keeps it for the next run. Needs
PostgreSQL on 127.0.0.1 and the dev requirements. Uses its own database, `brello_bench` unless DATABASE_URL says
otherwise, recreated each run.)"""

import argparse
import cProfile
import datetime
import json
import os
import pstats
import random
import re
import resource
import statistics
import sys
import tempfile
import time
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
        _post_invoices(slow_client, batch)  # posting numbers invoices and writes moves
        invoice_ids += batch
    print(f"created {args.parties} parties, {len(person_ids)} contact persons and {args.invoices} posted "
          f"invoices in Tryton in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return party_ids, person_ids, invoice_ids


def _post_invoices(client, invoice_ids: list[int]) -> None:
    """Post the invoices, skipping the warnings an ERP user would confirm (Tryton warns of an invoice date "in the
    future" when the company's day is still yesterday, e.g. just after midnight UTC)."""
    from integrations.erp.tryton.client import TrytonWarning

    for _ in range(5):
        try:
            client.model("account.invoice", "post", invoice_ids)
            return
        except TrytonWarning as warning:
            client.model("res.user.warning", "skip", warning.name, False)
    raise RuntimeError("posting the bench's invoices kept warning")


def _peak_rss_kib(pid: str = "self") -> int:
    """The process's peak resident set size (VmHWM) in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1))


def _cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")  # Linux: resets VmHWM to the current RSS


def _tryton_data(server, args, parties: int, invoices: int) -> tuple[list[int], list[int], list[int]]:
    """The Tryton database of this size served by `server`: reused from --keep-data, else created (and kept)."""
    from tests.erp.tryton_server import _copy_database

    size = argparse.Namespace(parties=parties, invoices=invoices, no_contacts=args.no_contacts)
    kept = args.keep_data / f"v2-p{parties}-i{invoices}-c{int(not args.no_contacts)}" if args.keep_data else None
    if kept and (kept / "ids.json").exists():
        server.stop()
        server.database = f"bench{parties}"
        _copy_database(kept, "bench", server.data_dir, server.database)
        server.start()
        ids = json.loads((kept / "ids.json").read_text(encoding="utf-8"))
        print(f"reusing the Tryton data kept in {kept}")
        return ids["parties"], ids["persons"], ids["invoices"]
    server.new_database(f"bench{parties}")
    started = time.perf_counter()
    party_ids, person_ids, invoice_ids = _create_tryton_data(server, size)
    print(f"  (generating the data took {time.perf_counter() - started:.0f} s)")
    if kept:
        server.stop()
        kept.mkdir(parents=True, exist_ok=True)
        _copy_database(server.data_dir, server.database, kept, "bench")
        ids = {"parties": party_ids, "persons": person_ids, "invoices": invoice_ids}
        (kept / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
        server.start()
    return party_ids, person_ids, invoice_ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500:100,2000:400,4000:800", help="parties:invoices, comma-separated")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions per size (medians printed)")
    parser.add_argument("--no-contacts", action="store_true", help="create no contact persons")
    parser.add_argument(
        "--keep-data", type=Path, metavar="DIR",
        help="keep the Tryton data created in DIR and reuse it on the next run with the same sizes (creating it is "
             "most of a run's time)",
    )  # fmt: skip
    parser.add_argument("--profile", type=Path, metavar="DIR", help="profile one pull at the first size into DIR")
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split(":")) for size in args.sizes.split(",")]

    _recreate_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries

    call_command("migrate", verbosity=0)

    from integrations.erp import pull
    from integrations.erp.models import RejectedRecord, SyncConflict, SyncCursor, SyncedValues
    from integrations.erp.tryton import adapter
    from integrations.erp.tryton.adapter import COMPANY_FIELDS, TrytonGateway
    from integrations.erp.tryton.client import TrytonClient, forget_sessions
    from partner_area.billing.models import Invoice, InvoiceLine
    from partner_area.companies.models import Company, CompanyContact, CompanyStatus
    from tests.erp.tryton_server import TrytonServer, build_template

    server = TrytonServer(build_template(), Path(tempfile.mkdtemp(prefix="bench-tryton-")))
    settings.ERP_BACKEND = "integrations.erp.tryton.adapter.TrytonGateway"
    settings.ERP_TRYTON_USER, settings.ERP_TRYTON_PASSWORD = server.user, server.password
    settings.ERP_TRYTON_TIMEOUT = 300
    settings.ERP_PULL_PAGE_SIZE = args.page_size
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    entities = ("companies", "contacts", "invoices")

    # Each reader process reports its own peak RSS through this file (it has no other way back but the pages).
    reader_rss = Path(tempfile.mkstemp(prefix="bench-reader-rss-")[1])
    read_pages = pull._read_pages

    def measured_read_pages(*arguments):
        profile = cProfile.Profile() if profiling.get("reader") else None
        try:
            if profile:
                profile.runcall(read_pages, *arguments)
            else:
                read_pages(*arguments)
        finally:
            if profile:
                profile.dump_stats(profiling["reader"])
            with reader_rss.open("a", encoding="ascii") as out:
                out.write(f"{_peak_rss_kib()}\n")

    pull._read_pages = measured_read_pages
    profiling: dict[str, Path] = {}

    def profile_pull(party_ids: list[int]) -> None:
        """One more full pull (reader in a process) under cProfile, the applier and the reader each: where the time
        goes, by own time."""
        args.profile.mkdir(parents=True, exist_ok=True)
        profiling["reader"] = args.profile / "reader.prof"
        applier = cProfile.Profile()
        full_pull(party_ids, "process", applier)
        profiling.clear()
        applier.dump_stats(args.profile / "applier.prof")
        for name in ("applier", "reader"):
            print(f"-- profile of the {name} (by own time; {args.profile / name}.prof)")
            pstats.Stats(str(args.profile / f"{name}.prof")).sort_stats("tottime").print_stats(18)

    def reset_portal(party_ids: list[int]) -> None:
        """An empty portal holding only the companies linked to the parties (so the pull applies everything)."""
        for model in (InvoiceLine, Invoice, CompanyContact, SyncedValues, SyncConflict, RejectedRecord, SyncCursor):
            model._base_manager.all().delete()
        Company.objects.all().delete()
        Company.objects.bulk_create(
            Company(
                legal_name=f"Bench Partner {n}", registration_number=number, vat_number=f"LV{number}", country="LV",
                address="Iela 1", city="Rīga", postal_code="LV-1000", phone="+371 20000000", email=f"p{n}@bench.lv",
                status=CompanyStatus.ACTIVE, erp_id=str(party_id),
            )
            for n, (party_id, number) in enumerate(zip(party_ids, registration_numbers(len(party_ids)), strict=True))
        )  # fmt: skip

    def tryton_search_read(gateway: TrytonGateway, client: TrytonClient) -> dict[str, tuple[int, float]]:
        """Tryton's own rate: the records and fields the pull reads, one search_read per page by id."""
        relation = gateway._relation_type()
        reads = {
            "companies": ("party.party", [("identifiers.type", "=", None)], COMPANY_FIELDS),
            "contacts": ("party.party", [("relations.type", "=", relation)], gateway.CONTACT_FIELDS),
            "invoices": ("account.invoice", [("type", "=", "out"), ("number", "!=", None)], gateway.INVOICE_FIELDS),
        }
        result = {}
        tryton_cpu = _cpu_seconds(server.process.pid)
        for entity, (model, domain, fields) in reads.items():
            started, count, last = time.perf_counter(), 0, 0
            while True:
                rows = client.search_read(
                    model, [*domain, ("id", ">", last)], fields, limit=args.page_size, order=[("id", "ASC")]
                )
                count += len(rows)
                if len(rows) < args.page_size:
                    break
                last = rows[-1]["id"]
            result[entity] = (count, time.perf_counter() - started)
        result["cpu"] = {"Tryton": _cpu_seconds(server.process.pid) - tryton_cpu}
        return result

    def full_pull(party_ids: list[int], reader: str, profile: cProfile.Profile | None = None) -> dict:
        reset_portal(party_ids)
        settings.ERP_PULL_READER = reader
        reader_rss.write_text("", encoding="ascii")
        settings.DEBUG = True
        reset_queries()
        _reset_peak_rss()
        result = {}
        connection.ensure_connection()
        backend = connection.connection.info.backend_pid
        cpu_before = {
            "Tryton": _cpu_seconds(server.process.pid), "applier": _cpu_seconds(), "PostgreSQL": _cpu_seconds(backend),
            "reader": resource.getrusage(resource.RUSAGE_CHILDREN),
        }  # fmt: skip
        started = time.perf_counter()
        if profile:
            profile.enable()
        for entity, count in pull.pull_entities(entities):  # one pull: an entity's time ends when it is applied
            result[entity] = (count, time.perf_counter() - started)
            started = time.perf_counter()
        if profile:
            profile.disable()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reader process, joined by the pull
        result["cpu"] = {
            "Tryton": _cpu_seconds(server.process.pid) - cpu_before["Tryton"],
            "reader": children.ru_utime + children.ru_stime - cpu_before["reader"].ru_utime
            - cpu_before["reader"].ru_stime,
            "applier": _cpu_seconds() - cpu_before["applier"],
            "PostgreSQL": _cpu_seconds(backend) - cpu_before["PostgreSQL"],
        }  # fmt: skip
        result["queries"] = len(connection.queries)
        settings.DEBUG = False
        result["rss"] = _peak_rss_kib()
        result["reader_rss"] = max((int(n) for n in reader_rss.read_text(encoding="ascii").split()), default=0)
        return result

    def rate(measures: list[dict], entity: str | None = None) -> float:
        """The median rate over the repetitions, of one entity or of all."""
        keys = [entity] if entity else entities
        return statistics.median(sum(m[k][0] for k in keys) / sum(m[k][1] for k in keys) for m in measures)

    def cpu_per_thousand(measures: list[dict], who: str, records: int) -> float:
        return statistics.median(m["cpu"].get(who, 0) for m in measures) * 1000 / records * 1000

    def rss(measures: list[dict], key: str = "rss") -> float:
        return statistics.median(m[key] for m in measures)

    summary = []
    try:
        for parties, invoices in sizes:
            print(f"\n== {parties} parties, {parties if not args.no_contacts else 0} contact persons, {invoices} "
                  f"invoices, pages of {args.page_size}, {args.repeat} repetitions")  # fmt: skip
            party_ids, person_ids, invoice_ids = _tryton_data(server, args, parties, invoices)
            settings.ERP_TRYTON_URL, settings.ERP_TRYTON_DATABASE = server.url, server.database
            forget_sessions()
            adapter.forget_lookups()
            gateway = TrytonGateway()
            client = TrytonClient(server.url, server.database, server.user, server.password, timeout=300)
            # Warm Tryton's caches and the adapter's lookups (ids that never change, kept per process), as a worker's
            # pulls find them after its first one.
            tryton_search_read(gateway, client)
            full_pull(party_ids, "process")
            if args.profile and (parties, invoices) == sizes[0]:
                profile_pull(party_ids)
            measures: dict[str, list[dict]] = {"tryton": [], "process": [], "thread": []}
            for _ in range(args.repeat):
                measures["tryton"].append(tryton_search_read(gateway, client))
                for reader in ("process", "thread"):
                    measures[reader].append(full_pull(party_ids, reader))
            records = sum(measures["tryton"][0][e][0] for e in entities)
            tryton_rate = rate(measures["tryton"])
            print(f"Tryton's own search_read: {records} records at {tryton_rate:7.0f} records/s  "
                  + "  ".join(f"{e} {rate(measures['tryton'], e):.0f}/s" for e in entities))  # fmt: skip
            for reader in ("process", "thread"):
                runs = measures[reader]
                pulled = sum(runs[0][e][0] for e in entities)
                ratios = [rate([m]) / rate([t]) for m, t in zip(runs, measures["tryton"], strict=True)]
                print(
                    f"full pull, reader in a {reader:<7}: {pulled} records at {rate(runs):7.0f} records/s = "
                    f"{rate(runs) / tryton_rate:.2f} of Tryton's rate (per repetition: "
                    f"{', '.join(f'{r:.2f}' for r in ratios)}); {runs[-1]['queries'] / max(pulled, 1):.3f} "
                    f"queries/record; peak RSS {statistics.median(m['rss'] for m in runs) / 1024:.0f} MiB"
                    + (f", reader process {statistics.median(m['reader_rss'] for m in runs) / 1024:.0f} MiB"
                       if reader == "process" else "")
                )  # fmt: skip
                print("    " + "  ".join(
                    f"{e} {rate(runs, e):.0f}/s ({rate(runs, e) / rate(measures['tryton'], e):.2f})" for e in entities
                ))  # fmt: skip
            print("    CPU ms per 1,000 records (median): Tryton's own read: Tryton "
                  f"{cpu_per_thousand(measures['tryton'], 'Tryton', records):.0f}; " + "; ".join(
                      f"pull with a {reader}: " + ", ".join(
                          f"{who} {cpu_per_thousand(measures[reader], who, records):.0f}"
                          for who in ("Tryton", "reader", "applier", "PostgreSQL")
                          if who != "reader" or reader == "process"  # a reader thread counts as the applier's
                      ) for reader in ("process", "thread")))  # fmt: skip
            summary.append((parties, invoices, records, tryton_rate, measures))
        print("\n== growth across sizes (the first size = 1.00)")
        first = summary[0]
        for parties, invoices, records, tryton_rate, measures in summary:
            process = measures["process"]
            line = (
                f"{parties:>6} parties {invoices:>5} invoices ({records / first[2]:5.1f}× the records): Tryton rate "
                f"{tryton_rate / first[3]:.2f}×, pull rate {rate(process) / rate(first[4]['process']):.2f}×, "
                f"ratio {rate(process) / tryton_rate:.2f}; peak RSS {rss(process) / rss(first[4]['process']):.2f}×, "
                f"reader process {rss(process, 'reader_rss') / rss(first[4]['process'], 'reader_rss'):.2f}×"
            )
            print(line)
        # An incremental pull at the largest size, after 1 % of its records changed.
        settings.ERP_PULL_READER = "process"
        changed = random.Random(1).sample(party_ids, max(1, len(party_ids) // 100))
        for party_id in changed:
            server.rename_party(party_id, f"Renamed {party_id}")
        moved = random.Random(3).sample(person_ids, len(person_ids) // 100) if person_ids else []
        for person_id in moved:
            server.rename_party(person_id, f"Renamed contact {person_id}")
        paid = random.Random(2).sample(invoice_ids, max(1, len(invoice_ids) // 100))
        for invoice_id in paid:
            server.pay_invoice(invoice_id)
        started = time.perf_counter()
        applied = dict(pull.pull_entities(entities))
        took = time.perf_counter() - started
        print(
            f"\nincremental pull after {len(changed)} parties and {len(moved)} contacts were renamed and {len(paid)} "
            f"invoices paid (1 %): {applied} in {took:.2f} s"
        )
        print(
            f"portal now has {Company.objects.count()} companies, {CompanyContact.unscoped.count()} contacts and "
            f"{Invoice.unscoped.count()} invoices"
        )
    finally:
        server.stop()
        reader_rss.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
