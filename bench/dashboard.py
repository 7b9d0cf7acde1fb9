"""Benchmark the dashboard and the invoice list at three network sizes in one run. Prints figures; asserts nothing.

Generates, in its own PostgreSQL database, three partner networks of 100, 1,000 and 10,000 companies, each an
irregular tree (a few partners with many direct sub-partners, most with none; depth varies from branch to branch),
whose clients bill in three currencies (EUR, USD, GBP in varying mixes per partner) over 24 months, plus two
companies outside the networks with 200 and 20,000 invoices. Then builds the closure table and the roll-ups, and
measures whole requests in-process (Django's test client, logged in as the company's admin: middleware, queries
and template rendering, no network), interleaved across sizes so that drift on a shared machine hits every size
alike:

- the dashboard (last 12 months) of the root, a mid-level partner (level 2, the largest subtree there) and a
  leaf: p50 and p95, and the root/leaf ratio (target: root p95 <= 150 ms at 10,000, ratio <= 1.5 at every size);
- the sub-partner table's own query for the root (`sub_partner_page`, first page): p50;
- the invoice list of the company with 200 and the one with 20,000 invoices: p50, p95 and the ratio (target 1.3).

Run it against PostgreSQL (the server `make services` starts):

    .venv/bin/python bench/dashboard.py                  # generate (about a minute) and measure
    .venv/bin/python bench/dashboard.py --keep           # measure again on the data already generated
    .venv/bin/python bench/dashboard.py --repeat 60      # more requests per URL (default 30)

BENCH_DATABASE_URL picks the database (default …/brello_bench_dashboard, its own: other benches use theirs); it is
created when missing and its bench rows are dropped and refilled unless --keep is given. The cache is the one
the settings give (in-process without REDIS_URL; set REDIS_URL to measure with Redis as production runs)."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/brello_bench_dashboard"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")  # DEBUG off, as in production
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("CONN_MAX_AGE", "60")  # persistent connections, as production runs; 0 adds a connect per request
os.environ.setdefault("DASHBOARD_FRAGMENT_CACHE_SECONDS", "0")  # measure the SQL and the rendering, not the cache

SIZES = (100, 1_000, 10_000)
MONTHS = 24
INVOICE_COUNTS = (200, 20_000)
ROOT_INVOICES = 500
PREFIX = "BENCH"
# A cheap deterministic hash of an integer in SQL, in [0, 1): the generator's only source of "randomness".
HASH = "((({n})::bigint * 2654435761 + {salt}) % 1000003) / 1000003.0"


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _hash(n: str, salt: int) -> str:
    return HASH.format(n=n, salt=salt).replace("%", "%%")


def insert_select(cursor, model, values: dict[str, str], source: str, params: dict) -> int:
    """INSERT INTO model's table … SELECT: `values` maps columns to SQL expressions over `source`; every other
    column gets the model field's default as a parameter, so a NOT NULL column added later cannot be forgotten
    (the bench broke that way once). Returns the number of rows."""
    from django.db.models import NOT_PROVIDED

    columns, expressions, params = [], [], dict(params)
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        columns.append(column)
        if column in values:
            expressions.append(values[column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        elif field.default is not NOT_PROVIDED or field.null or field.blank:
            params[f"default_{column}"] = None if field.null and field.default is NOT_PROVIDED else field.get_default()
            expressions.append(f"%(default_{column})s")
        else:
            raise RuntimeError(f"{model.__name__}.{field.name} is required and the bench gives it no value")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}",
        params,
    )
    return cursor.rowcount


def _drop_bench_rows(cursor) -> None:
    cursor.execute(
        "TRUNCATE billing_invoiceline, billing_paymentnotice, billing_invoice, performance_partnerrollupspan, "
        "performance_partnermonthlyrollup, performance_monthlyturnover, performance_client, "
        "performance_partnertreepath, performance_partnerperiodtotals, performance_partnerperiodtotalsbuilt, "
        "performance_partnerrankednetwork, performance_partnerrankednetworkbuilt RESTART IDENTITY CASCADE"
    )
    bench = "SELECT id FROM organizations_company WHERE registration_number LIKE %s"
    cursor.execute(f"DELETE FROM organizations_membership WHERE company_id IN ({bench})", [f"{PREFIX}%"])  # noqa: S608
    cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bench-%%@bench.example'")
    pattern = [f"{PREFIX}%"]
    cursor.execute("UPDATE organizations_company SET parent_id = NULL WHERE registration_number LIKE %s", pattern)
    cursor.execute("DELETE FROM organizations_company WHERE registration_number LIKE %s", pattern)


def _companies(cursor, name: str, count: int) -> int:
    """`count` companies named `name`-1 … -count with consecutive ids; returns the first id."""
    from partner_area.companies.models import Company

    insert_select(
        cursor,
        Company,
        {
            "legal_name": f"'Bench {name} partner ' || n || ' SIA'",
            "registration_number": f"'{PREFIX}{name}-' || n",
            "address": "'Brīvības iela 1'",
            "city": "'Rīga'",
            "postal_code": "'LV-1010'",
            "phone": "'+371 20000000'",
            "email": f"'bench-{name.lower()}-' || n || '@bench.example'",
            "status": "'active'",
            "approved_at": "now()",
        },
        "generate_series(1, %(count)s) AS n ORDER BY n",
        {"count": count},
    )
    cursor.execute(
        "SELECT min(id), max(id) FROM organizations_company WHERE registration_number LIKE %s", [f"{PREFIX}{name}-%"]
    )
    first, last = cursor.fetchone()
    assert last - first + 1 == count, "expected consecutive ids"
    return first


def _network(cursor, size: int) -> int:
    """An irregular tree of `size` companies: company n hangs below one picked among 1 … n-1 with a strong bias
    to the early ones (u² of a hash), so fan-out ranges from dozens to none and depth from 1 to about 10.
    Each company gets 0 to 7 clients (one in ten none), each billing in one of three currencies (60 % EUR,
    30 % USD, 10 % GBP) for the last 6 to 24 months. Returns the root's id."""
    from partner_area.performance.models import Client, MonthlyTurnover

    first = _companies(cursor, str(size), size)
    cursor.execute(
        f"""
        UPDATE organizations_company SET parent_id = %(first)s + floor((n - 1) * power({_hash("n", 17)}, 2))::int
        FROM (SELECT id, id - %(first)s + 1 AS n FROM organizations_company
              WHERE id BETWEEN %(first)s AND %(last)s) numbered
        WHERE organizations_company.id = numbered.id AND numbered.n > 1
        """,  # noqa: S608
        {"first": first, "last": first + size - 1},
    )
    insert_select(
        cursor,
        Client,
        {
            "company_id": "c.id",
            "erp_id": f"'bench-{size}-client-' || c.id || '-' || k",
            "name": "'Bench client ' || c.id || '-' || k || ' SIA'",
            "created": f"DATE '2023-01-01' + floor({_hash('c.id * 8 + k', 5)} * 900)::int",
        },
        f"""organizations_company c
            CROSS JOIN LATERAL generate_series(1, CASE WHEN c.id %% 10 = 3 THEN 0
                                                       ELSE 1 + floor({_hash("c.id", 3)} * 7)::int END) AS k
            WHERE c.id BETWEEN %(first)s AND %(last)s""",
        {"first": first, "last": first + size - 1},
    )
    insert_select(
        cursor,
        MonthlyTurnover,
        {
            "company_id": "cl.company_id",
            "client_id": "cl.id",
            "month": "(date_trunc('month', now()) - make_interval(months => m))::date",
            "currency": f"CASE WHEN {_hash('cl.id', 11)} < 0.6 THEN 'EUR' "
            f"WHEN {_hash('cl.id', 11)} < 0.9 THEN 'USD' ELSE 'GBP' END",
            "amount": f"round((50 + {_hash('cl.id * 31 + m', 7)} * 4950)::numeric, 2)",
        },
        f"""performance_client cl
            CROSS JOIN LATERAL generate_series(0, {MONTHS - 1} - floor({_hash("cl.id", 13)} * 18)::int) AS m
            WHERE cl.company_id BETWEEN %(first)s AND %(last)s""",
        {"first": first, "last": first + size - 1},
    )
    _invoices(cursor, first, ROOT_INVOICES)
    return first


