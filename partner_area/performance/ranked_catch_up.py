"""Ranked tables caught up after the write, never read stale.

The roll-up writers do not rewrite the ranked tables (PartnerRankedNetwork) of the uplines a change reaches: in
their transaction they bump those tables' `version` (one row per table, network_tables.ranked_tables_mark_stale)
and queue, on commit, one catch-up per partner that had none queued. While a table's `version` differs from its
`caught_up_version` the dashboard reads the partner's closure rows and the period totals (network.py), which the
writers keep exact; so every page is right at every moment, and the ranked table is read again once it is fresh.

A catch-up clears the partner's queued flag first (a write after that queues another catch-up), reads its
tables' versions, then recomputes them whole from the committed state in one statement and records the versions
it read as caught up: a write committed after the read has a higher version, so the table stays stale until the
catch-up that write queued. Catch-ups of one partner are serialised by an advisory lock of their own (not the
roll-up lock: writers never wait for a catch-up), as is the first build of a ranked table.
`ranked_tables_catch_up_stale` (Celery beat) catches up any table a lost task left stale."""

from django.db import connection, transaction

from .network_tables import CATCH_UP_LOCK_CLASS, RANKED_BUILT, network_tables_held, ranked_catch_up_sql


def ranked_table_catch_up(*, ancestor_id: int) -> bool:
    """Bring one partner's ranked tables up to date; whether they were fresh when it committed."""
    if not network_tables_held():
        return True
    with connection.cursor() as cursor:
        with transaction.atomic():
            cursor.execute(
                f"UPDATE {RANKED_BUILT} SET catch_up_queued = FALSE WHERE ancestor_id = %s AND catch_up_queued",  # noqa: S608
                [ancestor_id],
            )
        with transaction.atomic():
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CATCH_UP_LOCK_CLASS, ancestor_id])
            cursor.execute(f"SELECT id, version FROM {RANKED_BUILT} WHERE ancestor_id = %s", [ancestor_id])  # noqa: S608
            held = cursor.fetchall()
            if not held:
                return True  # its periods were pruned meanwhile
            cursor.execute(
                ranked_catch_up_sql(),
                {
                    "ancestor": ancestor_id,
                    "held": [table_id for table_id, _version in held],
                    "versions": [version for _table_id, version in held],
                },
            )
            cursor.execute(
                f"SELECT bool_and(version = caught_up_version) FROM {RANKED_BUILT} WHERE ancestor_id = %s",  # noqa: S608
                [ancestor_id],
            )
            return bool(cursor.fetchone()[0])


def ranked_tables_catch_up_stale() -> int:
    """Catch up every stale ranked table (those a lost or failed task left behind); the number of partners."""
    if not network_tables_held():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT ancestor_id FROM {RANKED_BUILT} WHERE version <> caught_up_version ORDER BY 1"  # noqa: S608
        )
        stale = [row[0] for row in cursor.fetchall()]
    for ancestor_id in stale:
        ranked_table_catch_up(ancestor_id=ancestor_id)
    return len(stale)
