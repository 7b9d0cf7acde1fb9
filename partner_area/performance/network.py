"""The sub-partner table: every partner below one, with its level, its direct and indirect turnover per currency
in a period and the change against the period before. Names and totals only, never clients or invoices.

A period's turnover is a difference of running totals (models.PartnerMonthlyRollup): for each sub-partner and
currency the query reads the running total at three months (the end of the period, the month before it starts,
the month before the previous period starts), or the span row's total when a month lies after the partner's last
row, or zero before its first. So a distributor with 10,000 partners below it costs about 30,000 index reads,
whatever the length of the period, instead of aggregating two years of monthly rows.

On PostgreSQL that arithmetic is done once per period and partner, not per request, and kept in step by the
writers (network_tables.py): a partner with many sub-partner rows (RANKED_FROM) reads any page of its table, in
any order, as one index range of its own stored ranked table; a smaller partner reads its own closure rows and
probes the period totals by primary key. Either way bounded by its own subtree, never a scan of the network;
the first request that finds a partner's table past RANKED_FROM rows has it stored ranked from then on. SQLite,
the embedded default, runs the arithmetic live."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from partner_area.companies.models import Company

from .network_tables import (
    BUILT,
    COMPANY,
    PATH,
    RANKED,
    RANKED_BUILT,
    RANKED_FROM,
    TOTALS,
    network_periods_prune,
    network_ranked_build,
    network_tables_held,
    running_sql,
    totals_upsert_sql,
)
from .periods import Period, add_months
from .rollups import rollup_lock

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
    names of the ten thousand partners below a distributor are only read for the page shown). The descending
    order is the exact reverse of the ascending one, tie-breakers included (one index serves both, read
    backwards), except that amounts stay one currency after the other (no currency last) and a missing change
    stays last in either direction."""
    key = sort.lstrip("-")
    if key not in SUB_PARTNER_SORTS:
        return _order_by(DEFAULT_SUB_PARTNER_SORT)
    descending = sort.startswith("-")
    direction = "DESC NULLS FIRST" if descending else "ASC NULLS LAST"
    ties = "company_id DESC, currency DESC NULLS FIRST" if descending else "company_id ASC, currency ASC NULLS LAST"
    if key in MONEY_SORTS:  # amounts in different currencies do not compare: one currency after the other
        return f"currency ASC NULLS LAST, {key} {direction}, company_id {'DESC' if descending else 'ASC'}", False
    if key == "change":
        return f"change {'DESC' if descending else 'ASC'} NULLS LAST, {ties}", False
    return f"{SORT_COLUMNS.get(key, key)} {direction}, {ties}", key == "name"


PARAMETER_MONTHS = {alias: f"%({alias})s" for alias in ("at_end", "before_start", "before_previous")}


def _months(period: Period) -> dict:
    return {
        "at_end": period.last_month,
        "before_start": add_months(period.first_month, -1),
        "before_previous": add_months(period.previous.first_month, -1),
    }


def _period_build(cursor, period: Period) -> None:
    """The first request for a period computes it for every partner; the periods built longest ago go. Under the
    roll-up lock: from the moment the period is held, every writer keeps it in step."""
    months = _months(period)
    with transaction.atomic():
        rollup_lock()
        cursor.execute(
            f"""
            INSERT INTO {BUILT} (first_month, last_month, before_start, before_previous, built_at)
            VALUES (%s, %s, %s, %s, now()) ON CONFLICT DO NOTHING RETURNING id
            """,  # noqa: S608
            [period.first_month, period.last_month, months["before_start"], months["before_previous"]],
        )
        created = cursor.fetchone()
        if created is None:
            return  # another request built it meanwhile
        cursor.execute(totals_upsert_sql("TRUE", periods="built.id = %s"), [created[0]])
        network_periods_prune(cursor, kept=BUILT_PERIODS_KEPT)
        # Fresh statistics for the planner (see migration 0006): the totals grew by a network's worth of rows.
        cursor.execute(f"ANALYZE {BUILT}, {TOTALS}, {RANKED_BUILT}")


def _ranked_build(cursor, company: Company, period: Period) -> None:
    """A partner's table has grown past RANKED_FROM rows: from now on it is stored ranked for this period."""
    with transaction.atomic():
        rollup_lock()
        network_ranked_build(
            cursor, ancestor_id=company.pk, first_month=period.first_month, last_month=period.last_month
        )


def _limit(paginated: bool) -> str:
    return "LIMIT %(limit)s OFFSET %(offset)s" if paginated else ""


OUTPUT = "company_id, legal_name, depth, currency, direct, indirect, previous_total, total, change"


RANKED_COLUMNS = "r.descendant_id AS company_id, r.legal_name, r.depth, r.currency, r.direct, r.indirect, \
r.previous_total, r.total, r.change"
RANKED_WHERE = "r.ancestor_id = %(ancestor)s AND r.first_month = %(first)s AND r.last_month = %(last)s"


