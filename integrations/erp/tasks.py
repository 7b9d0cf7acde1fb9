"""Celery tasks: thin wrappers around the outbox and the pull."""

from celery import shared_task

from partner_area.platform.ports.erp import ErpError, erp_is_configured

from .check import check_run
from .outbox import outbox_deliver_due, outbox_resume_if_back
from .pull import PULL_ORDER, applications_check, pull_entities, pull_entity


@shared_task(name="erp.deliver_outbox")
def erp_deliver_outbox() -> int:
    """Periodic sweep (and nudge): resume what waits for the ERP once it answers, then deliver due messages."""
    if not erp_is_configured():
        return 0
    outbox_resume_if_back()
    return outbox_deliver_due()


@shared_task(name="erp.pull", autoretry_for=(ErpError,), retry_backoff=True, retry_backoff_max=300, max_retries=5)
def erp_pull(entity: str) -> int:
    """Pull one entity's changes from the ERP."""
    if not erp_is_configured():
        return 0
    return pull_entity(entity)


@shared_task(name="erp.check_applications")
def erp_check_applications() -> int:
    """Ask the ERP about applications it could not be asked about at registration."""
    if not erp_is_configured():
        return 0
    return applications_check()


@shared_task(
    name="erp.pull_entities", autoretry_for=(ErpError,), retry_backoff=True, retry_backoff_max=300, max_retries=5
)
def erp_pull_entities(entities: list[str]) -> dict[str, int]:
    """Pull the given entities' changes in this order, with one reader for all of them."""
    if not erp_is_configured():
        return {}
    return dict(pull_entities(entities))


@shared_task(name="erp.pull_all")
def erp_pull_all() -> None:
    """Periodic: queue the pending application checks and one pull of every entity in PULL_ORDER (one task, so the
    order holds on any number of workers and each entity's first page is read while the one before is applied)."""
    if not erp_is_configured():
        return
    erp_check_applications.delay()
    erp_pull_entities.delay([str(entity) for entity in PULL_ORDER])


@shared_task(name="erp.check_run")
def erp_check_run(run_id: int) -> int:
    """Staff asked for the sync invariant check on the sync page: run it and keep the differences found."""
    return len(check_run(run_id).differences)
