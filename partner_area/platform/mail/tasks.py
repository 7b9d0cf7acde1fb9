"""Celery tasks for outgoing e-mail: thin wrappers around the services."""

from celery import shared_task

from . import services


@shared_task(name="mail.send")
def email_send(email_id: int) -> str:
    return services.email_send(email_id=email_id)


@shared_task(name="mail.send_due")
def emails_send_due() -> int:
    """Periodic: send what is due (retries, and anything a lost nudge or a dead worker left)."""
    return services.emails_send_due()