def _invoices(cursor, company_id: int, count: int) -> None:
    """`count` invoices of one company over two years: posted (some overdue, some part paid), paid, cancelled
    and a few drafts the partner never sees; in EUR, USD and GBP."""
    from partner_area.billing.models import Invoice

    insert_select(
        cursor,
        Invoice,
        {
            "company_id": "%(company)s",
            "erp_id": "'bench-invoice-' || %(company)s || '-' || n",
            "number": "'INV-' || %(company)s || '-' || lpad(n::text, 6, '0')",
            "invoice_date": "current_date - ((n * 37) %% 730)::int",
            "due_date": "current_date - ((n * 37) %% 730)::int + 30",
            "currency": "CASE WHEN n %% 10 = 0 THEN 'USD' WHEN n %% 10 = 1 THEN 'GBP' ELSE 'EUR' END",
            "total": "round((100 + (n * 7907) %% 9900)::numeric, 2)",
            "balance": "CASE WHEN n %% 20 = 0 OR n %% 25 = 0 OR n %% 3 = 0 THEN 0 "
            "ELSE round(round((100 + (n * 7907) %% 9900)::numeric, 2) * ((n %% 3) / 2.0), 2) END",
            "erp_state": "CASE WHEN n %% 20 = 0 THEN 'cancelled' WHEN n %% 25 = 0 THEN 'draft' "
            "WHEN n %% 3 = 0 THEN 'paid' ELSE 'posted' END",
            "erp_changed_at": "now()",
        },
        "generate_series(1, %(count)s) AS n",
        {"company": company_id, "count": count},
    )


