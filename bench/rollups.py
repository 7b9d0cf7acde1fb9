"""Benchmark the turnover roll-ups: what one change costs as the partner network grows. Prints figures; asserts
nothing.

Generates, in its own PostgreSQL database, three irregular partner trees of 100, 1,000 and 10,000 partners (random
fan-out and depth, three currencies, clients with gaps in their months; bulk inserts, then the closure table and a
full roll-up rebuild), then times, interleaved over the sizes and repeated, through the services the ERP sync and
the staff admin use:
- one client-month of a leaf (`turnover_import` of one row),
- a page of 500 client-months across the network (`turnover_import`, as one ERP page),
- a client changing partner (`clients_import` of one client with its two years of turnover),
- a sub-partner moving to another upline (`Company.save()` with a new parent),
each the incremental way and the old way (the same write, then `rollup_refresh` of every partner the old services
refreshed), with the growth from 100 to 10,000 partners. Before the changes, the dashboards of the large partners
are read in two periods the changes fall in, so every write also keeps the period totals and their ranked
sub-partner tables in step (network_tables.py): the write marks those tables stale, and the catch-up that brings
them up to date after the commit (ranked_catch_up.py, a Celery task) is timed apart. Ends by checking all these
tables against a full rebuild.

    .venv/bin/python bench/rollups.py                  # about 3 minutes on a busy 2-core machine
    .venv/bin/python bench/rollups.py --keep --seed 17 # measure again on the data already generated (a new seed:
                                                       # the same one writes the same values again, nothing changes)
    .venv/bin/python bench/rollups.py --repeat 9

BENCH_DATABASE_URL picks the database (default …/brello_bench_rollups, its own: other benches use theirs); it is
created when missing."""

import argparse
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager, nullcontext
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/brello_bench_rollups"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")  # DEBUG off, as in production
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)

SIZES = (100, 1_000, 10_000)
MONTHS = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(24)]  # 2023-01 … 2024-12
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "USD", "GBP")  # most clients bill in euros
PREFIX = "RBENCH"  # registration numbers RBENCH<size>N<n>, already as Company.save() normalises them
OPERATIONS = ("one client-month of a leaf", "a page of 500 client-months", "a client changing partner",
              "a sub-partner changing upline")  # fmt: skip


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _irregular_parents(size: int, rng: random.Random) -> list[int | None]:
    """Parent index per partner: early partners gather more sub-partners, some chains run deep."""
    parents: list[int | None] = [None]
    for index in range(1, size):
        if rng.random() < 0.25:  # a deep chain: below one of the last few
            parents.append(rng.randrange(max(0, index - 5), index))
        else:
            parents.append(int(index * rng.random() ** 2))
    return parents


