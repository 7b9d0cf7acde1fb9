"""Monthly roll-ups per partner: direct turnover and network turnover by level, with running totals and one span
row per partner and currency (see models.py for why).

Kept incrementally, so a change costs what changed and not the size of the network:
- a turnover change is a delta per (partner, month, currency) — amount and number of turnover rows, old values
  against new — added to the rows of the partner and each of its uplines for those months only (the closure
  table's depth says which column: direct, level 1, level 2 or level 3+); a client changing partner is its
  turnover leaving one partner and arriving at another;
- a subtree moving (`Company.parent` changed) takes its contribution along: the moved partner's own rows are its
  subtree's totals, subtracted from the old uplines and added to the new ones with the levels shifted by the
  uplines' distance; deleting a partner is the same without the arrival;
- then, for the (partner, currency) pairs touched only: months at either end left without turnover rows are
  dropped, new months get the zero gap rows that keep the months continuous, running totals are recomputed from
  the earliest touched or new month on (the row before it holds the total so far), and the span rows are rewritten.
Every writer takes `rollup_lock()` first: a delta is only right against what the previous writer left.
The stored figures of the sub-partner table follow in the same transaction (network_tables.py).
`rollup_rebuild` (the `performance_rebuild` command) recomputes everything from stored turnover and is the
reference the incremental path is tested against.

Plain SQL that PostgreSQL and SQLite both run (CTEs over VALUES, INSERT … ON CONFLICT … RETURNING, window
functions, UPDATE … FROM)."""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from .fragments import dashboard_fragments_forget
from .models import MonthlyTurnover, PartnerMonthlyRollup, PartnerRollupSpan, PartnerTreePath
from .network_tables import network_tables_follow, network_tables_forget, network_tables_rebuild
from .periods import add_months

CHUNK = 1000  # ids per statement, well under every database's parameter limit
ROLLUP, SPAN = PartnerMonthlyRollup._meta.db_table, PartnerRollupSpan._meta.db_table
TURNOVER, PATH = MonthlyTurnover._meta.db_table, PartnerTreePath._meta.db_table
LOCK_KEY = 0x524F4C4C5550  # any constant: the advisory lock all roll-up writers share
AMOUNTS = ("direct", "level_1", "level_2", "level_3_plus", "turnover_rows")
Pair = tuple[int, str]  # (partner, currency)


@dataclass(frozen=True)
class TurnoverDelta:
    """How a partner's own turnover in one month and currency changed: the amount and the number of rows."""

    company_id: int
    month: date
    currency: str
    amount: Decimal
    rows: int


def turnover_deltas(*, removed: Iterable[tuple], added: Iterable[tuple]) -> list[TurnoverDelta]:
    """The deltas between stored turnover rows that go and rows that come, each (partner, month, currency, amount)
    or (partner, month, currency, amount, rows) for an aggregate; what cancels out is left out."""
    totals: dict[tuple[int, date, str], list] = defaultdict(lambda: [Decimal(0), 0])
    for sign, rows in ((-1, removed), (1, added)):
        for company_id, month, currency, amount, *count in rows:
            total = totals[(company_id, month, currency)]
            total[0] += sign * Decimal(amount)
            total[1] += sign * (count[0] if count else 1)
    return [TurnoverDelta(*key, amount, count) for key, (amount, count) in totals.items() if amount or count]


def rollup_lock() -> None:
    """Serialise roll-up writers until the end of the caller's transaction (call it before reading old values).
    Every writer of turnover or clients takes it, so it is also where the cached dashboard fragments are dropped."""
    dashboard_fragments_forget()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


# A change reaches a few thousand rows of a table of millions through joins to VALUES lists, whose size the planner
# cannot see: left alone it hashes the whole table (0.4–0.6 s a statement at 10,000 partners instead of 10–60 ms)
# and compiles the plan (JIT). For the roll-up statements only, index nested loops it is.
INDEX_PLANS = {"enable_hashjoin": "off", "enable_mergejoin": "off", "jit": "off"}


