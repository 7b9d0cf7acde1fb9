"""The stored figures of the sub-partner table on PostgreSQL, kept in step by the writers that change them.

- `PartnerPeriodTotals`: each partner's figures per currency for every period held (`PartnerPeriodTotalsBuilt`,
  built by the first request for a period): the running-total arithmetic of `running_sql`, done once.
- `PartnerRankedNetwork`: for a partner with at least `RANKED_FROM` sub-partner rows, every row of its table per
  period held (`PartnerRankedNetworkBuilt`), with name, level and figures, and one index per sort key,
  read backwards for the descending order: any page of a distributor's table is one index range (one per
  currency for descending amounts), whatever the size of its network. Smaller
  partners read their own closure rows and probe the totals (a few hundred index reads at most).

The writers (rollups.py: turnover, clients, subtree moves and deletions) call `network_tables_follow` inside
their transaction, under the roll-up lock, with the partners whose roll-ups or place in the tree changed. It
rewrites the period totals of those partners, only the rows whose figures differ (`IS DISTINCT FROM`), so a write
still costs what it changed; the ranked tables of their uplines it only marks stale, and a catch-up after the
commit brings them up to date (ranked_catch_up.py; the dashboard reads the closure rows meanwhile).
A full rebuild (`network_tables_rebuild`) recomputes every held period and ranked table from the roll-ups:
the reference the tests and bench/rollups.py compare the incremental path with. SQLite, the embedded default,
holds none of this and computes the table live (network.py)."""

from collections.abc import Sequence
from functools import partial

from django.db import connection, transaction

from partner_area.companies.models import Company

from .models import (
    PartnerMonthlyRollup,
    PartnerPeriodTotals,
    PartnerPeriodTotalsBuilt,
    PartnerRankedNetwork,
    PartnerRankedNetworkBuilt,
    PartnerRollupSpan,
    PartnerTreePath,
)

# Sub-partner rows from which a partner's table is stored ranked. Below it the closure-driven read costs a few
# milliseconds; every table held multiplies the writes (a turnover change rewrites the partner's row in the table of
# each upline holding one, per period), so only the large networks hold one (bench/rollups.py, bench/dashboard.py).
RANKED_FROM = 2000
# The advisory lock's first key for one partner's ranked tables (the second is the partner's id): their catch-ups
# and first builds (ranked_catch_up.py). Two-key locks do not overlap the roll-up lock's single key.
CATCH_UP_LOCK_CLASS = 3_600_016
TOTALS, BUILT = PartnerPeriodTotals._meta.db_table, PartnerPeriodTotalsBuilt._meta.db_table
RANKED, RANKED_BUILT = PartnerRankedNetwork._meta.db_table, PartnerRankedNetworkBuilt._meta.db_table
ROLLUP, SPAN = PartnerMonthlyRollup._meta.db_table, PartnerRollupSpan._meta.db_table
PATH, COMPANY = PartnerTreePath._meta.db_table, Company._meta.db_table
FIGURES = ("direct", "indirect", "previous_total", "total", "change")


def network_tables_held() -> bool:
    """Whether this database stores the figures (PostgreSQL) or the table is computed live (SQLite)."""
    return connection.vendor == "postgresql"


def running_sql(where: str, months: dict[str, str]) -> str:
    """Each span row's figures over a period whose months (SQL expressions) are `months`: the running total at
    the end of the period minus the one the month before it starts, and the same for the period before."""
    joins = "\n".join(
        f"LEFT JOIN {ROLLUP} {alias} ON {alias}.company_id = span.company_id AND {alias}.currency = span.currency "
        f"AND {alias}.month = {month}"
        for alias, month in months.items()
    )

    def running(alias: str, column: str) -> str:
        # The running total at the month joined as `alias`: the span's total after the last row, zero before the
        # first (no row), the row's own value in between (rows are gap-free).
        return (
            f"(CASE WHEN {months[alias]} >= span.last_month THEN span.cumulative_{column} "
            f"ELSE COALESCE({alias}.cumulative_{column}, 0) END)"
        )

    return f"""
        SELECT span.company_id, span.currency,
               {running("at_end", "direct")} - {running("before_start", "direct")} AS direct,
               {running("at_end", "indirect")} - {running("before_start", "indirect")} AS indirect,
               {running("before_start", "direct")} + {running("before_start", "indirect")}
               - {running("before_previous", "direct")} - {running("before_previous", "indirect")} AS previous_total
        FROM {SPAN} span
        {joins}
        WHERE {where}
    """  # noqa: S608 - table names come from model meta, values are parameters


