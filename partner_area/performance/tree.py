"""Keeps the partner tree's closure table (`PartnerTreePath`) in step with `Company.parent`.

Plain SQL that PostgreSQL and SQLite both run: the embedded default must work too."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from partner_area.companies.models import Company

from .models import PartnerTreePath
from .rollups import rollup_subtree_moving

CYCLE_MESSAGE = _("A partner cannot be placed below itself or one of its own sub-partners.")
MAX_DEPTH = 64  # a guard against a cycle that slipped into Company.parent; real trees are about 5 deep


def _tables() -> tuple[str, str]:
    return PartnerTreePath._meta.db_table, Company._meta.db_table


def partner_tree_rebuild() -> int:
    """Rebuild the whole closure table from Company.parent with a recursive CTE; returns the number of paths."""
    path_table, company_table = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {path_table}")  # noqa: S608 - table names come from model meta
        cursor.execute(
            f"""
            INSERT INTO {path_table} (ancestor_id, descendant_id, depth)
            WITH RECURSIVE paths (ancestor_id, descendant_id, depth) AS (
                SELECT id, id, 0 FROM {company_table}
                UNION ALL
                SELECT paths.ancestor_id, child.id, paths.depth + 1
                FROM paths JOIN {company_table} child ON child.parent_id = paths.descendant_id
                WHERE paths.depth < %s
            )
            SELECT ancestor_id, descendant_id, depth FROM paths
            """,  # noqa: S608
            [MAX_DEPTH],
        )
        return cursor.rowcount


def _has_own_path(company_id: int) -> bool:
    return PartnerTreePath.objects.filter(ancestor_id=company_id, descendant_id=company_id).exists()


def _current_parent_id(company_id: int) -> int | None:
    return (
        PartnerTreePath.objects.filter(descendant_id=company_id, depth=1).values_list("ancestor_id", flat=True).first()
    )


def partner_tree_sync(*, company: Company) -> bool:
    """Bring the company's place in the closure table in line with its parent; True when something moved."""
    path_table, _company_table = _tables()
    with transaction.atomic():
        if company.parent_id is not None and not _has_own_path(company.parent_id):
            partner_tree_sync(company=company.parent)  # an upline saved before this app kept the tree
        if not _has_own_path(company.pk):
            PartnerTreePath.objects.create(ancestor_id=company.pk, descendant_id=company.pk, depth=0)
            old_parent_id = None
        else:
            old_parent_id = _current_parent_id(company.pk)
        if old_parent_id == company.parent_id:
            return False
        if (
            company.parent_id is not None
            and PartnerTreePath.objects.filter(ancestor_id=company.pk, descendant_id=company.parent_id).exists()
        ):
            raise ValidationError(CYCLE_MESSAGE)
        # The subtree's own figures are relative to itself and do not change; its old and new uplines' do.
        with rollup_subtree_moving(company_id=company.pk), connection.cursor() as cursor:
            # Cut the subtree loose from its old uplines...
            cursor.execute(
                f"""
                DELETE FROM {path_table}
                WHERE descendant_id IN (SELECT descendant_id FROM {path_table} WHERE ancestor_id = %s)
                  AND ancestor_id NOT IN (SELECT descendant_id FROM {path_table} WHERE ancestor_id = %s)
                """,  # noqa: S608
                [company.pk, company.pk],
            )
            # ...and hang it below every upline of its new parent.
            if company.parent_id is not None:
                cursor.execute(
                    f"""
                    INSERT INTO {path_table} (ancestor_id, descendant_id, depth)
                    SELECT above.ancestor_id, below.descendant_id, above.depth + below.depth + 1
                    FROM {path_table} above CROSS JOIN {path_table} below
                    WHERE above.descendant_id = %s AND below.ancestor_id = %s
                    """,  # noqa: S608
                    [company.parent_id, company.pk],
                )
        return True