@contextmanager
def _index_plans(cursor) -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    names = list(INDEX_PLANS)
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    previous = cursor.fetchone()
    settings_sql = "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names))
    cursor.execute(settings_sql, [v for name in names for v in (name, INDEX_PLANS[name])])
    yield
    # On an error the transaction (or savepoint) rolls back, and these transaction-local settings with it.
    cursor.execute(settings_sql, [v for name, value in zip(names, previous, strict=True) for v in (name, value)])


def _typed(sql_type: str) -> str:
    # A VALUES list has no column types on PostgreSQL; SQLite keeps dates as text and must not cast them.
    return f"CAST(%s AS {sql_type})" if connection.vendor == "postgresql" else "%s"


def _chunks(items: Sequence, params_each: int) -> Iterator[Sequence]:
    size = max(1, min(5000, (connection.features.max_query_params or 60000) // params_each))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _values(row_sql: str, count: int) -> str:
    return ", ".join([f"({row_sql})"] * count)


def _pair_rows(alias: str, condition: str = "") -> str:
    """A join from the `touched` pairs (alias t) to their roll-up rows. On PostgreSQL a LATERAL subquery, kept
    from being flattened into a plain join by OFFSET 0: the planner cannot estimate a join to a VALUES list and
    would scan the whole table (measured: 0.4 s instead of 10 ms for 2,000 pairs at 10,000 partners)."""
    match = f"{alias}.company_id = t.company_id AND {alias}.currency = t.currency {condition}"
    if connection.vendor == "postgresql":
        return f"CROSS JOIN LATERAL (SELECT * FROM {ROLLUP} {alias} WHERE {match} OFFSET 0) {alias}"  # noqa: S608
    return f"JOIN {ROLLUP} {alias} ON {match}"


UPSERT = f"""
    INSERT INTO {ROLLUP} (company_id, month, currency, direct, level_1, level_2, level_3_plus, turnover_rows,
                          cumulative_direct, cumulative_indirect)
    {{select}}
    ON CONFLICT (company_id, month, currency) DO UPDATE SET
        {", ".join(f"{column} = {ROLLUP}.{column} + excluded.{column}" for column in AMOUNTS)}
    RETURNING company_id, currency, month, turnover_rows
"""  # noqa: S608 - table and column names come from model meta and constants, values are parameters


class _Touched:
    """The (partner, currency) pairs an upsert reached, with each month's turnover row count after it."""

    def __init__(self) -> None:
        self.months: dict[Pair, dict[date, int]] = defaultdict(dict)

    def add(self, returned: Iterable[tuple]) -> None:
        for company_id, currency, month, turnover_rows in returned:
            self.months[(company_id, currency)][_a_date(month)] = turnover_rows


def _a_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])  # SQLite returns text


def _propagate(cursor, deltas: Sequence[TurnoverDelta], touched: _Touched) -> None:
    """Add each delta to its partner's row (direct) and its uplines' (by depth) for that month and currency."""
    for chunk in _chunks(deltas, 5):
        row = f"%s, {_typed('date')}, %s, {_typed('numeric')}, %s"
        select = f"""
            SELECT p.ancestor_id, d.month, d.currency,
                   SUM(CASE WHEN p.depth = 0 THEN d.amount ELSE 0 END),
                   SUM(CASE WHEN p.depth = 1 THEN d.amount ELSE 0 END),
                   SUM(CASE WHEN p.depth = 2 THEN d.amount ELSE 0 END),
                   SUM(CASE WHEN p.depth >= 3 THEN d.amount ELSE 0 END),
                   SUM(d.turnover_rows), 0, 0
            FROM delta d JOIN {PATH} p ON p.descendant_id = d.company_id
            WHERE 1 = 1
            GROUP BY p.ancestor_id, d.month, d.currency
        """  # noqa: S608
        params = [value for d in chunk for value in (d.company_id, d.month, d.currency, d.amount, d.rows)]
        cursor.execute(
            f"WITH delta (company_id, month, currency, amount, turnover_rows) AS (VALUES {_values(row, len(chunk))})"
            + UPSERT.format(select=select),
            params,
        )
        touched.add(cursor.fetchall())