def generate() -> None:
    """Fill the tables with bulk inserts (COPY for turnover) and rebuild closure table and roll-ups once."""
    from django.db import connection

    from partner_area.performance.rollups import rollup_rebuild
    from partner_area.performance.tree import partner_tree_rebuild

    started = time.perf_counter()
    rng = random.Random(360)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE performance_partnermonthlyrollup, performance_partnerrollupspan, performance_monthlyturnover, "
            "performance_client, performance_partnertreepath, performance_partnerperiodtotals, "
            "performance_partnerperiodtotalsbuilt, performance_partnerrankednetwork, "
            "performance_partnerrankednetworkbuilt RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM organizations_company WHERE registration_number LIKE %s", [f"{PREFIX}%"])
        turnover_rows = 0
        for size in SIZES:
            cursor.execute(
                """
                INSERT INTO organizations_company (legal_name, registration_number, vat_number, country, address,
                    city, postal_code, phone, email, website, status, status_reason, tier, terms_version,
                    erp_id, zendesk_organization_id, created_at, updated_at, approved_at)
                SELECT 'Rollup bench ' || %(size)s || ' partner ' || n || ' SIA',
                       %(prefix)s || %(size)s || 'N' || n,
                       '', 'LV', 'Brīvības iela 1', 'Rīga', 'LV-1010', '+371 20000000',
                       'rbench' || %(size)s || '-' || n || '@bench.example', '', 'active', '', 'standard', '', '', '',
                       now(), now(), now()
                FROM generate_series(1, %(size)s) AS n ORDER BY n
                RETURNING id
                """,
                {"size": size, "prefix": PREFIX},
            )  # fmt: skip
            ids = sorted(row[0] for row in cursor.fetchall())
            parents = _irregular_parents(size, rng)
            cursor.execute(
                "UPDATE organizations_company c SET parent_id = v.parent_id "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, parent_id) WHERE c.id = v.id",
                [ids[1:], [ids[parent] for parent in parents[1:]]],
            )
            clients = []
            for company_id in ids:
                for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 6))):
                    clients.append(company_id)
            cursor.execute(
                "INSERT INTO performance_client (company_id, erp_id, name, created) "
                "SELECT company_id, %s || '-' || n, 'Bench client ' || n, DATE '2022-06-01' "
                "FROM unnest(%s::bigint[]) WITH ORDINALITY AS v(company_id, n) RETURNING id, company_id",
                [f"rbench-{size}", clients],
            )
            created = cursor.fetchall()
            with cursor.cursor.copy(
                "COPY performance_monthlyturnover (company_id, client_id, month, currency, amount) FROM STDIN"
            ) as copy:
                for client_id, company_id in created:
                    currencies = {rng.choice(CURRENCIES)} | ({rng.choice(CURRENCIES)} if rng.random() < 0.15 else set())
                    first = rng.randrange(len(MONTHS))
                    for month in MONTHS[first:]:
                        for currency in currencies:
                            if rng.random() < 0.15:  # a month without an invoice
                                continue
                            copy.write_row(
                                (company_id, client_id, month, currency, Decimal(rng.randint(100, 900_000)) / 100)
                            )
                            turnover_rows += 1
        print(f"  companies, clients and {turnover_rows:,} turnover rows {time.perf_counter() - started:6.1f} s")
    partner_tree_rebuild()
    print(f"  closure table {time.perf_counter() - started:6.1f} s")
    rollup_rebuild()
    print(f"  roll-ups (full rebuild) {time.perf_counter() - started:6.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Generated in {time.perf_counter() - started:.1f} s")


class Network:
    """One of the generated trees, as the benchmark's operations need it."""

    def __init__(self, size: int):
        from partner_area.companies.models import Company
        from partner_area.performance.models import Client

        self.size = size
        self.company_ids = list(
            Company.objects.filter(registration_number__startswith=f"{PREFIX}{size}N").values_list("id", flat=True)
        )
        # unscoped: the benchmark's own clients
        self.clients = list(Client.unscoped.filter(company_id__in=self.company_ids))

    def parents(self) -> dict[int, int | None]:
        from partner_area.companies.models import Company

        return dict(Company.objects.filter(id__in=self.company_ids).values_list("id", "parent_id"))

    def depth_of(self) -> dict[int, int]:
        from partner_area.performance.models import PartnerTreePath

        rows = PartnerTreePath.objects.filter(descendant_id__in=self.company_ids, depth__gte=1)
        depth: dict[int, int] = dict.fromkeys(self.company_ids, 0)
        for descendant_id, level in rows.values_list("descendant_id", "depth"):
            depth[descendant_id] = max(depth[descendant_id], level)
        return depth


def _uplines(company_ids) -> set[int]:
    from partner_area.performance.models import PartnerTreePath

    return set(PartnerTreePath.objects.filter(descendant_id__in=company_ids).values_list("ancestor_id", flat=True))