BUILT_MONTHS = {"at_end": "built.last_month", "before_start": "built.before_start",
                "before_previous": "built.before_previous"}  # fmt: skip


def _distinct(table: str, columns: Sequence[str]) -> str:
    """An upsert's condition: the stored row differs from the proposed one (else nothing is written)."""
    stored = ", ".join(f"{table}.{column}" for column in columns)
    proposed = ", ".join(f"EXCLUDED.{column}" for column in columns)
    return f"({stored}) IS DISTINCT FROM ({proposed})"


def totals_upsert_sql(where: str, periods: str = "TRUE") -> str:
    """INSERT … SELECT of the period totals of the span rows matching `where`, for the periods held matching
    `periods` (alias built); a row already there is rewritten only when its figures changed."""
    return f"""
        INSERT INTO {TOTALS} (company_id, currency, first_month, last_month, direct, indirect, previous_total,
                              total, change)
        SELECT figures.company_id, figures.currency, built.first_month, built.last_month, figures.direct,
               figures.indirect, figures.previous_total, figures.direct + figures.indirect,
               (figures.direct + figures.indirect - figures.previous_total) * 100 / NULLIF(figures.previous_total, 0)
        FROM {BUILT} built
        CROSS JOIN LATERAL ({running_sql(where, BUILT_MONTHS)}) figures
        WHERE {periods}
        ON CONFLICT (first_month, last_month, company_id, currency) DO UPDATE SET
            {", ".join(f"{column} = EXCLUDED.{column}" for column in FIGURES)}
        WHERE {_distinct(TOTALS, FIGURES)}
    """  # noqa: S608


RANKED_COLUMNS = ("depth", "legal_name", *FIGURES)


def _counted(rows_sql: str, sign: str) -> str:
    """A statement that changes ranked rows and RETURNs (ancestor_id, first_month, last_month, counts), wrapped so
    that the held tables' row counts follow: `sign` + 1 for each row counted."""
    return f"""
        WITH changed AS ({rows_sql}),
        by_table AS (
            SELECT ancestor_id, first_month, last_month, COUNT(*) AS rows FROM changed WHERE counts
            GROUP BY ancestor_id, first_month, last_month
        )
        UPDATE {RANKED_BUILT} held SET row_count = held.row_count {sign} by_table.rows FROM by_table
        WHERE held.ancestor_id = by_table.ancestor_id AND held.first_month = by_table.first_month
          AND held.last_month = by_table.last_month
    """  # noqa: S608


def ranked_upsert_sql(where: str) -> str:
    """INSERT … SELECT of the ranked rows of the (partner, period) pairs held, restricted by `where` (aliases:
    m the pair held, p the closure row, totals the sub-partner's totals), for a table built or rebuilt whole;
    rows already there are rewritten only when something in them changed, and the new ones are counted."""
    held = f"JOIN {RANKED_BUILT} m ON m.ancestor_id = p.ancestor_id"  # noqa: S608
    upsert = f"""
        INSERT INTO {RANKED} (ancestor_id, descendant_id, depth, first_month, last_month, currency, legal_name,
                              direct, indirect, previous_total, total, change)
        SELECT m.ancestor_id, p.descendant_id, p.depth, m.first_month, m.last_month, totals.currency,
               company.legal_name, COALESCE(totals.direct, 0), COALESCE(totals.indirect, 0),
               COALESCE(totals.previous_total, 0), COALESCE(totals.total, 0), totals.change
        FROM {PATH} p
        {held}
        JOIN {COMPANY} company ON company.id = p.descendant_id
        LEFT JOIN {TOTALS} totals ON totals.company_id = p.descendant_id
             AND totals.first_month = m.first_month AND totals.last_month = m.last_month
        WHERE p.depth >= 1 AND {where}
        ON CONFLICT (ancestor_id, first_month, last_month, descendant_id, currency) DO UPDATE SET
            {", ".join(f"{column} = EXCLUDED.{column}" for column in RANKED_COLUMNS)}
        WHERE {_distinct(RANKED, RANKED_COLUMNS)}
        -- xmax is 0 on a row this statement inserted, set on one it updated
        RETURNING ancestor_id, first_month, last_month, (xmax = 0) AS counts
    """  # noqa: S608
    return _counted(upsert, "+")