def _shift_subtree(cursor, company_id: int, sign: int, touched: _Touched) -> None:
    """Add (sign 1) or subtract (-1) the partner's own rows, its subtree's totals, to its current uplines' rows:
    seen from an upline `depth` above, the subtree's level k is level depth + k (3 and beyond share a column)."""
    select = f"""
        SELECT p.ancestor_id, r.month, r.currency, 0,
               %s * SUM(CASE WHEN p.depth = 1 THEN r.direct ELSE 0 END),
               %s * SUM(CASE WHEN p.depth = 1 THEN r.level_1 WHEN p.depth = 2 THEN r.direct ELSE 0 END),
               %s * SUM(CASE WHEN p.depth = 1 THEN r.level_2 + r.level_3_plus
                             WHEN p.depth = 2 THEN r.level_1 + r.level_2 + r.level_3_plus
                             ELSE r.direct + r.level_1 + r.level_2 + r.level_3_plus END),
               %s * SUM(r.turnover_rows), 0, 0
        FROM {ROLLUP} r JOIN {PATH} p ON p.descendant_id = r.company_id AND p.depth >= 1
        WHERE r.company_id = %s
        GROUP BY p.ancestor_id, r.month, r.currency
    """  # noqa: S608
    cursor.execute(UPSERT.format(select=select), [sign] * 4 + [company_id])
    touched.add(cursor.fetchall())


def _trim(cursor, pairs: Sequence[Pair]) -> None:
    """Drop the rows before the first and after the last month that still has turnover rows behind it."""
    for chunk in _chunks(pairs, 2):
        cursor.execute(
            f"""
            WITH touched (company_id, currency) AS (VALUES {_values("%s, %s", len(chunk))}),
            backed AS (
                SELECT r.company_id, r.currency, MIN(r.month) AS first_month, MAX(r.month) AS last_month
                FROM touched t {_pair_rows("r", "AND r.turnover_rows > 0")}
                GROUP BY r.company_id, r.currency
            )
            DELETE FROM {ROLLUP} WHERE id IN (
                SELECT r.id
                FROM touched t {_pair_rows("r")}
                LEFT JOIN backed b ON b.company_id = r.company_id AND b.currency = r.currency
                WHERE b.company_id IS NULL OR r.month < b.first_month OR r.month > b.last_month
            )
            """,  # noqa: S608
            [value for pair in chunk for value in pair],
        )


def _fill_pair_gaps(pairs: Sequence[Pair]) -> list[PartnerMonthlyRollup]:
    """Zero rows for the months missing between the first and the last month of these pairs; returns them."""
    present: dict[Pair, set[date]] = defaultdict(set)
    for chunk in _chunks(pairs, 2):
        by_company = defaultdict(list)
        for company_id, currency in chunk:
            by_company[currency].append(company_id)
        for currency, company_ids in by_company.items():
            # unscoped: the roll-up rows of the partners a change reached, of every company
            rows = PartnerMonthlyRollup.unscoped.filter(currency=currency, company_id__in=company_ids)
            for company_id, month in rows.values_list("company_id", "month"):
                present[(company_id, currency)].add(month)
    missing = []
    for (company_id, currency), months in present.items():
        month, last = min(months), max(months)
        while month < last:
            month = add_months(month, 1)
            if month not in months:
                missing.append(PartnerMonthlyRollup(company_id=company_id, currency=currency, month=month))
    # unscoped: the gap rows of the pairs read above
    PartnerMonthlyRollup.unscoped.bulk_create(missing, batch_size=2000)
    return missing