@contextmanager
def old_way():
    """The services' writes without the incremental roll-up steps; the caller then refreshes as the old code did."""
    from partner_area.performance import services, tree

    saved = services.rollup_turnover_changed, tree.rollup_subtree_moving
    services.rollup_turnover_changed = lambda **kwargs: None
    tree.rollup_subtree_moving = lambda **kwargs: nullcontext()
    try:
        yield
    finally:
        services.rollup_turnover_changed, tree.rollup_subtree_moving = saved


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def one_leaf_month(network: Network, rng: random.Random, old: bool) -> float:
    from partner_area.performance.rollups import rollup_refresh
    from partner_area.performance.services import TurnoverRow, turnover_import

    depth = network.depth_of()
    deepest = max(depth[client.company_id] for client in network.clients)
    leaf_clients = [client for client in network.clients if depth[client.company_id] >= deepest - 1]
    client = rng.choice(leaf_clients)
    row = TurnoverRow(client, rng.choice(MONTHS[-6:]), "EUR", Decimal(rng.randint(100, 900_000)) / 100)
    if not old:
        return _timed(lambda: turnover_import(rows=[row]))

    def old_import():
        with old_way():
            turnover_import(rows=[row])
        rollup_refresh(company_ids=_uplines([client.company_id]), months={row.month})

    return _timed(old_import)


def page_of_500(network: Network, rng: random.Random, old: bool) -> float:
    from partner_area.performance.rollups import rollup_refresh
    from partner_area.performance.services import TurnoverRow, turnover_import

    rows = {}
    while len(rows) < 500:  # recent months mostly, as the ERP reports them; some are new client-months
        client, month = rng.choice(network.clients), rng.choice(MONTHS[-4:])
        currency = rng.choice(CURRENCIES)
        rows[(client.pk, month, currency)] = TurnoverRow(
            client, month, currency, Decimal(rng.randint(0, 900_000)) / 100
        )
    if not old:
        REACH.setdefault(network.size, []).append(_reach(rows.values()))
        return _timed(lambda: turnover_import(rows=rows.values()))

    def old_import():
        with old_way():
            turnover_import(rows=rows.values())
        partners = {row.client.company_id for row in rows.values()}
        rollup_refresh(company_ids=_uplines(partners), months={row.month for row in rows.values()})

    return _timed(old_import)


def client_moves(network: Network, rng: random.Random, old: bool) -> float:
    from partner_area.performance.rollups import rollup_refresh
    from partner_area.performance.services import ClientRow, clients_import

    client = rng.choice(network.clients)
    previous, new = client.company_id, rng.choice([id_ for id_ in network.company_ids if id_ != client.company_id])
    row = ClientRow(new, client.erp_id, client.name, client.created)
    client.company_id = new
    if not old:
        return _timed(lambda: clients_import(rows=[row]))

    def old_import():
        with old_way():
            clients_import(rows=[row])
        rollup_refresh(company_ids=_uplines([previous, new]))

    return _timed(old_import)


def upline_changes(network: Network, rng: random.Random, old: bool) -> float:
    from partner_area.companies.models import Company
    from partner_area.performance.models import PartnerTreePath
    from partner_area.performance.rollups import rollup_refresh

    parents = network.parents()
    with_network = set(parents.values()) - {None}
    moving = Company.objects.get(pk=rng.choice([id_ for id_ in with_network if parents[id_] is not None]))
    below = set(PartnerTreePath.objects.filter(ancestor=moving).values_list("descendant_id", flat=True))
    moving.parent_id = rng.choice([id_ for id_ in network.company_ids if id_ not in below])
    if not old:
        return _timed(moving.save)

    def old_move():
        from django.db import connection

        from partner_area.performance.network_tables import network_tables_follow

        before = _uplines([moving.pk]) - {moving.pk}
        with old_way():
            moving.save()
        rollup_refresh(company_ids=before | _uplines([moving.pk]) - {moving.pk})
        with connection.cursor() as cursor:  # the moved partners' rows in the ranked tables, as any way must
            network_tables_follow(cursor, sorted(below))

    return _timed(old_move)


