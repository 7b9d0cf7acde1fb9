"""The sub-partner table: every partner below one, with its level, its direct and indirect turnover per currency
in a period and the change against the period before. Names and totals only, never clients or invoices.

A period's turnover is a difference of running totals (models.PartnerMonthlyRollup): for each sub-partner and
currency the query reads the running total at three months (the end of the period, the month before it starts,
the month before the previous period starts), or the span row's total when a month lies after the partner's last
row, or zero before its first. So a distributor with 10,000 partners below it costs about 30,000 index reads,
whatever the length of the period, instead of aggregating two years of monthly rows. One query, sorted and
paginated in the database; plain SQL that PostgreSQL and SQLite both run."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from partner_area.companies.models import Company

from .models import PartnerMonthlyRollup, PartnerRollupSpan, PartnerTreePath
from .periods import Period, add_months

SUB_PARTNERS_PER_PAGE = 20
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


def _running(alias: str, column: str) -> str:
    """The running total `column` at the month joined as `alias`: the span's total after the last row, zero
    before the first (no row), the row's own value in between (rows are gap-free)."""
    return (
        f"CASE WHEN {alias}_month >= span.last_month THEN span.cumulative_{column} "
        f"ELSE COALESCE({alias}.cumulative_{column}, 0) END"
    )


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


def _rows_sql(sort: str, *, paginated: bool) -> str:
    path, company = PartnerTreePath._meta.db_table, Company._meta.db_table
    rollup, span = PartnerMonthlyRollup._meta.db_table, PartnerRollupSpan._meta.db_table
    order_by, needs_names = _order_by(sort)
    joins = "\n".join(
        f"LEFT JOIN {rollup} {alias} ON {alias}.company_id = span.company_id AND {alias}.currency = span.currency "
        f"AND {alias}.month = {alias}_params.{alias}_month"
        for alias in ("at_end", "before_start", "before_previous")
    )
    figures = f"""
        SELECT path.descendant_id AS company_id, path.depth, span.currency,
               ({_running("at_end", "direct")}) - ({_running("before_start", "direct")}) AS direct,
               ({_running("at_end", "indirect")}) - ({_running("before_start", "indirect")}) AS indirect,
               ({_running("before_start", "direct")}) + ({_running("before_start", "indirect")})
               - ({_running("before_previous", "direct")}) - ({_running("before_previous", "indirect")})
               AS previous_total
        FROM {path} path
        CROSS JOIN (SELECT %s AS at_end_month) at_end_params
        CROSS JOIN (SELECT %s AS before_start_month) before_start_params
        CROSS JOIN (SELECT %s AS before_previous_month) before_previous_params
        LEFT JOIN {span} span ON span.company_id = path.descendant_id
        {joins}
        WHERE path.ancestor_id = %s AND path.depth >= 1
    """  # noqa: S608 - table names come from model meta, values are parameters
    ranked = f"""
        SELECT figures.*, COALESCE(direct, 0) + COALESCE(indirect, 0) AS total,
               (COALESCE(direct, 0) + COALESCE(indirect, 0) - previous_total) * 100
               / CASE WHEN previous_total = 0 THEN NULL ELSE previous_total END AS change,
               {"company.legal_name," if needs_names else ""}
               COUNT(*) OVER () AS row_count
        FROM ({figures}) figures
        {f"JOIN {company} company ON company.id = figures.company_id" if needs_names else ""}
        ORDER BY {order_by}
        {"LIMIT %s OFFSET %s" if paginated else ""}
    """  # noqa: S608
    return f"""
        SELECT ranked.company_id, company.legal_name, ranked.depth, ranked.currency, ranked.direct,
               ranked.indirect, ranked.previous_total, ranked.row_count
        FROM ({ranked}) ranked
        JOIN {company} company ON company.id = ranked.company_id
        ORDER BY {order_by.replace("legal_name", "company.legal_name")}
    """  # noqa: S608


def _params(company: Company, period: Period) -> list:
    return [
        period.last_month,
        add_months(period.first_month, -1),
        add_months(period.previous.first_month, -1),
        company.pk,
    ]


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
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(sort, paginated=True), [*_params(company, period), SUB_PARTNERS_PER_PAGE, offset])
        records = cursor.fetchall()
    count = records[0][-1] if records else offset
    return SubPartnerPage(
        rows=[_row(record) for record in records], count=count, page=page, per_page=SUB_PARTNERS_PER_PAGE, sort=sort
    )


def sub_partner_list(*, company: Company, period: Period, sort: str = DEFAULT_SUB_PARTNER_SORT) -> list[SubPartnerRow]:
    """The whole sub-partner table, for the CSV export."""
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(sort, paginated=False), _params(company, period))
        return [_row(record) for record in cursor.fetchall()]