def _running_totals(cursor, first_months: dict[Pair, date]) -> None:
    """Recompute the running totals from each pair's first touched month on, starting at the row before it."""
    items = sorted(first_months.items())
    for chunk in _chunks(items, 4):
        row = f"%s, %s, {_typed('date')}, {_typed('date')}"
        params = [
            v for (company_id, currency), month in chunk for v in (company_id, currency, month, add_months(month, -1))
        ]
        cursor.execute(
            f"""
            WITH touched (company_id, currency, first_month, month_before) AS (VALUES {_values(row, len(chunk))})
            UPDATE {ROLLUP} SET cumulative_direct = running.direct_sum, cumulative_indirect = running.indirect_sum
            FROM (
                SELECT r.id,
                       COALESCE(prior.cumulative_direct, 0) + SUM(r.direct) OVER by_month AS direct_sum,
                       COALESCE(prior.cumulative_indirect, 0)
                           + SUM(r.level_1 + r.level_2 + r.level_3_plus) OVER by_month AS indirect_sum
                FROM touched t {_pair_rows("r", "AND r.month >= t.first_month")}
                LEFT JOIN {ROLLUP} prior
                  ON prior.company_id = t.company_id AND prior.currency = t.currency
                 AND prior.month = t.month_before
                WINDOW by_month AS (PARTITION BY r.company_id, r.currency ORDER BY r.month)
            ) running
            WHERE {ROLLUP}.id = running.id
            """,  # noqa: S608
            params,
        )


def _rewrite_spans(cursor, pairs: Sequence[Pair], trimmed: Sequence[Pair]) -> None:
    """The span rows of these pairs again: first and last month, running totals at the last; a trimmed pair may
    have no rows left, and then no span."""
    for chunk in _chunks(trimmed, 2):
        cursor.execute(
            f"""
            WITH touched (company_id, currency) AS (VALUES {_values("%s, %s", len(chunk))})
            DELETE FROM {SPAN} WHERE EXISTS (
                SELECT 1 FROM touched t WHERE t.company_id = {SPAN}.company_id AND t.currency = {SPAN}.currency
            ) AND NOT EXISTS (
                SELECT 1 FROM {ROLLUP} r WHERE r.company_id = {SPAN}.company_id AND r.currency = {SPAN}.currency
            )
            """,  # noqa: S608
            [value for pair in chunk for value in pair],
        )
    for chunk in _chunks(pairs, 2):
        cursor.execute(
            f"""
            WITH touched (company_id, currency) AS (VALUES {_values("%s, %s", len(chunk))}),
            bounds AS (
                -- one index probe at each end per pair (PostgreSQL turns MIN/MAX into ORDER BY … LIMIT 1)
                SELECT t.company_id, t.currency,
                       (SELECT MIN(f.month) FROM {ROLLUP} f
                        WHERE f.company_id = t.company_id AND f.currency = t.currency) AS first_month,
                       (SELECT MAX(l.month) FROM {ROLLUP} l
                        WHERE l.company_id = t.company_id AND l.currency = t.currency) AS last_month
                FROM touched t
            )
            INSERT INTO {SPAN} (company_id, currency, first_month, last_month, cumulative_direct, cumulative_indirect)
            SELECT b.company_id, b.currency, b.first_month, b.last_month, r.cumulative_direct, r.cumulative_indirect
            FROM bounds b JOIN {ROLLUP} r
              ON r.company_id = b.company_id AND r.currency = b.currency AND r.month = b.last_month
            WHERE 1 = 1
            ON CONFLICT (company_id, currency) DO UPDATE SET
                first_month = excluded.first_month, last_month = excluded.last_month,
                cumulative_direct = excluded.cumulative_direct, cumulative_indirect = excluded.cumulative_indirect
            """,  # noqa: S608
            [value for pair in chunk for value in pair],
        )


def _settle(cursor, touched: _Touched, moved: Sequence[int] = ()) -> None:
    """After the upserts: ends trimmed, gaps filled, running totals and spans of the touched pairs only; then the
    sub-partner table's stored figures of the touched partners and of the `moved` ones (network_tables.py)."""
    if touched.months:
        _settle_pairs(cursor, touched)
    network_tables_follow(cursor, moved, pairs=sorted(touched.months))


