"""Benchmark the dashboard and the invoice list on a large partner network. Prints figures; asserts nothing.

Generates, in its own PostgreSQL database, 10,000 companies in a 5-level tree (1 → 9 → 90 → 900 → 9,000),
200,000 clients with 24 months of turnover each (4.8 million rows, a tenth in USD) and 1,000,000 invoices,
builds the closure table and the monthly roll-ups, then measures the server-side time of whole requests
(Django's test client, in-process: middleware, queries and template rendering, no network) for a top-level
partner (whole tree below it), a mid-level partner and a leaf, and of the invoice list with and without filters:
median and p95 over repeated requests, and queries per request.

    .venv/bin/python bench/dashboard.py                 # full size (several minutes to generate)
    .venv/bin/python bench/dashboard.py --scale 0.1     # a tenth of everything
    .venv/bin/python bench/dashboard.py --keep          # measure again on the data already generated

BENCH_DATABASE_URL picks the database (default …/brello_bench_dashboard, its own: other benches use theirs); it is
created when missing and its tables are dropped and refilled unless --keep is given."""

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

LEVELS = [1, 9, 90, 900, 9000]  # companies per level at scale 1: 10,000 in five levels
CLIENTS, MONTHS, INVOICES = 200_000, 24, 1_000_000
BENCH_PREFIX = "BENCH"


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def level_sizes(scale: float) -> list[int]:
    return [1] + [max(1, round(size * scale)) for size in LEVELS[1:]]


def generate(scale: float) -> None:
    """Fill the tables with set-based SQL (generate_series); a full-size run takes minutes, not hours."""
    from django.db import connection

    from partner_area.performance.rollups import rollup_rebuild
    from partner_area.performance.tree import partner_tree_rebuild

    sizes = level_sizes(scale)
    clients, invoices = max(10, round(CLIENTS * scale)), max(10, round(INVOICES * scale))
    print(f"Generating: {sum(sizes):,} companies {sizes}, {clients:,} clients, {clients * MONTHS:,} turnover rows, "
          f"{invoices:,} invoices")  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM organizations_company WHERE registration_number LIKE %s), "
            "(SELECT count(*) FROM performance_monthlyturnover), (SELECT count(*) FROM billing_invoice)",
            [f"{BENCH_PREFIX}%"],
        )
        have_companies, have_turnover, have_invoices = cursor.fetchone()
    network_ready = have_companies == sum(sizes) and have_turnover == clients * MONTHS
    if not network_ready:
        _generate_network(sizes, clients)
    print(f"  companies, clients and turnover {time.perf_counter() - started:6.1f} s")
    if not (network_ready and have_invoices == invoices):
        _generate_invoices(invoices)
    print(f"  invoices {time.perf_counter() - started:6.1f} s")
    partner_tree_rebuild()
    print(f"  closure table {time.perf_counter() - started:6.1f} s")
    rollup_rebuild()
    print(f"  roll-ups {time.perf_counter() - started:6.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # also sets the visibility map, so index-only scans need no heap
    print(f"Generated in {time.perf_counter() - started:.1f} s")


def _bench_companies() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM organizations_company WHERE registration_number LIKE %s", [f"{BENCH_PREFIX}%"]
        )
        return cursor.fetchone()


def _generate_network(sizes: list[int], clients: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE billing_invoiceline, billing_invoice, performance_partnermonthlyrollup, "
            "performance_monthlyturnover, performance_client, performance_partnertreepath RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "DELETE FROM organizations_membership WHERE company_id IN "
            "(SELECT id FROM organizations_company WHERE registration_number LIKE %s)",
            [f"{BENCH_PREFIX}%"],
        )
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bench-%%@bench.example'")
        cursor.execute("DELETE FROM organizations_company WHERE registration_number LIKE %s", [f"{BENCH_PREFIX}%"])
        # Companies level by level; each one's parent is spread evenly over the level above.
        previous_first, previous_count, first_id = None, 0, None
        for level, count in enumerate(sizes):
            cursor.execute(
                """
                INSERT INTO organizations_company (legal_name, registration_number, vat_number, country, address,
                    city, postal_code, phone, email, website, status, status_reason, tier, parent_id, terms_version,
                    erp_id, zendesk_organization_id, created_at, updated_at, approved_at)
                SELECT 'Bench L' || %(level)s || ' partner ' || n || ' SIA', %(prefix)s || '-' || %(level)s || '-' || n,
                       '', 'LV', 'Brīvības iela 1', 'Rīga', 'LV-1010', '+371 20000000',
                       'bench' || %(level)s || '-' || n || '@bench.example', '', 'active', '', 'standard',
                       CASE WHEN %(parent_first)s::bigint IS NULL THEN NULL
                            ELSE %(parent_first)s::bigint + (n - 1) %% %(parent_count)s END,
                       '', '', '', now(), now(), now()
                FROM generate_series(1, %(count)s) AS n
                RETURNING id
                """,
                {"level": level, "prefix": BENCH_PREFIX, "count": count, "parent_first": previous_first,
                 "parent_count": max(1, previous_count)},
            )  # fmt: skip
            ids = sorted(row[0] for row in cursor.fetchall())
            assert ids == list(range(ids[0], ids[0] + count)), "expected consecutive ids"
            if level == 0:
                first_id = ids[0]
            previous_first, previous_count = ids[0], count
        last_id = previous_first + previous_count - 1
        cursor.execute(
            """
            INSERT INTO performance_client (company_id, erp_id, name, created)
            SELECT %(first)s + (n - 1) %% %(companies)s, 'bench-client-' || n, 'Bench client ' || n || ' SIA',
                   DATE '2023-01-01' + (n %% 900)
            FROM generate_series(1, %(clients)s) AS n
            """,
            {"first": first_id, "companies": last_id - first_id + 1, "clients": clients},
        )
        cursor.execute(
            """
            INSERT INTO performance_monthlyturnover (company_id, client_id, month, currency, amount)
            SELECT c.company_id, c.id,
                   (date_trunc('month', now()) - make_interval(months => m))::date,
                   CASE WHEN c.id %% 10 = 0 THEN 'USD' ELSE 'EUR' END,
                   round((200 + (c.id * 7919 + m * 104729) %% 4800)::numeric * (1 + (23 - m) * 0.01), 2)
            FROM performance_client c CROSS JOIN generate_series(0, %(months)s - 1) AS m
            """,
            {"months": MONTHS},
        )


