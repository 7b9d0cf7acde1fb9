"""Celery tasks of the accounts app."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from .api_tokens import api_tokens_expired_delete


@shared_task(name="accounts.api_tokens_expired_delete")
def api_tokens_expired_delete_task() -> int:
    """Daily: forget API tokens expired more than API_TOKEN_EXPIRED_KEEP_DAYS ago."""
    return api_tokens_expired_delete(older_than=timedelta(days=settings.API_TOKEN_EXPIRED_KEEP_DAYS))