def _ranked_branch(sort: str, order_by: str, *, paginated: bool) -> str:
    """The partner's stored ranked table: one index range in the order asked for (the sort key's index, read
    forwards or backwards). The descending amounts read one backward range per currency and the descending change
    one for the changes and one for the missing ones (each at most the page's end), so that currencies and
    missing changes keep their place."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    key = key if key in SUB_PARTNER_SORTS else DEFAULT_SUB_PARTNER_SORT.lstrip("-")
    column = SORT_COLUMNS.get(key, key)
    backwards = "DESC" if descending else "ASC"
    range_order = (
        f"r.currency {backwards}, r.{column} {backwards}, r.descendant_id {backwards}"
        if key in MONEY_SORTS
        else f"r.{column} {backwards}, r.descendant_id {backwards}, r.currency {backwards}"
    )
    held = "(SELECT ranked FROM held)"
    if not descending or key not in MONEY_SORTS | {"change"}:
        return f"""
            SELECT {RANKED_COLUMNS} FROM {RANKED} r WHERE {RANKED_WHERE} AND {held}
            ORDER BY {range_order} {_limit(paginated)}
        """  # noqa: S608
    page_end = "LIMIT %(offset)s + %(limit)s" if paginated else ""
    if key == "change":
        segments = [
            f"SELECT {RANKED_COLUMNS} FROM {RANKED} r WHERE {RANKED_WHERE} AND r.change {condition} "  # noqa: S608
            f"ORDER BY {range_order} {page_end}"
            for condition in ("IS NOT NULL", "IS NULL")
        ]
    else:
        within = range_order.replace("r.currency DESC, ", "")
        # The currencies of the table, one index probe each (a skip scan of the sort key's index).
        segments = [
            f"""
            WITH RECURSIVE currencies (currency) AS (
                (SELECT r.currency FROM {RANKED} r WHERE {RANKED_WHERE} AND r.currency IS NOT NULL
                 ORDER BY r.currency LIMIT 1)
                UNION ALL
                SELECT (SELECT r.currency FROM {RANKED} r WHERE {RANKED_WHERE} AND r.currency > currencies.currency
                        ORDER BY r.currency LIMIT 1)
                FROM currencies WHERE currencies.currency IS NOT NULL
            )
            SELECT ranged.* FROM currencies CROSS JOIN LATERAL (
                SELECT {RANKED_COLUMNS} FROM {RANKED} r WHERE {RANKED_WHERE} AND r.currency = currencies.currency
                ORDER BY {within} {page_end}
            ) ranged
            WHERE currencies.currency IS NOT NULL
            """,  # noqa: S608
            # Ordered by the (missing) currency too: IS NULL makes no equivalence, so only the index's whole
            # order tells the planner that the backward range is already sorted.
            f"SELECT {RANKED_COLUMNS} FROM {RANKED} r WHERE {RANKED_WHERE} AND r.currency IS NULL "  # noqa: S608
            f"ORDER BY {range_order} {page_end}",
        ]
    union = " UNION ALL ".join(f"({segment})" for segment in segments)
    return f"""
        SELECT * FROM ({union}) r WHERE {held}
        ORDER BY {order_by} {_limit(paginated)}
    """  # noqa: S608


def _closure_branch(order_by: str, needs_names: bool, *, paginated: bool) -> str:
    """A partner without a ranked table: its own closure rows drive the query, one index probe into the totals per
    sub-partner (LATERAL, fenced by OFFSET 0 so that the planner does not turn it into a hash join over every
    partner's totals); names are read for the page shown only."""
    figures = f"""
        SELECT path.descendant_id AS company_id, path.depth, stored.currency, stored.direct, stored.indirect,
               COALESCE(stored.previous_total, 0) AS previous_total, COALESCE(stored.total, 0) AS total,
               stored.change
        FROM {PATH} path
        LEFT JOIN LATERAL (
            SELECT currency, direct, indirect, previous_total, total, change FROM {TOTALS} totals
            WHERE totals.first_month = %(first)s AND totals.last_month = %(last)s
              AND totals.company_id = path.descendant_id
            OFFSET 0
        ) stored ON TRUE
        WHERE path.ancestor_id = %(ancestor)s AND path.depth >= 1 AND NOT (SELECT ranked FROM held)
    """  # noqa: S608
    return f"""
        SELECT page.company_id, company.legal_name, page.depth, page.currency, page.direct, page.indirect,
               page.previous_total, page.total, page.change, (SELECT table_held FROM held), (SELECT period FROM held),
               page.row_count
        FROM (
            SELECT figures.*, {"company.legal_name," if needs_names else ""} COUNT(*) OVER () AS row_count
            FROM ({figures}) figures
            {f"JOIN {COMPANY} company ON company.id = figures.company_id" if needs_names else ""}
            ORDER BY {order_by}
            {_limit(paginated)}
        ) page
        JOIN {COMPANY} company ON company.id = page.company_id
    """  # noqa: S608


def _stored_rows_sql(sort: str, *, paginated: bool) -> str:
    """PostgreSQL: the sub-partner rows from the stored figures (network_tables.py), sorted; each carries whether
    the partner has a ranked table (read only when it is fresh), whether the period is held at all (when not, the
    caller builds it and asks again) and the number of rows."""
    order_by, needs_names = _order_by(sort)
    return f"""
        WITH held AS MATERIALIZED (
            SELECT EXISTS (SELECT 1 FROM {BUILT} WHERE first_month = %(first)s AND last_month = %(last)s) AS period,
                   -- a stale table (a write not yet caught up, ranked_catch_up.py) is not read
                   ranked_table.version IS NOT DISTINCT FROM ranked_table.caught_up_version
                   AND ranked_table.row_count IS NOT NULL AS ranked,
                   ranked_table.row_count IS NOT NULL AS table_held, ranked_table.row_count AS ranked_rows
            FROM (SELECT 1) one LEFT JOIN {RANKED_BUILT} ranked_table ON ranked_table.ancestor_id = %(ancestor)s
                 AND ranked_table.first_month = %(first)s AND ranked_table.last_month = %(last)s
        )
        SELECT * FROM (
            (SELECT table_rows.*, TRUE AS ranked, TRUE AS period_held, (SELECT ranked_rows FROM held) AS row_count
             FROM ({_ranked_branch(sort, order_by, paginated=paginated)}) table_rows)
            UNION ALL
            ({_closure_branch(order_by, needs_names, paginated=paginated)})
        ) page_rows ({OUTPUT}, ranked, period_held, row_count)
        ORDER BY {order_by}
    """  # noqa: S608


def _live_rows_sql(sort: str, *, paginated: bool) -> str:
    """SQLite, the embedded default: the running-total arithmetic live, in one query."""
    order_by, needs_names = _order_by(sort)
    running = running_sql(
        f"span.company_id IN (SELECT descendant_id FROM {PATH} WHERE ancestor_id = %(ancestor)s AND depth >= 1)",  # noqa: S608, E501
        PARAMETER_MONTHS,
    )
    figures = f"""
        SELECT path.descendant_id AS company_id, path.depth, running.currency, running.direct, running.indirect,
               COALESCE(running.previous_total, 0) AS previous_total,
               COALESCE(running.direct, 0) + COALESCE(running.indirect, 0) AS total,
               (COALESCE(running.direct, 0) + COALESCE(running.indirect, 0) - running.previous_total) * 100
               / CASE WHEN running.previous_total = 0 THEN NULL ELSE running.previous_total END AS change
        FROM {PATH} path
        LEFT JOIN ({running}) running ON running.company_id = path.descendant_id
        WHERE path.ancestor_id = %(ancestor)s AND path.depth >= 1
    """  # noqa: S608
    ranked = f"""
        SELECT figures.*, {"company.legal_name," if needs_names else ""} COUNT(*) OVER () AS row_count
        FROM ({figures}) figures
        {f"JOIN {COMPANY} company ON company.id = figures.company_id" if needs_names else ""}
        ORDER BY {order_by}
        {_limit(paginated)}
    """  # noqa: S608
    return f"""
        SELECT ranked.company_id, company.legal_name, ranked.depth, ranked.currency, ranked.direct,
               ranked.indirect, ranked.previous_total, ranked.total, ranked.change, FALSE, TRUE, ranked.row_count
        FROM ({ranked}) ranked
        JOIN {COMPANY} company ON company.id = ranked.company_id
        ORDER BY {order_by.replace("legal_name", "company.legal_name")}
    """  # noqa: S608


def _rows_sql(sort: str, *, paginated: bool) -> str:
    return (_stored_rows_sql if network_tables_held() else _live_rows_sql)(sort, paginated=paginated)


def _records(sql: str, params: dict, company: Company, period: Period) -> list[tuple]:
    """Run the sub-partner query; the first query for a period builds its totals and runs it again, and the first
    one to find a partner's table past RANKED_FROM rows has it stored ranked from then on."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()
        if records and not records[0][-2]:
            _period_build(cursor, period)
            cursor.execute(sql, params)
            records = cursor.fetchall()
        if network_tables_held() and records and not records[0][-3] and records[0][-1] >= RANKED_FROM:
            _ranked_build(cursor, company, period)
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
    records = _records(_rows_sql(sort, paginated=True), params, company, period)
    count = records[0][-1] if records else offset
    return SubPartnerPage(
        rows=[_row(record) for record in records], count=count, page=page, per_page=SUB_PARTNERS_PER_PAGE, sort=sort
    )


def sub_partner_list(*, company: Company, period: Period, sort: str = DEFAULT_SUB_PARTNER_SORT) -> list[SubPartnerRow]:
    """The whole sub-partner table, for the CSV export."""
    records = _records(_rows_sql(sort, paginated=False), _params(company, period), company, period)
    return [_row(record) for record in records]