def _generate_invoices(invoices: int) -> None:
    from django.db import connection

    first_id, last_id = _bench_companies()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_invoiceline, billing_invoice RESTART IDENTITY CASCADE")
        cursor.execute(
            """
            INSERT INTO billing_invoice (company_id, erp_id, number, invoice_date, due_date, currency, total, balance,
                                         erp_state, erp_changed_at, synced_at)
            SELECT company_id, 'bench-invoice-' || n, 'INV-' || lpad(n::text, 8, '0'), issued, issued + 30,
                   CASE WHEN n %% 10 = 0 THEN 'USD' ELSE 'EUR' END, total,
                   CASE WHEN state = 'posted' THEN round(total * ((n %% 3) / 2.0), 2) ELSE 0 END, state, now(), now()
            FROM (
                SELECT n, %(first)s + (n - 1) %% %(companies)s AS company_id,
                       (current_date - ((n * 37) %% 730)::int) AS issued,
                       round((100 + (n * 7907) %% 9900)::numeric, 2) AS total,
                       CASE WHEN n %% 20 = 0 THEN 'cancelled' WHEN n %% 25 = 0 THEN 'draft'
                            WHEN n %% 3 = 0 THEN 'paid' ELSE 'posted' END AS state
                FROM generate_series(1::bigint, %(invoices)s) AS n
            ) generated
            """,
            {"first": first_id, "companies": last_id - first_id + 1, "invoices": invoices},
        )


def subjects() -> dict[str, object]:
    """The top-level partner, a level-2 partner and a leaf (level 4), each with an org admin."""
    from django.utils import timezone

    from partner_area.accounts.models import User
    from partner_area.companies.models import Company, Membership, Role

    picks = {
        "root": Company.objects.get(registration_number=f"{BENCH_PREFIX}-0-1"),
        "mid": Company.objects.get(registration_number=f"{BENCH_PREFIX}-2-1"),
        "leaf": Company.objects.filter(registration_number__startswith=f"{BENCH_PREFIX}-4-").order_by("id").first(),
    }
    users = {}
    for key, company in picks.items():
        user, _ = User.objects.get_or_create(
            email=f"bench-{key}@bench.example", defaults={"email_confirmed_at": timezone.now()}
        )
        Membership.unscoped.get_or_create(user=user, defaults={"company": company, "role": Role.ADMIN})
        users[key] = user
    return users


def measure(client, url: str, repeat: int) -> tuple[float, float, float, int]:
    """(first request ms, median ms, p95 ms, queries per request) of GET url."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    started = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return first, statistics.median(timings), p95, len(queries)


def run(repeat: int) -> None:
    from django.db.models import Count
    from django.test import Client

    from partner_area.performance.models import PartnerTreePath

    users = subjects()
    print()
    print(f"{'request':<58} {'first':>8} {'median':>8} {'p95':>8} {'queries':>8}")
    for key in ("root", "mid", "leaf"):
        client = Client()
        client.force_login(users[key])
        company = users[key].membership.company
        below = PartnerTreePath.objects.filter(ancestor=company, depth__gte=1).aggregate(n=Count("pk"))["n"]
        cases = [(f"dashboard, last 12 months ({key}, {below:,} below)", "/en/partner/dashboard/")]
        if key == "root":
            cases += [
                ("baseline: partner home page, no figures (root)", "/en/partner/"),
                ("dashboard, this month (root)", "/en/partner/dashboard/?period=this_month"),
                ("dashboard, year to date, by change (root)", "/en/partner/dashboard/?period=year_to_date&sort=-change"),  # noqa: E501
                ("dashboard, htmx partial (root)", "/en/partner/dashboard/?period=last_month"),
                ("dashboard API (root)", "/api/v1/dashboard"),
                ("invoice list, no filters (root)", "/en/partner/invoices/"),
                ("invoice list, overdue EUR in a year, sorted (root)",
                 "/en/partner/invoices/?status=overdue&currency=EUR&date_from=2025-01-01&date_to=2025-12-31&sort=-balance"),
                ("invoice list, number search, page 2 (root)", "/en/partner/invoices/?number=00&page=2"),
                ("invoices API (root)", "/api/v1/invoices?status=open"),
            ]  # fmt: skip
        for label, url in cases:
            if "htmx" in label:
                client.defaults["HTTP_HX_REQUEST"] = "true"
            first, median, p95, queries = measure(client, url, repeat)
            client.defaults.pop("HTTP_HX_REQUEST", None)
            print(f"{label:<58} {first:7.1f}  {median:7.1f}  {p95:7.1f}  {queries:7d}")
    print("\nTimes in ms, server-side (in-process test client, one process); first = first request after start.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1)")
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per URL (default 30)")
    parser.add_argument("--keep", action="store_true", help="measure the data already generated")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.keep:
        generate(args.scale)
    run(args.repeat)


if __name__ == "__main__":
    main()