def generate() -> None:
    """Fill the tables with set-based SQL (INSERT … SELECT over generate_series), then build the closure table
    and the roll-ups the way the portal does after a bulk load."""
    from django.db import connection, transaction

    from partner_area.performance.rollups import rollup_rebuild
    from partner_area.performance.tree import partner_tree_rebuild

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_bench_rows(cursor)
        for size in SIZES:
            _network(cursor, size)
        for count in INVOICE_COUNTS:
            _invoices(cursor, _companies(cursor, f"INV{count}", 1), count)
        cursor.execute("SELECT count(*) FROM performance_client")
        clients = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM performance_monthlyturnover")
        turnover = cursor.fetchone()[0]
    print(f"Generated {sum(SIZES):,} partners in {len(SIZES)} networks, {clients:,} clients, {turnover:,} turnover "
          f"rows, invoices: {time.perf_counter() - started:.1f} s")  # fmt: skip
    step = time.perf_counter()
    paths = partner_tree_rebuild()
    print(f"  closure table ({paths:,} paths): {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    rollup_rebuild()
    print(f"  roll-ups: {time.perf_counter() - step:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # also sets the visibility map, so index-only scans need no heap
    print(f"Data generated in {time.perf_counter() - started:.1f} s")


def _admin(company, key: str):
    from django.utils import timezone

    from partner_area.accounts.models import User
    from partner_area.companies.models import Membership, Role

    user, _ = User.objects.get_or_create(
        email=f"bench-{key}@bench.example", defaults={"email_confirmed_at": timezone.now()}
    )
    Membership.unscoped.get_or_create(user=user, defaults={"company": company, "role": Role.ADMIN})
    return user


def subjects() -> dict:
    """Per network size: the root, the level-2 partner with the largest subtree and the leaf with the most
    clients; and the two invoice companies. Each with an org admin."""
    from django.db.models import Count, Q

    from partner_area.companies.models import Company
    from partner_area.performance.models import PartnerTreePath

    picks = {}
    for size in SIZES:
        root = Company.objects.get(registration_number=f"{PREFIX}{size}-1")
        level_2 = PartnerTreePath.objects.filter(ancestor=root, depth=2).values("descendant_id")
        mid = (
            Company.objects.filter(pk__in=level_2)
            .annotate(below=Count("descendant_paths"))
            .order_by("-below", "pk")
            .first()
        )
        leaf = (
            Company.objects.filter(ancestor_paths__ancestor=root)
            .annotate(
                children=Count("descendant_paths", filter=Q(descendant_paths__depth=1), distinct=True),
                client_count=Count("clients", distinct=True),
            )
            .filter(children=0)
            .order_by("-client_count", "pk")
            .first()
        )
        for key, company in (("root", root), ("mid", mid), ("leaf", leaf)):
            below = PartnerTreePath.objects.filter(ancestor=company, depth__gte=1).count()
            picks[(size, key)] = (company, _admin(company, f"{key}-{size}"), below)
    for count in INVOICE_COUNTS:
        company = Company.objects.get(registration_number=f"{PREFIX}INV{count}-1")
        picks[(count, "invoices")] = (company, _admin(company, f"invoices-{count}"), 0)
    return picks


def _percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from partner_area.performance.forms import PeriodForm
    from partner_area.performance.network import sub_partner_page

    picks = subjects()
    cases = []  # (key, client, url)
    for (size, key), (_company, user, _below) in picks.items():
        client = Client()
        client.force_login(user)
        url = "/en/partner/invoices/" if key == "invoices" else "/en/partner/dashboard/"
        response = client.get(url)  # warm up; also checks the page answers
        assert response.status_code == 200, (size, key, response.status_code)
        cases.append(((size, key), client, url))
    from partner_area.performance.ranked_catch_up import ranked_tables_catch_up_stale

    # The writes' catch-ups (ranked_catch_up.py) done, as a worker would have done them: the root reads its table.
    print(f"  ranked tables caught up before measuring: {ranked_tables_catch_up_stale()} partners")
    with connection.cursor() as cursor:
        # What autovacuum does between two ERP runs: the warm-up built the period's totals and ranked tables.
        cursor.execute(
            "ANALYZE performance_partnerperiodtotals, performance_partnerperiodtotalsbuilt, "
            "performance_partnerrankednetwork, performance_partnerrankednetworkbuilt"
        )
    timings: dict = {case[0]: [] for case in cases}
    table: dict = {size: [] for size in SIZES}
    period = PeriodForm({}).resolve_period(today=timezone.localdate())
    for _ in range(repeat):  # interleaved: every round asks every URL once
        for case_key, client, url in cases:
            started = time.perf_counter()
            client.get(url)
            timings[case_key].append((time.perf_counter() - started) * 1000)
        for size in SIZES:
            started = time.perf_counter()
            sub_partner_page(company=picks[(size, "root")][0], period=period)
            table[size].append((time.perf_counter() - started) * 1000)
    queries = {}
    for case_key, client, url in cases:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[case_key] = len(captured)

    def p50(key):
        return statistics.median(timings[key])

    def p95(key):
        return _percentile(timings[key], 0.95)

    print(f"\nDashboard, last 12 months (ms; {repeat} requests each, interleaved):")
    print(f"{'partners':>9} {'subject':<6} {'below':>7} {'p50':>8} {'p95':>8} {'queries':>8}")
    for size in SIZES:
        for key in ("root", "mid", "leaf"):
            below = picks[(size, key)][2]
            print(f"{size:>9,} {key:<6} {below:>7,} {p50((size, key)):8.1f} {p95((size, key)):8.1f} "
                  f"{queries[(size, key)]:>8}")  # fmt: skip
    print(f"\n{'partners':>9} {'root/leaf p50':>14} {'root/leaf p95':>14} {'sub-partner query p50':>22}")
    for size in SIZES:
        root, leaf = (size, "root"), (size, "leaf")
        print(f"{size:>9,} {p50(root) / p50(leaf):14.2f} {p95(root) / p95(leaf):14.2f} "
              f"{statistics.median(table[size]):19.1f} ms")  # fmt: skip
    growth = p95((SIZES[-1], "root")) / p95((SIZES[0], "root"))
    print(f"root p95 growth {SIZES[0]:,} → {SIZES[-1]:,} partners: {growth:.2f}×")
    print(f"\nInvoice list, first page, no filters (ms; {repeat} requests each):")
    print(f"{'invoices':>9} {'p50':>8} {'p95':>8} {'queries':>8}")
    for count in INVOICE_COUNTS:
        key = (count, "invoices")
        print(f"{count:>9,} {p50(key):8.1f} {p95(key):8.1f} {queries[key]:>8}")
    small, large = (INVOICE_COUNTS[0], "invoices"), (INVOICE_COUNTS[-1], "invoices")
    print(f"ratio {INVOICE_COUNTS[-1]:,}/{INVOICE_COUNTS[0]:,}: p50 {p50(large) / p50(small):.2f}, "
          f"p95 {p95(large) / p95(small):.2f}")  # fmt: skip
    print("\nServer-side times: in-process test client, one process, no network.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per URL (default 30)")
    parser.add_argument("--keep", action="store_true", help="measure the data already generated")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.keep:
        generate()
    run(args.repeat)


if __name__ == "__main__":
    main()
