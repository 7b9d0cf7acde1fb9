"""Writes for announcements and materials: read marks, e-mail distribution, file intake, downloads."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from partner_area.companies.models import Membership
from partner_area.platform.storage import private_file_response

from .models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementRead,
    DeliveryStatus,
    Material,
    MaterialDownload,
    MaterialsVisit,
    PartnerHomeSettings,
)
from .selectors import announcement_recipients, announcements_for, first_visit_new_since
from .thumbnails import thumbnail_for
from .validators import safe_file_name, validate_material_file

logger = logging.getLogger(__name__)

DELIVERY_BATCH_SIZE = 100
UNSUBSCRIBE_SALT = "materials.announcements.unsubscribe"
# A break this long between two openings of the library starts a new visit (badges are kept within one).
VISIT_GAP = timedelta(minutes=30)


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


def material_file_accept(*, material: Material, uploaded) -> None:
    """Validate an uploaded file and fill the file fields of `material` (name, type, size, thumbnail)."""
    kind = validate_material_file(uploaded)
    extension = uploaded.name.rsplit(".", 1)[-1].lower()
    material.file_name = safe_file_name(uploaded.name, extension=extension)
    material.file_kind = kind.key
    material.content_type = kind.content_type
    material.file_size = uploaded.size
    uploaded.seek(0)
    data = uploaded.read() if kind.key in ("image", "pdf") else b""
    uploaded.seek(0)
    preview = thumbnail_for(data, kind=kind.key) if data else None
    if material.thumbnail:
        material.thumbnail.delete(save=False)
    if preview:
        material.thumbnail.save(f"{material.file_name.rsplit('.', 1)[0]}.webp", ContentFile(preview), save=False)


def material_download_record(*, material: Material, membership: Membership) -> MaterialDownload:
    """Log who downloaded what and when."""
    # unscoped: a write of the acting member's own download, with its company set from that member
    return MaterialDownload.unscoped.create(
        material=material,
        user=membership.user,
        user_email=membership.user.email,
        company=membership.company,
        role=membership.role,
    )


def material_file_response(*, material: Material) -> HttpResponse:
    """The file itself: a redirect to a short-lived presigned URL on S3, else a streamed response."""
    return private_file_response(file=material.file, filename=material.file_name, content_type=material.content_type)


def materials_visit_record(*, membership: Membership) -> datetime:
    """Note this opening of the library; returns the moment after which materials count as new."""
    now = timezone.now()
    visit, created = MaterialsVisit.objects.for_company(membership.company).get_or_create(
        user_id=membership.user_id, defaults={"last_visit_at": now}
    )
    if created:
        return first_visit_new_since()
    if now - visit.last_visit_at > VISIT_GAP:
        visit.previous_visit_at = visit.last_visit_at
    visit.last_visit_at = now
    visit.save(update_fields=["previous_visit_at", "last_visit_at"])
    return visit.previous_visit_at or first_visit_new_since()


def featured_video_snapshot(*, settings: PartnerHomeSettings) -> None:
    """Ask the provider (through Wagtail embeds) once for the video's player; keep what the page needs."""
    from wagtail.embeds.embeds import get_embed
    from wagtail.embeds.exceptions import EmbedException

    settings.video_html = settings.video_thumbnail_url = settings.video_provider = ""
    settings.video_fetched_url = settings.featured_video_url
    if not settings.featured_video_url:
        return
    try:
        embed = get_embed(settings.featured_video_url)
    except (EmbedException, OSError) as error:
        logger.warning("Featured video %s could not be embedded: %s", settings.featured_video_url, error)
        return
    settings.video_html = embed.html
    settings.video_thumbnail_url = (embed.thumbnail_url or "")[:500]
    settings.video_provider = (embed.provider_name or "")[:80]
    if not settings.featured_video_title:
        settings.featured_video_title = (embed.title or "")[:120]


def material_create(
    *, title: str, category, uploaded, products=(), audience_companies=(), audience_products=(), **fields
):
    """Add a material from an uploaded file (validated like an editor's upload)."""
    material = Material(title=title, category=category, **fields)
    material_file_accept(material=material, uploaded=uploaded)
    material.file.save(uploaded.name, uploaded, save=False)
    material.products = list(products)
    material.audience_companies = list(audience_companies)
    material.audience_products = list(audience_products)
    material.full_clean()
    material.save()
    return material