def ranked_catch_up_sql() -> str:
    """One statement that brings every held ranked table of one partner (%(ancestor)s) in line with its closure
    rows, the period totals and the names: the rows computed once, an UPDATE of those whose figures, name or level
    differ (a row that stayed is not touched), an INSERT of the missing ones and a DELETE of the rows no longer
    computed; then the tables' counts and `caught_up_version` (the versions read before, %(held)s and
    %(versions)s). The tables' own rows are locked only at the end, so a writer marking them stale meanwhile waits
    for the commit alone."""
    rows = f"""
        SELECT m.ancestor_id, p.descendant_id, p.depth, m.first_month, m.last_month, totals.currency,
               company.legal_name, COALESCE(totals.direct, 0) AS direct, COALESCE(totals.indirect, 0) AS indirect,
               COALESCE(totals.previous_total, 0) AS previous_total, COALESCE(totals.total, 0) AS total,
               totals.change
        FROM {RANKED_BUILT} m
        JOIN {PATH} p ON p.ancestor_id = m.ancestor_id AND p.depth >= 1
        JOIN {COMPANY} company ON company.id = p.descendant_id
        LEFT JOIN {TOTALS} totals ON totals.company_id = p.descendant_id
             AND totals.first_month = m.first_month AND totals.last_month = m.last_month
        WHERE m.ancestor_id = %(ancestor)s
    """  # noqa: S608
    same_row = (
        "r.ancestor_id = c.ancestor_id AND r.first_month = c.first_month AND r.last_month = c.last_month "
        "AND r.descendant_id = c.descendant_id AND r.currency IS NOT DISTINCT FROM c.currency"
    )
    stored = ", ".join(f"r.{column}" for column in RANKED_COLUMNS)
    computed = ", ".join(f"c.{column}" for column in RANKED_COLUMNS)
    columns = "ancestor_id, descendant_id, first_month, last_month, currency, " + ", ".join(RANKED_COLUMNS)
    return f"""
        WITH c AS MATERIALIZED ({rows}),
        updated AS (
            UPDATE {RANKED} r SET {", ".join(f"{column} = c.{column}" for column in RANKED_COLUMNS)}
            FROM c WHERE {same_row} AND ({stored}) IS DISTINCT FROM ({computed})
        ),
        inserted AS (
            INSERT INTO {RANKED} ({columns})
            SELECT {", ".join(f"c.{column}" for column in columns.split(", "))} FROM c
            WHERE NOT EXISTS (SELECT 1 FROM {RANKED} r WHERE {same_row})
            RETURNING first_month, last_month, 1 AS rows
        ),
        deleted AS (
            DELETE FROM {RANKED} r WHERE r.ancestor_id = %(ancestor)s AND NOT EXISTS (SELECT 1 FROM c WHERE {same_row})
            RETURNING first_month, last_month, -1 AS rows
        ),
        by_table AS (
            SELECT first_month, last_month, SUM(rows) AS rows FROM (
                SELECT * FROM inserted UNION ALL SELECT * FROM deleted
            ) counted GROUP BY first_month, last_month
        )
        UPDATE {RANKED_BUILT} held
        SET row_count = held.row_count + COALESCE((
                SELECT by_table.rows FROM by_table
                WHERE by_table.first_month = held.first_month AND by_table.last_month = held.last_month
            ), 0),
            caught_up_version = GREATEST(held.caught_up_version, read.version)
        FROM unnest(%(held)s::bigint[], %(versions)s::bigint[]) AS read (id, version)
        WHERE held.id = read.id
    """  # noqa: S608