def _reach(rows) -> int:
    """How many roll-up rows (upline, month, currency) a page of turnover reaches: the size of the change."""
    from partner_area.performance.models import PartnerTreePath

    keys = {(row.client.company_id, row.month, row.currency) for row in rows}
    paths = PartnerTreePath.objects.filter(descendant_id__in={key[0] for key in keys}).values_list(
        "descendant_id", "ancestor_id"
    )
    uplines: dict[int, list[int]] = {}
    for descendant_id, ancestor_id in paths:
        uplines.setdefault(descendant_id, []).append(ancestor_id)
    return len({(ancestor, month, currency) for company, month, currency in keys for ancestor in uplines[company]})


REACH: dict[int, list[int]] = {}
MEASURES = (one_leaf_month, page_of_500, client_moves, upline_changes)
CATCH_UPS: set[int] = set()  # partners whose catch-up a write queued, run after the write's timing


@contextmanager
def catch_ups_collected():
    """The writes' catch-ups (ranked_catch_up.py) collected instead of queued: Celery runs eagerly here, and the
    page's cost is the write's alone; `catch_up_timed` then times them as a worker would run them."""
    from partner_area.performance import network_tables

    saved = network_tables._catch_ups_queue
    network_tables._catch_ups_queue = CATCH_UPS.update
    try:
        yield
    finally:
        network_tables._catch_ups_queue = saved


def catch_up_timed() -> float:
    from partner_area.performance.ranked_catch_up import ranked_table_catch_up

    started = time.perf_counter()
    for ancestor_id in sorted(CATCH_UPS):
        assert ranked_table_catch_up(ancestor_id=ancestor_id)
    CATCH_UPS.clear()
    return time.perf_counter() - started


def _checksum(cursor) -> str:
    cursor.execute(
        "SELECT md5(string_agg(concat_ws(',', company_id, month, currency, direct, level_1, level_2, level_3_plus, "
        "cumulative_direct, cumulative_indirect, turnover_rows), ';' ORDER BY company_id, month, currency)) "
        "FROM performance_partnermonthlyrollup"
    )
    rollups = cursor.fetchone()[0]
    cursor.execute(
        "SELECT md5(string_agg(concat_ws(',', company_id, currency, first_month, last_month, cumulative_direct, "
        "cumulative_indirect), ';' ORDER BY company_id, currency)) FROM performance_partnerrollupspan"
    )
    spans = cursor.fetchone()[0]
    cursor.execute(
        "SELECT md5(string_agg(concat_ws(',', company_id, currency, first_month, last_month, direct, indirect, "
        "previous_total, total, change), ';' ORDER BY first_month, last_month, company_id, currency)) "
        "FROM performance_partnerperiodtotals"
    )
    totals = cursor.fetchone()[0]
    cursor.execute(
        "SELECT md5(string_agg(concat_ws(',', ancestor_id, descendant_id, depth, first_month, last_month, "
        "COALESCE(currency, '-'), legal_name, direct, indirect, previous_total, total, COALESCE(change::text, '-')), "
        "';' ORDER BY ancestor_id, first_month, last_month, descendant_id, currency NULLS FIRST)) "
        "FROM performance_partnerrankednetwork"
    )
    return "".join(part or "-" for part in (rollups, spans, totals, cursor.fetchone()[0]))


# The dashboards' periods held while the changes run: the year and the quarter the changes fall in (the worst case
# for the writes: every change moves figures the sub-partner tables show).
HELD_PERIODS = ((date(2024, 1, 1), date(2024, 12, 1)), (date(2024, 10, 1), date(2024, 12, 1)))


