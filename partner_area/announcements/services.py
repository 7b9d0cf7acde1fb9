"""Writes for announcements: read marks and the e-mail distribution (queue, send, retry, unsubscribe)."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from partner_area.companies.models import Membership

from .models import Announcement, AnnouncementDelivery, AnnouncementRead, DeliveryStatus
from .selectors import announcement_recipients, announcements_for

logger = logging.getLogger(__name__)

DELIVERY_BATCH_SIZE = 100
# The salt of the links in e-mails already sent: it keeps its old name so that they keep working.
UNSUBSCRIBE_SALT = "materials.announcements.unsubscribe"


class AnnouncementNotLiveError(RuntimeError):
    """Only a published announcement can be sent by e-mail."""


def announcement_mark_read(*, announcement: Announcement, user) -> None:
    """Remember that this person opened the announcement (once; later openings change nothing)."""
    try:
        with transaction.atomic():
            # unscoped: the person's own read mark, looked up and written by that person's id; nothing else is read
            AnnouncementRead.unscoped.get_or_create(announcement=announcement, user=user)
    except IntegrityError:
        pass  # opened twice at the same moment


def announcements_mark_all_read(*, membership) -> int:
    """Mark every announcement this member can see as read; returns how many were unread."""
    unread = announcements_for(membership=membership).filter(is_read=False).values_list("pk", flat=True)
    rows = [AnnouncementRead(announcement_id=pk, user_id=membership.user_id) for pk in unread]
    # unscoped: writes only the member's own read marks, for announcements announcements_for() let through
    AnnouncementRead.unscoped.bulk_create(rows, ignore_conflicts=True)  # a read marked meanwhile is no conflict
    return len(rows)


def announcement_distribution_queue(*, announcement: Announcement) -> list[list[int]]:
    """Queue one delivery per targeted, opted-in person who has none yet; return the queued ids in batches."""
    if not announcement.live:
        raise AnnouncementNotLiveError(announcement.pk)
    recipients = announcement_recipients(announcement=announcement).filter(user__announcement_emails=True)
    AnnouncementDelivery.objects.bulk_create(
        [
            AnnouncementDelivery(announcement=announcement, user=member.user, email=member.user.email)
            for member in recipients.iterator()
        ],
        ignore_conflicts=True,  # the (announcement, user) pair is unique: a second run adds nobody
        batch_size=500,
    )
    queued = list(
        AnnouncementDelivery.objects.filter(announcement=announcement, status=DeliveryStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [queued[i : i + DELIVERY_BATCH_SIZE] for i in range(0, len(queued), DELIVERY_BATCH_SIZE)]


def unsubscribe_token(*, user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def announcement_unsubscribe(*, token: str):
    """Turn announcement e-mails off for the person the token names; returns that user or None."""
    from django.contrib.auth import get_user_model

    user_id = unsubscribe_user_id(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is not None and user.announcement_emails:
        user.announcement_emails = False
        user.save(update_fields=["announcement_emails"])
    return user


def _announcement_email(*, delivery: AnnouncementDelivery) -> EmailMessage:
    user, announcement = delivery.user, delivery.announcement
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        unsubscribe_url = base + reverse("partner:announcement_unsubscribe", args=[unsubscribe_token(user=user)])
        context = {
            "announcement": announcement,
            "recipient": user,
            "announcement_url": base + reverse("partner:announcement", args=[announcement.pk]),
            "unsubscribe_url": unsubscribe_url,
            "site_url": base,
        }
        subject = render_to_string("emails/announcement_subject.txt", context).strip()
        body = render_to_string("emails/announcement.txt", context)
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def announcement_deliveries_send(*, delivery_ids: Iterable[int]) -> int:
    """Send the queued deliveries among these ids; each is claimed first, so two workers never send one
    twice. Returns how many were sent."""
    sent = 0
    for delivery_id in delivery_ids:
        claimed = AnnouncementDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING
        )
        if not claimed:
            continue
        delivery = AnnouncementDelivery.objects.select_related("user", "announcement").get(pk=delivery_id)
        user = delivery.user
        still_wanted = (
            user.is_active
            and user.announcement_emails
            # unscoped: a Celery delivery with no acting member; asks only whether this recipient is still a member
            and Membership.unscoped.filter(user=user, is_active=True).exists()
            and delivery.announcement.live
        )
        if not still_wanted:
            delivery.status = DeliveryStatus.SKIPPED
            delivery.save(update_fields=["status"])
            continue
        try:
            _announcement_email(delivery=delivery).send()
        except Exception as error:  # noqa: BLE001 - record any transport failure and carry on with the batch
            logger.warning("Announcement e-mail %s failed", delivery_id, exc_info=True)
            delivery.status, delivery.error = DeliveryStatus.FAILED, str(error)[:255]
            delivery.save(update_fields=["status", "error"])
            continue
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
        delivery.save(update_fields=["status", "sent_at"])
        sent += 1
    return sent


def announcement_failed_requeue(*, announcement: Announcement) -> int:
    """Put failed deliveries back in the queue (the editor's "retry")."""
    return AnnouncementDelivery.objects.filter(announcement=announcement, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, error=""
    )