def ranked_tables_mark_stale(cursor, *, uplines_of: Sequence[int], rows_of: Sequence[int]) -> None:
    """Mark stale the ranked tables of the uplines of `uplines_of` and those holding a row of `rows_of` (moved
    partners leave their old uplines' tables), in the writer's transaction: one row per table. A catch-up is queued
    on commit for each partner that had none queued (the catch-up clears the flag before it reads the version)."""
    cursor.execute(
        f"""
        WITH affected AS (
            SELECT held.id, held.catch_up_queued FROM {RANKED_BUILT} held
            WHERE held.ancestor_id IN (
                SELECT ancestor_id FROM {PATH} WHERE descendant_id = ANY(%s) AND depth >= 1
                UNION SELECT ancestor_id FROM {RANKED} WHERE descendant_id = ANY(%s)
            )
            ORDER BY held.id FOR UPDATE
        )
        UPDATE {RANKED_BUILT} held SET version = held.version + 1, catch_up_queued = TRUE FROM affected
        WHERE held.id = affected.id
        RETURNING held.ancestor_id, affected.catch_up_queued
        """,  # noqa: S608
        [list(uplines_of), list(rows_of)],
    )
    to_queue = sorted({ancestor_id for ancestor_id, queued in cursor.fetchall() if not queued})
    if to_queue:
        transaction.on_commit(partial(_catch_ups_queue, to_queue), robust=True)


def _catch_ups_queue(ancestor_ids: list[int]) -> None:
    # Imported here: the task calls ranked_catch_up.py, which builds on this module.
    from .tasks import ranked_table_catch_up

    for ancestor_id in ancestor_ids:
        ranked_table_catch_up.delay(ancestor_id)


def ranked_delete_sql(where: str) -> str:
    """DELETE of the ranked rows matching `where` (alias r), uncounted from their tables."""
    return _counted(
        f"DELETE FROM {RANKED} r WHERE {where} RETURNING ancestor_id, first_month, last_month, TRUE AS counts",  # noqa: S608
        "-",
    )


def _changed(alias: str, pairs_only: bool) -> str:
    """The rows (of the table aliased `alias`) of the partners named (%s), or of the (partner, currency) pairs."""
    if pairs_only:
        return f"({alias}.company_id, {alias}.currency) IN (SELECT * FROM unnest(%s::bigint[], %s::text[]))"  # noqa: S608
    return f"{alias}.company_id = ANY(%s)"


def network_tables_follow(cursor, company_ids: Sequence[int], *, pairs: Sequence[tuple[int, str]] = ()) -> None:
    """Bring the period totals of these partners in line with their roll-ups and mark their uplines' ranked tables
    stale (call it under the roll-up lock, after the change). `company_ids`: partners whose place in the tree may
    have changed (their old uplines' tables are marked too); `pairs`: (partner, currency) whose roll-ups changed."""
    if not network_tables_held() or not (company_ids or pairs):
        return
    whole = sorted(set(company_ids))
    ids = sorted({*whole, *(company_id for company_id, _currency in pairs)})
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {BUILT})")  # noqa: S608
    if not cursor.fetchone()[0]:
        return  # no period asked for yet: nothing held
    # A total changes only where its roll-ups did: every currency of the partners named whole, and of the others
    # only the changed currencies (a page of turnover leaves most of its uplines' other currencies alone).
    named_whole = set(whole)
    pairs = [(company_id, currency) for company_id, currency in pairs if company_id not in named_whole]
    pair_ids, pair_currencies = [company_id for company_id, _ in pairs], [currency for _, currency in pairs]
    for pairs_only, params in ((False, [whole]), (True, [pair_ids, pair_currencies])):
        if not params[0]:
            continue
        cursor.execute(
            f"""
            DELETE FROM {TOTALS} totals WHERE {_changed("totals", pairs_only)} AND NOT EXISTS (
                SELECT 1 FROM {SPAN} span WHERE span.company_id = totals.company_id AND span.currency = totals.currency
            )
            """,  # noqa: S608
            params,
        )
        cursor.execute(totals_upsert_sql(_changed("span", pairs_only)), params)
    # The ranked tables are not rewritten here (ranked_catch_up.py): the uplines' tables are only marked stale, read
    # no more until a catch-up after the commit has brought them up to date.
    ranked_tables_mark_stale(cursor, uplines_of=ids, rows_of=whole)


