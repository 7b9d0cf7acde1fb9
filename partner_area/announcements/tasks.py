"""Celery tasks for announcement e-mails: thin wrappers around the services. The task names are the ones
they had in the materials app, so that messages queued before a deploy still find their task."""

from celery import shared_task
from django.core.management import call_command

from . import services
from .selectors import announcements_of_record


@shared_task(name="materials.announcement_distribute")
def announcement_distribute(announcement_id: int) -> int:
    """Queue the announcement's e-mails and hand them to workers in batches; returns the number of batches."""
    announcement = announcements_of_record().filter(pk=announcement_id, live=True).first()
    if announcement is None:
        return 0
    batches = services.announcement_distribution_queue(announcement=announcement)
    for delivery_ids in batches:
        announcement_deliveries_send.delay(delivery_ids)
    return len(batches)


@shared_task(name="materials.announcement_deliveries_send")
def announcement_deliveries_send(delivery_ids: list[int]) -> int:
    return services.announcement_deliveries_send(delivery_ids=delivery_ids)


@shared_task(name="materials.publish_scheduled")
def publish_scheduled() -> None:
    """Publish announcements whose go-live time has come and unpublish expired ones (Wagtail's command);
    run it every few minutes from Celery beat or cron."""
    call_command("publish_scheduled")
