"""Outgoing e-mail: queued in the caller's transaction, sent by a Celery worker after it commits, retried.

- `email_queue` writes the message; once the transaction commits a worker is nudged (a broker outage only delays
  it: beat's sweep sends what is due every minute). A request never talks to the mail server, so SMTP being down
  can neither fail it nor lose the mail.
- A send that fails because the server cannot be reached or answers with a temporary (4xx) error is retried with
  a capped exponential backoff for as long as `MAIL_GIVE_UP_AFTER_SECONDS`; a permanent refusal (5xx, e.g. an
  address that does not exist) marks it failed at once. Each message is claimed before sending, so two workers
  never send one twice.
"""

import logging
import smtplib
from datetime import timedelta

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

SENDING_LEASE = timedelta(minutes=10)  # a claim older than this is a worker that died mid-send


def email_queue(*, to: str, subject: str, body: str, headers: dict | None = None) -> OutgoingEmail:
    """Queue one e-mail; it is sent once the current transaction commits."""
    email = OutgoingEmail.objects.create(
        to=to, subject=subject[:255], body=body, headers=headers or {}, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: _nudge(email.pk))
    return email


def _nudge(email_id: int) -> None:
    from .tasks import email_send

    try:
        email_send.delay(email_id)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the request; the sweep sends it
        logger.warning("Could not queue e-mail %s now; the periodic sweep will send it.", email_id, exc_info=True)


def _permanent(error: Exception) -> bool:
    """A refusal another try cannot change: the server answered 5xx for the recipient or the message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def email_send(*, email_id: int) -> str:
    """Send one queued e-mail if it is due; returns its status afterwards."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.QUEUED, next_attempt_at__lte=now).update(
        next_attempt_at=now + SENDING_LEASE, attempts=F("attempts") + 1
    )
    email = OutgoingEmail.objects.get(pk=email_id)
    if not claimed:
        return email.status
    try:
        EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to], headers=email.headers).send()
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded; the message is kept
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        given_up = timezone.now() - email.created_at > timedelta(seconds=settings.MAIL_GIVE_UP_AFTER_SECONDS)
        if _permanent(error) or given_up:
            email.status = EmailStatus.FAILED
            logger.error("E-mail %s to %s failed for good: %s", email.pk, email.to, error)
        else:
            delay = get_exponential_backoff_interval(
                factor=settings.MAIL_RETRY_SECONDS, retries=email.attempts, maximum=settings.MAIL_RETRY_CAP_SECONDS
            )
            email.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            logger.warning("E-mail %s to %s not sent (try %s): %s", email.pk, email.to, email.attempts, error)
        email.save(update_fields=["status", "last_error", "next_attempt_at"])
        return email.status
    email.status, email.sent_at, email.last_error = EmailStatus.SENT, timezone.now(), ""
    email.save(update_fields=["status", "sent_at", "last_error"])
    return email.status


def emails_send_due(*, limit: int = 200) -> int:
    """Beat's sweep: send every due e-mail (also those a dead worker had claimed); returns how many were sent."""
    due = OutgoingEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=timezone.now())
    sent = 0
    for email_id in list(due.order_by("id").values_list("id", flat=True)[:limit]):
        sent += email_send(email_id=email_id) == EmailStatus.SENT
    return sent
