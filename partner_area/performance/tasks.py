"""Celery tasks of the performance figures: thin wrappers around ranked_catch_up.py."""

from celery import shared_task

from . import ranked_catch_up


@shared_task(name="performance.ranked_table_catch_up")
def ranked_table_catch_up(ancestor_id: int) -> bool:
    """Bring one partner's ranked tables up to date after a write (queued on commit by the writers)."""
    return ranked_catch_up.ranked_table_catch_up(ancestor_id=ancestor_id)


@shared_task(name="performance.ranked_tables_catch_up_stale")
def ranked_tables_catch_up_stale() -> int:
    """Catch up the ranked tables a lost task left stale; run it every few minutes from Celery beat."""
    return ranked_catch_up.ranked_tables_catch_up_stale()