def _settle_pairs(cursor, touched: _Touched) -> None:
    pairs = sorted(touched.months)
    spans = {}
    for currency in {currency for _, currency in pairs}:
        company_ids = [company_id for company_id, pair_currency in pairs if pair_currency == currency]
        for start in range(0, len(company_ids), CHUNK):
            # unscoped: the spans (before the change) of the partners the change reached
            found = PartnerRollupSpan.unscoped.filter(
                currency=currency, company_id__in=company_ids[start : start + CHUNK]
            )
            for company_id, first, last in found.values_list("company_id", "first_month", "last_month"):
                spans[(company_id, currency)] = (first, last)
    # A month left without turnover rows only matters at either end; a month outside the old span may leave a gap.
    trimmed = [pair for pair in pairs if 0 in touched.months[pair].values()]
    _trim(cursor, trimmed)
    gappy = []
    for pair in pairs:
        months, span = touched.months[pair], spans.get(pair)
        if span is None or min(months) < span[0] or max(months) > span[1]:
            gappy.append(pair)
    first_months = {pair: min(months) for pair, months in touched.months.items()}
    for gap in _fill_pair_gaps(gappy):  # a gap before a new last month comes before the touched months
        pair = (gap.company_id, gap.currency)
        first_months[pair] = min(first_months[pair], gap.month)
    _running_totals(cursor, first_months)
    _rewrite_spans(cursor, pairs, trimmed)


def rollup_turnover_changed(*, deltas: Iterable[TurnoverDelta]) -> None:
    """Bring the roll-ups of these partners and their uplines in line with a change of their own turnover."""
    deltas = list(deltas)
    if not deltas:
        return
    touched = _Touched()
    with transaction.atomic(), connection.cursor() as cursor:
        rollup_lock()
        with _index_plans(cursor):
            _propagate(cursor, deltas, touched)
            _settle(cursor, touched)


@contextmanager
def rollup_subtree_moving(*, company_id: int) -> Iterator[None]:
    """Around a rewrite of the partner's place in the closure table: its subtree's figures leave the old uplines
    before and arrive at the new ones after."""
    touched = _Touched()
    with transaction.atomic():
        rollup_lock()
        with connection.cursor() as cursor, _index_plans(cursor):
            _shift_subtree(cursor, company_id, -1, touched)
        yield
        with connection.cursor() as cursor, _index_plans(cursor):
            _shift_subtree(cursor, company_id, 1, touched)
            cursor.execute(f"SELECT descendant_id FROM {PATH} WHERE ancestor_id = %s", [company_id])  # noqa: S608
            _settle(cursor, touched, moved=[row[0] for row in cursor.fetchall()])


def rollup_subtree_removed(*, company_id: int) -> None:
    """Before a partner is deleted: its figures leave its uplines (its own rows go with it)."""
    touched = _Touched()
    with transaction.atomic(), connection.cursor() as cursor:
        rollup_lock()
        with _index_plans(cursor):
            _shift_subtree(cursor, company_id, -1, touched)
            network_tables_forget(cursor, company_id)
            _settle(cursor, touched)


def _insert_sql(*, ancestors: str, months: str) -> str:
    """INSERT … SELECT of roll-up rows. `ancestors` and `months` are placeholder lists ("%s, %s") or "" for all."""
    own_filter = f"AND month IN ({months})" if months else ""
    path_filter = ""
    if ancestors:
        own_filter += f" AND company_id IN (SELECT descendant_id FROM {PATH} WHERE ancestor_id IN ({ancestors}))"  # noqa: S608
        path_filter = f"AND p.ancestor_id IN ({ancestors})"
    return f"""
        INSERT INTO {ROLLUP} (company_id, month, currency, direct, level_1, level_2, level_3_plus, turnover_rows,
                              cumulative_direct, cumulative_indirect)
        SELECT p.ancestor_id, own.month, own.currency,
               SUM(CASE WHEN p.depth = 0 THEN own.amount ELSE 0 END),
               SUM(CASE WHEN p.depth = 1 THEN own.amount ELSE 0 END),
               SUM(CASE WHEN p.depth = 2 THEN own.amount ELSE 0 END),
               SUM(CASE WHEN p.depth >= 3 THEN own.amount ELSE 0 END),
               SUM(own.row_count), 0, 0
        FROM (
            SELECT company_id, month, currency, SUM(amount) AS amount, COUNT(*) AS row_count
            FROM {TURNOVER}
            WHERE 1 = 1 {own_filter}
            GROUP BY company_id, month, currency
        ) own
        JOIN {PATH} p ON p.descendant_id = own.company_id
        WHERE 1 = 1 {path_filter}
        GROUP BY p.ancestor_id, own.month, own.currency
    """  # noqa: S608 - table names come from model meta, values are parameters