def hold_dashboards(networks) -> None:
    """Read the sub-partner table of every partner with at least RANKED_FROM rows below it in both periods, as
    their dashboards would: the periods' totals and those partners' ranked tables are held from then on, and
    every write below keeps them in step."""
    from django.db.models import Count

    from partner_area.companies.models import Company
    from partner_area.performance.models import PartnerRankedNetwork, PartnerTreePath
    from partner_area.performance.network import sub_partner_page
    from partner_area.performance.network_tables import RANKED_FROM
    from partner_area.performance.periods import Period

    started = time.perf_counter()
    for network in networks:
        big = (
            PartnerTreePath.objects.filter(ancestor_id__in=network.company_ids, depth__gte=1)
            .values("ancestor_id").annotate(below=Count("*")).filter(below__gte=RANKED_FROM // 2)
        )  # fmt: skip
        for ancestor_id in [row["ancestor_id"] for row in big]:
            for first, last in HELD_PERIODS:
                sub_partner_page(company=Company.objects.get(pk=ancestor_id), period=Period("custom", first, last))
    held = PartnerRankedNetwork.objects.values("ancestor_id", "first_month").distinct().count()
    print(f"  dashboards held: {len(HELD_PERIODS)} periods, {held} ranked tables, "
          f"{PartnerRankedNetwork.objects.count():,} ranked rows ({time.perf_counter() - started:.1f} s)")  # fmt: skip


def run(repeat: int, seed: int = 16) -> None:
    from django.db import connection

    from partner_area.performance.rollups import rollup_rebuild

    networks = [Network(size) for size in SIZES]
    for network in networks:
        print(f"  {network.size:>6,} partners: {len(network.clients):,} clients, deepest level "
              f"{max(network.depth_of().values())}")  # fmt: skip
    hold_dashboards(networks)
    rng = random.Random(seed)
    times: dict[tuple[str, int, bool], list[float]] = {}
    catch_ups: dict[tuple[str, int, bool], list[float]] = {}
    for _round in range(repeat):
        for network in networks:  # sizes interleaved, so a busy moment of the machine hits all of them alike
            for measure, label in zip(MEASURES, OPERATIONS, strict=True):
                for old in (False, True):
                    with catch_ups_collected():
                        times.setdefault((label, network.size, old), []).append(measure(network, rng, old))
                    catch_ups.setdefault((label, network.size, old), []).append(catch_up_timed())
    sizes = "".join(f"{size:>9,}" for size in SIZES)
    for title, table in (
        ("the write, its ranked tables' catch-up excluded", times),
        ("the catch-up of the ranked tables it left stale (after the commit, a Celery task per partner)", catch_ups),
    ):
        print(f"\nMedian of {repeat}, seconds: {title} (incremental | old: the same write, then rollup_refresh)")
        print(f"{'':<32}{sizes}  {'×10k/100':>9} |{sizes}  {'×10k/100':>9}")
        for label in OPERATIONS:
            line = f"{label:<32}"
            for old in (False, True):
                medians = [statistics.median(table[(label, size, old)]) for size in SIZES]
                # no ranked table below 2,000 sub-partner rows: nothing to catch up, no growth to show
                growth = f"{medians[-1] / medians[0]:9.1f}" if medians[0] >= 0.001 else f"{'-':>9}"
                line += "".join(f"{m:9.3f}" for m in medians) + f"  {growth}" + (" |" if not old else "")
            print(line)
    page = OPERATIONS[1]
    print("\nThe page's size as a change: roll-up rows (upline, month, currency) it reaches, and the cost per 1,000")
    for size in SIZES:
        reach, seconds = statistics.median(REACH[size]), statistics.median(times[(page, size, False)])
        print(f"  {size:>6,} partners: {reach:7,.0f} rows, {1000 * seconds / reach:6.3f} s per 1,000 rows")
    with connection.cursor() as cursor:
        incremental = _checksum(cursor)
        rollup_rebuild()
        print(
            "\nRoll-up, span, period-total and ranked tables after all changes equal a full rebuild: "
            f"{incremental == _checksum(cursor)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="rounds over all sizes and operations (default 5)")
    parser.add_argument("--keep", action="store_true", help="measure the data already generated")
    parser.add_argument("--seed", type=int, default=16, help="the changes' seed (a new one with --keep)")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"Machine: {os.cpu_count()} cores, load {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    if not args.keep:
        generate()
    run(args.repeat, args.seed)


if __name__ == "__main__":
    main()
