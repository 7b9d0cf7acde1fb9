"""Clients of partners, their monthly turnover, the partner tree and the monthly roll-ups the dashboard reads.

- `PartnerTreePath` is a closure table of the upline tree (`Company.parent`): one row per ancestor/descendant
  pair, including each company with itself at depth 0. Subtree reads are one indexed join, never recursion.
- `PartnerMonthlyRollup` holds, per partner, month and currency, the turnover of its own clients (direct) and
  of its network by level, plus running totals since the partner's first month. It is maintained incrementally
  by `rollups` (called from `services` and `tree`): a change costs what changed, not the network, and the dashboard
  reads a few dozen rows whatever the size of the network.
- `PartnerRollupSpan` is, per partner and currency, the first and last month of its roll-up rows and the running
  totals at the last one. With the running totals, the turnover of any run of months is one subtraction, so the
  table of every sub-partner below a distributor reads three rows per sub-partner instead of two years of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from partner_area.platform.tenancy import TenantModel


class Client(TenantModel):
    """An end customer of a partner company."""

    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="clients"
    )
    erp_id = models.CharField(_("ERP id"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created = models.DateField(_("client since"))

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        indexes = [models.Index(fields=["company", "created"], name="client_company_created_idx")]

    def __str__(self) -> str:
        return self.name


class MonthlyTurnover(TenantModel):
    """A client's turnover in one month and currency. `company` repeats the client's partner for scoping."""

    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="turnover")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("monthly turnover")
        verbose_name_plural = _("monthly turnover")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month", "currency"], name="turnover_client_month_currency_uniq"),
        ]
        indexes = [models.Index(fields=["company", "month"], name="turnover_company_month_idx")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month:%Y-%m} {self.amount} {self.currency}"


class PartnerTreePath(models.Model):
    """One ancestor/descendant pair of the partner tree (closure table); depth 0 is the company itself."""

    ancestor = models.ForeignKey("organizations.Company", on_delete=models.CASCADE, related_name="descendant_paths")
    descendant = models.ForeignKey("organizations.Company", on_delete=models.CASCADE, related_name="ancestor_paths")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("partner tree path")
        verbose_name_plural = _("partner tree paths")
        constraints = [models.UniqueConstraint(fields=["ancestor", "descendant"], name="treepath_pair_uniq")]
        indexes = [
            models.Index(fields=["ancestor", "depth"], name="treepath_ancestor_depth_idx"),
            models.Index(fields=["descendant", "depth"], name="treepath_descendant_depth_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} → {self.descendant_id} ({self.depth})"


class PartnerMonthlyRollup(TenantModel):
    """A partner's turnover in one month and currency: its own clients' and its network's per level."""

    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="monthly_rollups"
    )
    month = models.DateField(_("month"))
    currency = models.CharField(_("currency"), max_length=3)
    direct = models.DecimalField(_("direct turnover"), max_digits=16, decimal_places=2, default=0)
    level_1 = models.DecimalField(_("level 1"), max_digits=16, decimal_places=2, default=0)
    level_2 = models.DecimalField(_("level 2"), max_digits=16, decimal_places=2, default=0)
    level_3_plus = models.DecimalField(_("level 3+"), max_digits=16, decimal_places=2, default=0)
    # Running totals from the partner's first month in this currency up to and including this month. Rows are
    # gap-free between the first and the last month (months without turnover hold zeros) so that any month in
    # between can be looked up exactly.
    cumulative_direct = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cumulative_indirect = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # How many stored turnover rows (client-months, zeros included) of the partner's network fall in this month and
    # currency; a row without any is a gap row. Incremental updates need it to know when a month at either end no
    # longer has turnover behind it, so the partner's first or last month moves (see rollups.py). Not a positive
    # integer field: PostgreSQL checks an upsert's proposed row, a negative delta, before it finds the conflict.
    turnover_rows = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly roll-up")
        verbose_name_plural = _("monthly roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["company", "month", "currency"], name="rollup_company_month_currency_uniq")
        ]
        indexes = [
            # Running totals of every sub-partner at one month. On PostgreSQL the index also carries the running
            # totals (INCLUDE, created by migration 0004), so they are read from the index alone.
            models.Index(fields=["month", "company", "currency"], name="rollup_month_running_idx")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} {self.currency}"

    @property
    def indirect(self):
        return self.level_1 + self.level_2 + self.level_3_plus


class PartnerRollupSpan(TenantModel):
    """The first and last month of a partner's roll-up rows in one currency, and the running totals at the last."""

    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="rollup_spans"
    )
    currency = models.CharField(_("currency"), max_length=3)
    first_month = models.DateField()
    last_month = models.DateField()
    cumulative_direct = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cumulative_indirect = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("roll-up span")
        verbose_name_plural = _("roll-up spans")
        constraints = [models.UniqueConstraint(fields=["company", "currency"], name="rollupspan_company_currency_uniq")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.currency} {self.first_month:%Y-%m}–{self.last_month:%Y-%m}"


