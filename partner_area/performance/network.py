"""The sub-partner table: every partner below one, with its level, its direct and indirect turnover per currency
in a period and the change against the period before. Names and totals only, never clients or invoices.

A period's turnover is a difference of running totals (models.PartnerMonthlyRollup): for each sub-partner and
currency the query reads the running total at three months (the end of the period, the month before it starts,
the month before the previous period starts), or the span row's total when a month lies after the partner's last
row, or zero before its first. So a distributor with 10,000 partners below it costs about 30,000 index reads,
whatever the length of the period, instead of aggregating two years of monthly rows.

On PostgreSQL that arithmetic is done once per period and partner, not per request: `PartnerPeriodTotals` holds
each partner's figures for the periods asked for, and database triggers mark partners stale when their roll-ups
change (migration 0006), so a read first recomputes the stale partners only (a few uplines per turnover change).
The table of a partner is then one index range of its own closure rows joined to those totals by primary key:
bounded by its own subtree, never a scan of the whole network. SQLite, the embedded default, runs the arithmetic
live in the same query shape."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from partner_area.companies.models import Company

from .models import (
    PartnerMonthlyRollup,
    PartnerPeriodTotals,
    PartnerPeriodTotalsBuilt,
    PartnerRollupSpan,
    PartnerTotalsStale,
    PartnerTreePath,
)
from .periods import Period, add_months

SUB_PARTNERS_PER_PAGE = 25
BUILT_PERIODS_KEPT = 12  # periods held precomputed; the one built longest ago goes first
SUB_PARTNER_SORTS = ("name", "level", "direct", "indirect", "total", "change")
DEFAULT_SUB_PARTNER_SORT = "-total"
SORT_COLUMNS = {"name": "legal_name", "level": "depth"}  # the others are named like the sort key
MONEY_SORTS = {"direct", "indirect", "total"}
ZERO = Decimal("0")


def percent_change(current: Decimal, before: Decimal) -> Decimal | None:
    """Change in percent, one decimal; None when there is nothing to compare with."""
    if not before:
        return None
    return ((current - before) / abs(before) * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class SubPartnerRow:
    company_id: int
    name: str
    level: int
    currency: str | None
    direct: Decimal
    indirect: Decimal
    previous_total: Decimal

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect

    @property
    def change(self) -> Decimal | None:
        return percent_change(self.total, self.previous_total)


@dataclass
class SubPartnerPage:
    rows: list[SubPartnerRow]
    count: int
    page: int
    per_page: int
    sort: str

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def grouped_by_currency(self) -> bool:
        """Sorted by an amount: the rows come one currency after the other, under a heading each."""
        return self.sort.lstrip("-") in MONEY_SORTS

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count


def _order_by(sort: str) -> tuple[str, bool]:
    """The ORDER BY clause, and whether it needs the names (ties between amounts are broken by id, so the
    names of the ten thousand partners below a distributor are only read for the page shown)."""
    key = sort.lstrip("-")
    if key not in SUB_PARTNER_SORTS:
        return _order_by(DEFAULT_SUB_PARTNER_SORT)
    direction = "DESC" if sort.startswith("-") else "ASC"
    if key == "name":
        return f"legal_name {direction}, company_id ASC, currency ASC", True
    if key in MONEY_SORTS:  # amounts in different currencies do not compare: one currency after the other
        return f"currency ASC NULLS LAST, {key} {direction} NULLS LAST, company_id ASC", False
    return f"{SORT_COLUMNS.get(key, key)} {direction} NULLS LAST, company_id ASC, currency ASC", False


def _running_sql(where: str, months: dict[str, str]) -> str:
    """Each span row's figures over a period whose months (SQL expressions) are `months`."""
    rollup, span = PartnerMonthlyRollup._meta.db_table, PartnerRollupSpan._meta.db_table
    joins = "\n".join(
        f"LEFT JOIN {rollup} {alias} ON {alias}.company_id = span.company_id AND {alias}.currency = span.currency "
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
        FROM {span} span
        {joins}
        WHERE {where}
    """  # noqa: S608 - table names come from model meta, values are parameters


PARAMETER_MONTHS = {alias: f"%({alias})s" for alias in ("at_end", "before_start", "before_previous")}
BUILT_MONTHS = {"at_end": "built.last_month", "before_start": "built.before_start",
                "before_previous": "built.before_previous"}  # fmt: skip


def _months(period: Period) -> dict:
    return {
        "at_end": period.last_month,
        "before_start": add_months(period.first_month, -1),
        "before_previous": add_months(period.previous.first_month, -1),
    }


def _totals_insert_sql(where: str, *, on_conflict: str) -> str:
    """INSERT … SELECT of the period totals of the span rows matching `where`, for the periods held (`built`)."""
    totals, built = PartnerPeriodTotals._meta.db_table, PartnerPeriodTotalsBuilt._meta.db_table
    return f"""
        INSERT INTO {totals} (company_id, currency, first_month, last_month, direct, indirect, previous_total,
                              total, change)
        SELECT figures.company_id, figures.currency, built.first_month, built.last_month, figures.direct,
               figures.indirect, figures.previous_total, figures.direct + figures.indirect,
               (figures.direct + figures.indirect - figures.previous_total) * 100 / NULLIF(figures.previous_total, 0)
        FROM {built} built
        CROSS JOIN LATERAL ({_running_sql(where, BUILT_MONTHS)}) figures
        {on_conflict}
    """  # noqa: S608


def _refresh_ctes() -> str:
    """The CTEs that open the sub-partner query on PostgreSQL: take the partners the triggers marked stale
    (`gone`), recompute them in every period held and drop the rows of currencies they no longer have. All parts
    of the statement read the same snapshot, so the query itself reads the stale partners' figures from a fresh
    computation (see _figures_sql), not from the rows being rewritten; two requests at once do not collide: the
    second finds the stale rows gone."""
    totals, stale = PartnerPeriodTotals._meta.db_table, PartnerTotalsStale._meta.db_table
    span = PartnerRollupSpan._meta.db_table
    upsert = _totals_insert_sql(
        "span.company_id IN (SELECT company_id FROM gone)",
        on_conflict="""ON CONFLICT (first_month, last_month, company_id, currency) DO UPDATE SET
            direct = EXCLUDED.direct, indirect = EXCLUDED.indirect, previous_total = EXCLUDED.previous_total,
            total = EXCLUDED.total, change = EXCLUDED.change""",
    )
    return f"""
        WITH gone AS (DELETE FROM {stale} RETURNING company_id),
        dropped AS (
            DELETE FROM {totals} totals WHERE totals.company_id IN (SELECT company_id FROM gone)
            AND NOT EXISTS (SELECT 1 FROM {span} span
                            WHERE span.company_id = totals.company_id AND span.currency = totals.currency)
        ),
        upserted AS ({upsert})
    """  # noqa: S608


def _period_build(cursor, period: Period) -> None:
    """The first request for a period computes it for every partner; the periods built longest ago go."""
    totals, built = PartnerPeriodTotals._meta.db_table, PartnerPeriodTotalsBuilt._meta.db_table
    months = _months(period)
    with transaction.atomic():
        cursor.execute(
            f"""
            INSERT INTO {built} (first_month, last_month, before_start, before_previous, built_at)
            VALUES (%s, %s, %s, %s, now()) ON CONFLICT DO NOTHING RETURNING id
            """,  # noqa: S608
            [period.first_month, period.last_month, months["before_start"], months["before_previous"]],
        )
        created = cursor.fetchone()
        if created is None:
            return  # another request built it meanwhile
        cursor.execute(_totals_insert_sql("built.id = %s", on_conflict="ON CONFLICT DO NOTHING"), [created[0]])
        cursor.execute(
            f"""
            WITH pruned AS (
                DELETE FROM {built} WHERE id NOT IN (SELECT id FROM {built} ORDER BY built_at DESC, id DESC LIMIT %s)
                RETURNING first_month, last_month
            )
            DELETE FROM {totals} totals USING pruned
            WHERE totals.first_month = pruned.first_month AND totals.last_month = pruned.last_month
            """,  # noqa: S608
            [BUILT_PERIODS_KEPT],
        )
        # Fresh statistics for the planner (see migration 0006): the totals grew by a network's worth of rows.
        cursor.execute(f"ANALYZE {built}, {totals}")


def _precomputed() -> bool:
    return connection.vendor == "postgresql"


CHANGE_SQL = "(direct + indirect - previous_total) * 100 / NULLIF(previous_total, 0)"


def _figures_sql() -> str:
    """One row per sub-partner and currency of the partner `%(ancestor)s` (one without currency for a partner
    without turnover): company_id, depth, currency, direct, indirect, previous_total, total, change."""
    path = PartnerTreePath._meta.db_table
    if _precomputed():
        totals = PartnerPeriodTotals._meta.db_table
        fresh = _running_sql("span.company_id IN (SELECT company_id FROM gone)", PARAMETER_MONTHS)
        # The partner's own closure rows drive the query: one index probe into the totals per sub-partner
        # (LATERAL, fenced by OFFSET 0), so a mid-level partner never reads the totals of the rest of the network.
        return f"""
            SELECT path.descendant_id AS company_id, path.depth, stored.currency, stored.direct, stored.indirect,
                   COALESCE(stored.previous_total, 0) AS previous_total, COALESCE(stored.total, 0) AS total,
                   stored.change
            FROM {path} path
            LEFT JOIN LATERAL (
                SELECT currency, direct, indirect, previous_total, total, change FROM {totals} totals
                WHERE totals.first_month = %(first)s AND totals.last_month = %(last)s
                  AND totals.company_id = path.descendant_id
                OFFSET 0  -- keeps the planner from flattening this into a hash join over every partner's totals
            ) stored ON TRUE
            WHERE path.ancestor_id = %(ancestor)s AND path.depth >= 1
              AND path.descendant_id NOT IN (SELECT company_id FROM gone)
            UNION ALL
            SELECT path.descendant_id, path.depth, fresh.currency, fresh.direct, fresh.indirect,
                   COALESCE(fresh.previous_total, 0), COALESCE(fresh.direct + fresh.indirect, 0), {CHANGE_SQL}
            FROM {path} path
            LEFT JOIN ({fresh}) fresh ON fresh.company_id = path.descendant_id
            WHERE path.ancestor_id = %(ancestor)s AND path.depth >= 1
              AND path.descendant_id IN (SELECT company_id FROM gone)
        """  # noqa: S608
    running = _running_sql(
        f"span.company_id IN (SELECT descendant_id FROM {path} WHERE ancestor_id = %(ancestor)s AND depth >= 1)",  # noqa: S608, E501
        PARAMETER_MONTHS,
    )
    return f"""
        SELECT path.descendant_id AS company_id, path.depth, running.currency, running.direct, running.indirect,
               COALESCE(running.previous_total, 0) AS previous_total,
               COALESCE(running.direct, 0) + COALESCE(running.indirect, 0) AS total,
               (COALESCE(running.direct, 0) + COALESCE(running.indirect, 0) - running.previous_total) * 100
               / CASE WHEN running.previous_total = 0 THEN NULL ELSE running.previous_total END AS change
        FROM {path} path
        LEFT JOIN ({running}) running ON running.company_id = path.descendant_id
        WHERE path.ancestor_id = %(ancestor)s AND path.depth >= 1
    """  # noqa: S608


def _rows_sql(sort: str, *, paginated: bool) -> str:
    """The sub-partner rows, sorted; each carries the number of rows and (PostgreSQL) whether the period's
    totals are held at all (when not, the caller builds them and asks again)."""
    company, built = Company._meta.db_table, PartnerPeriodTotalsBuilt._meta.db_table
    order_by, needs_names = _order_by(sort)
    ranked = f"""
        SELECT figures.*, {"company.legal_name," if needs_names else ""} COUNT(*) OVER () AS row_count
        FROM ({_figures_sql()}) figures
        {f"JOIN {company} company ON company.id = figures.company_id" if needs_names else ""}
        ORDER BY {order_by}
        {"LIMIT %(limit)s OFFSET %(offset)s" if paginated else ""}
    """  # noqa: S608
    held = (
        f"EXISTS (SELECT 1 FROM {built} WHERE first_month = %(first)s AND last_month = %(last)s)"  # noqa: S608
        if _precomputed()
        else "TRUE"
    )
    return f"""
        {_refresh_ctes() if _precomputed() else ""}
        SELECT ranked.company_id, company.legal_name, ranked.depth, ranked.currency, ranked.direct,
               ranked.indirect, ranked.previous_total, {held} AS period_held, ranked.row_count
        FROM ({ranked}) ranked
        JOIN {company} company ON company.id = ranked.company_id
        ORDER BY {order_by.replace("legal_name", "company.legal_name")}
    """  # noqa: S608


def _records(sql: str, params: dict, period: Period) -> list[tuple]:
    """Run the sub-partner query; the first query for a period builds its totals and runs it again."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()
        if records and not records[0][-2]:
            _period_build(cursor, period)
            cursor.execute(sql, params)
            records = cursor.fetchall()
    return records


def _params(company: Company, period: Period) -> dict:
    return {**_months(period), "first": period.first_month, "last": period.last_month, "ancestor": company.pk}


def _row(record: tuple) -> SubPartnerRow:
    company_id, name, level, currency, direct, indirect, previous_total = record[:7]
    return SubPartnerRow(
        company_id=company_id, name=name, level=level, currency=currency,
        direct=Decimal(direct or 0), indirect=Decimal(indirect or 0), previous_total=Decimal(previous_total or 0),
    )  # fmt: skip


def sub_partner_page(
    *, company: Company, period: Period, sort: str = DEFAULT_SUB_PARTNER_SORT, page: int = 1
) -> SubPartnerPage:
    """One page of the sub-partner table: a row per sub-partner and currency (one without currency for a partner
    without turnover), sorted in the database; COUNT(*) OVER () counts every row in the same query."""
    page = max(1, page)
    offset = (page - 1) * SUB_PARTNERS_PER_PAGE
    params = {**_params(company, period), "limit": SUB_PARTNERS_PER_PAGE, "offset": offset}
    records = _records(_rows_sql(sort, paginated=True), params, period)
    count = records[0][-1] if records else offset
    return SubPartnerPage(
        rows=[_row(record) for record in records], count=count, page=page, per_page=SUB_PARTNERS_PER_PAGE, sort=sort
    )


def sub_partner_list(*, company: Company, period: Period, sort: str = DEFAULT_SUB_PARTNER_SORT) -> list[SubPartnerRow]:
    """The whole sub-partner table, for the CSV export."""
    return [_row(record) for record in _records(_rows_sql(sort, paginated=False), _params(company, period), period)]