def _fill_gaps(company_ids: list[int] | None) -> None:
    """Zero rows for the months without turnover between a partner's first and last month in a currency."""
    # unscoped: roll-ups are recomputed for the partners named (or all of them)
    rows = PartnerMonthlyRollup.unscoped.all()
    if company_ids is not None:
        rows = rows.filter(company_id__in=company_ids)
    months: dict[Pair, set[date]] = defaultdict(set)
    for company_id, currency, month in rows.values_list("company_id", "currency", "month").iterator(chunk_size=5000):
        months[(company_id, currency)].add(month)
    missing = []
    for (company_id, currency), present in months.items():
        month, last = min(present), max(present)
        while month < last:
            month = add_months(month, 1)
            if month not in present:
                missing.append(PartnerMonthlyRollup(company_id=company_id, currency=currency, month=month))
    # unscoped: writes the gap rows of the partners read above
    PartnerMonthlyRollup.unscoped.bulk_create(missing, batch_size=2000)


def _accumulate(cursor, *, ids_sql: str = "", params: Iterable = ()) -> None:
    """Running totals per partner and currency, and the span rows that hold the totals at the last month."""
    where = f"WHERE company_id IN ({ids_sql})" if ids_sql else ""
    cursor.execute(
        f"""
        UPDATE {ROLLUP} SET cumulative_direct = running.direct_sum, cumulative_indirect = running.indirect_sum
        FROM (
            SELECT id, SUM(direct) OVER by_month AS direct_sum,
                   SUM(level_1 + level_2 + level_3_plus) OVER by_month AS indirect_sum
            FROM {ROLLUP} {where}
            WINDOW by_month AS (PARTITION BY company_id, currency ORDER BY month)
        ) running
        WHERE {ROLLUP}.id = running.id
        """,  # noqa: S608
        list(params),
    )
    cursor.execute(f"DELETE FROM {SPAN} {where}", list(params))  # noqa: S608
    cursor.execute(
        f"""
        INSERT INTO {SPAN} (company_id, currency, first_month, last_month, cumulative_direct, cumulative_indirect)
        SELECT company_id, currency, MIN(month), MAX(month), SUM(direct), SUM(level_1 + level_2 + level_3_plus)
        FROM {ROLLUP} {where}
        GROUP BY company_id, currency
        """,  # noqa: S608
        list(params),
    )


def rollup_refresh(*, company_ids: Iterable[int], months: Iterable[date] | None = None) -> None:
    """Recompute the roll-ups of these partners (all months, or only the given ones) from stored turnover: a
    repair, and the cost the incremental path is measured against (it reads every partner's whole network)."""
    company_ids = sorted(set(company_ids))
    month_list = sorted(set(months)) if months is not None else None
    if not company_ids or month_list == []:
        return
    months_sql = ", ".join(["%s"] * len(month_list)) if month_list is not None else ""
    month_params = month_list or []
    with transaction.atomic(), connection.cursor() as cursor:
        rollup_lock()
        for start in range(0, len(company_ids), CHUNK):
            chunk = company_ids[start : start + CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            # unscoped: recomputes the roll-ups of the partners named
            stale = PartnerMonthlyRollup.unscoped.filter(company_id__in=chunk)
            if month_list is not None:
                stale = stale.filter(month__in=month_list)
            stale.delete()
            cursor.execute(_insert_sql(ancestors=placeholders, months=months_sql), [*month_params, *chunk, *chunk])
            _fill_gaps(chunk)
            _accumulate(cursor, ids_sql=placeholders, params=chunk)
        network_tables_follow(cursor, company_ids)


def rollup_rebuild() -> None:
    """Recompute every roll-up from stored turnover (after a bulk load or a repair)."""
    with transaction.atomic(), connection.cursor() as cursor:
        rollup_lock()
        cursor.execute(f"DELETE FROM {ROLLUP}")  # noqa: S608
        cursor.execute(_insert_sql(ancestors="", months=""))
        _fill_gaps(None)
        _accumulate(cursor)
        network_tables_rebuild(cursor)