class PartnerPeriodTotals(models.Model):
    """A partner's direct and indirect turnover in one currency over one period (and the period before it), as
    the sub-partner table shows it: a precomputed copy of the running-total arithmetic of network.py, one row
    per span row and period held (PartnerPeriodTotalsBuilt). The roll-up writers keep it in step for the partners
    they touch (network_tables.py), writing only the rows whose figures change."""

    # db_index=False: periodtotals_company_idx is the index on it (a second one only cost every write).
    company = models.ForeignKey("organizations.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    currency = models.CharField(max_length=3)
    first_month = models.DateField()
    last_month = models.DateField()
    direct = models.DecimalField(max_digits=18, decimal_places=2)
    indirect = models.DecimalField(max_digits=18, decimal_places=2)
    previous_total = models.DecimalField(max_digits=18, decimal_places=2)
    total = models.DecimalField(max_digits=18, decimal_places=2)
    change = models.DecimalField(max_digits=30, decimal_places=10, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["first_month", "last_month", "company", "currency"], name="periodtotals_period_company_uniq"
            )
        ]
        indexes = [models.Index(fields=["company"], name="periodtotals_company_idx")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.currency} {self.first_month:%Y-%m}–{self.last_month:%Y-%m}"


class PartnerPeriodTotalsBuilt(models.Model):
    """A period whose totals are held in PartnerPeriodTotals for every partner."""

    first_month = models.DateField()
    last_month = models.DateField()
    # The months whose running totals the figures subtract (see network.py), stored so that one statement can
    # recompute every period held.
    before_start = models.DateField()
    before_previous = models.DateField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first_month", "last_month"], name="periodtotalsbuilt_uniq")]

    def __str__(self) -> str:
        return f"{self.first_month:%Y-%m}–{self.last_month:%Y-%m}"


def _sort_indexes() -> list[models.Index]:
    """One index per sort key of the sub-partner table, each led by the partner and period, read forwards for the
    ascending order and backwards for the descending one (network.py's orders: the descending one is the exact
    reverse of the ascending one, tie-breakers included), so that any page of any sort is one index range (two
    or a few for the descending amounts and change, which keep currencies and missing changes in place: one
    range per currency, see network._ranked_branch). Every index is written on every changed row: one per key,
    not per key and direction, halves the writes."""
    prefix = ["ancestor", "first_month", "last_month"]
    indexes = [
        models.Index(fields=[*prefix, column, "descendant", "currency"], name=f"ranked_{key}_idx")
        for key, column in (("name", "legal_name"), ("depth", "depth"), ("change", "change"))
    ]
    indexes += [
        models.Index(fields=[*prefix, "currency", key, "descendant"], name=f"ranked_{key}_idx")
        for key in ("direct", "indirect", "total")
    ]
    return indexes


class PartnerRankedNetwork(models.Model):
    """One row of a partner's sub-partner table in one period held: a sub-partner (and currency; none for a
    sub-partner without turnover) with its name, level and figures. Stored only for partners with many
    sub-partner rows (network_tables.RANKED_FROM, see PartnerRankedNetworkBuilt), kept in step by the writers."""

    # No index of their own: ranked_row_uniq leads with the ancestor, ranked_descendant_idx is the descendant's.
    ancestor = models.ForeignKey("organizations.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    descendant = models.ForeignKey("organizations.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    depth = models.PositiveSmallIntegerField()
    first_month = models.DateField()
    last_month = models.DateField()
    currency = models.CharField(max_length=3, null=True)
    legal_name = models.CharField(max_length=200)
    # Zero, not NULL, for a sub-partner without turnover: the table shows it so and sorts it so.
    direct = models.DecimalField(max_digits=18, decimal_places=2)
    indirect = models.DecimalField(max_digits=18, decimal_places=2)
    previous_total = models.DecimalField(max_digits=18, decimal_places=2)
    total = models.DecimalField(max_digits=18, decimal_places=2)
    change = models.DecimalField(max_digits=30, decimal_places=10, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "first_month", "last_month", "descendant", "currency"],
                name="ranked_row_uniq",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["descendant"], name="ranked_descendant_idx"), *_sort_indexes()]

    def __str__(self) -> str:
        period = f"{self.first_month:%Y-%m}–{self.last_month:%Y-%m}"
        return f"{self.ancestor_id} → {self.descendant_id} {self.currency} {period}"


class PartnerRankedNetworkBuilt(models.Model):
    """A partner and period whose sub-partner table is held in PartnerRankedNetwork, and whether it is fresh."""

    ancestor = models.ForeignKey("organizations.Company", on_delete=models.CASCADE, related_name="+")
    first_month = models.DateField()
    last_month = models.DateField()
    row_count = models.IntegerField(default=0)  # the table's rows, kept with them: the pager's count is one read
    # The writers bump `version` (ranked_catch_up.py); the catch-up sets `caught_up_version` to the version it read
    # before recomputing. The table is read only while they are equal; `catch_up_queued` coalesces the catch-ups.
    version = models.BigIntegerField(db_default=0)
    caught_up_version = models.BigIntegerField(db_default=0)
    catch_up_queued = models.BooleanField(db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "first_month", "last_month"], name="rankedbuilt_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} {self.first_month:%Y-%m}–{self.last_month:%Y-%m}"