def network_ranked_build(cursor, *, ancestor_id: int, first_month, last_month) -> None:
    """Hold the ranked table of this partner in this period from now on (call it under the roll-up lock)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CATCH_UP_LOCK_CLASS, ancestor_id])
    cursor.execute(
        f"""
        INSERT INTO {RANKED_BUILT} (ancestor_id, first_month, last_month, row_count) VALUES (%s, %s, %s, 0)
        ON CONFLICT DO NOTHING RETURNING id
        """,  # noqa: S608
        [ancestor_id, first_month, last_month],
    )
    created = cursor.fetchone()
    if created is not None:
        cursor.execute(ranked_upsert_sql("m.id = %s"), [created[0]])


def network_periods_prune(cursor, *, kept: int) -> None:
    """Forget all but the `kept` periods built last, with their totals and ranked tables."""
    cursor.execute(
        f"""
        WITH pruned AS (
            DELETE FROM {BUILT} WHERE id NOT IN (SELECT id FROM {BUILT} ORDER BY built_at DESC, id DESC LIMIT %s)
            RETURNING first_month, last_month
        ),
        ranked_built AS (
            DELETE FROM {RANKED_BUILT} held USING pruned
            WHERE held.first_month = pruned.first_month AND held.last_month = pruned.last_month
        ),
        ranked AS (
            DELETE FROM {RANKED} r USING pruned
            WHERE r.first_month = pruned.first_month AND r.last_month = pruned.last_month
        )
        DELETE FROM {TOTALS} totals USING pruned
        WHERE totals.first_month = pruned.first_month AND totals.last_month = pruned.last_month
        """,  # noqa: S608
        [kept],
    )


def network_tables_rebuild(cursor) -> None:
    """Recompute every held period's totals and every held ranked table from the roll-ups and the tree."""
    if not network_tables_held():
        return
    cursor.execute(f"DELETE FROM {RANKED}")  # noqa: S608
    cursor.execute(f"UPDATE {RANKED_BUILT} SET row_count = 0, caught_up_version = version")  # noqa: S608
    cursor.execute(f"DELETE FROM {TOTALS}")  # noqa: S608
    cursor.execute(totals_upsert_sql("TRUE"))
    cursor.execute(ranked_upsert_sql("TRUE"))


def network_tables_forget(cursor, company_id: int) -> None:
    """Before a partner is deleted: its rows leave its uplines' ranked tables, and their counts."""
    if network_tables_held():
        cursor.execute(ranked_delete_sql("r.descendant_id = %s"), [company_id])


def network_names_follow(company_ids: Sequence[int]) -> None:
    """Renamed partners' rows in their uplines' ranked tables take the companies' names as stored: for a rename
    by Company.save() (signals.py) and for the writes that bypass it, such as the ERP pull's bulk update of a
    page's companies (integrations/erp/bulk.py). Only rows whose name differs are written."""
    if not network_tables_held() or not company_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {RANKED} r SET legal_name = company.legal_name FROM {COMPANY} company
            WHERE r.descendant_id = ANY(%s) AND company.id = r.descendant_id AND r.legal_name <> company.legal_name
            """,  # noqa: S608
            [sorted(set(company_ids))],
        )
