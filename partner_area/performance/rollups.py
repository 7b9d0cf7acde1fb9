"""Monthly roll-ups per partner: direct turnover and network turnover by level, recomputed from stored turnover,
with running totals and one span row per partner and currency (see models.py for why).

Plain SQL that PostgreSQL and SQLite both run (INSERT … SELECT, window functions, UPDATE … FROM)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction

from .models import MonthlyTurnover, PartnerMonthlyRollup, PartnerRollupSpan, PartnerTreePath
from .periods import add_months

CHUNK = 1000  # ids per statement, well under every database's parameter limit
ROLLUP, SPAN = PartnerMonthlyRollup._meta.db_table, PartnerRollupSpan._meta.db_table


def _insert_sql(*, ancestors: str, months: str) -> str:
    """INSERT … SELECT of roll-up rows. `ancestors` and `months` are placeholder lists ("%s, %s") or "" for all."""
    turnover, path = MonthlyTurnover._meta.db_table, PartnerTreePath._meta.db_table
    own_filter = f"AND month IN ({months})" if months else ""
    path_filter = ""
    if ancestors:
        own_filter += f" AND company_id IN (SELECT descendant_id FROM {path} WHERE ancestor_id IN ({ancestors}))"  # noqa: S608
        path_filter = f"AND p.ancestor_id IN ({ancestors})"
    return f"""
        INSERT INTO {ROLLUP} (company_id, month, currency, direct, level_1, level_2, level_3_plus,
                              cumulative_direct, cumulative_indirect)
        SELECT p.ancestor_id, own.month, own.currency,
               SUM(CASE WHEN p.depth = 0 THEN own.amount ELSE 0 END),
               SUM(CASE WHEN p.depth = 1 THEN own.amount ELSE 0 END),
               SUM(CASE WHEN p.depth = 2 THEN own.amount ELSE 0 END),
               SUM(CASE WHEN p.depth >= 3 THEN own.amount ELSE 0 END),
               0, 0
        FROM (
            SELECT company_id, month, currency, SUM(amount) AS amount
            FROM {turnover}
            WHERE 1 = 1 {own_filter}
            GROUP BY company_id, month, currency
        ) own
        JOIN {path} p ON p.descendant_id = own.company_id
        WHERE 1 = 1 {path_filter}
        GROUP BY p.ancestor_id, own.month, own.currency
    """  # noqa: S608 - table names come from model meta, values are parameters


def _fill_gaps(company_ids: list[int] | None) -> None:
    """Zero rows for the months without turnover between a partner's first and last month in a currency."""
    # unscoped: roll-ups are recomputed after the ERP sync for the partners it names (or all of them)
    rows = PartnerMonthlyRollup.unscoped.all()
    if company_ids is not None:
        rows = rows.filter(company_id__in=company_ids)
    months: dict[tuple[int, str], set[date]] = defaultdict(set)
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
    """Recompute the roll-ups of these partners (all months, or only the given ones) from stored turnover."""
    company_ids = sorted(set(company_ids))
    month_list = sorted(set(months)) if months is not None else None
    if not company_ids or month_list == []:
        return
    months_sql = ", ".join(["%s"] * len(month_list)) if month_list is not None else ""
    month_params = month_list or []
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(company_ids), CHUNK):
            chunk = company_ids[start : start + CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            # unscoped: recomputes the roll-ups of the partners the ERP sync changed
            stale = PartnerMonthlyRollup.unscoped.filter(company_id__in=chunk)
            if month_list is not None:
                stale = stale.filter(month__in=month_list)
            stale.delete()
            cursor.execute(_insert_sql(ancestors=placeholders, months=months_sql), [*month_params, *chunk, *chunk])
            _fill_gaps(chunk)
            _accumulate(cursor, ids_sql=placeholders, params=chunk)


def rollup_rebuild() -> None:
    """Recompute every roll-up from stored turnover (after a bulk load or a repair)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ROLLUP}")  # noqa: S608
        cursor.execute(_insert_sql(ancestors="", months=""))
        _fill_gaps(None)
        _accumulate(cursor)
