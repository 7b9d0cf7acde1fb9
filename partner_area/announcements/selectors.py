"""Reads of announcements. Partner-facing reads take the acting membership and return only what its company
and role are meant to see; anything else is not found, like a missing id."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone

from partner_area.companies.models import CompanyStatus, Membership, Role
from partner_area.platform.audience import audience_for_company_q, audience_members_q

from .models import (
    TRANSLATED_FIELDS,
    Announcement,
    AnnouncementDelivery,
    AnnouncementRead,
    DeliveryStatus,
    content_language,
    default_content_language,
)


def announcements_of_record() -> QuerySet[Announcement]:
    """The announcements themselves: rows in the default locale (a translation only lends them its texts)."""
    return Announcement.objects.filter(locale__language_code=default_content_language())


def with_translated_texts(announcements: QuerySet[Announcement], *, language: str) -> QuerySet[Announcement]:
    """Each announcement with its live translation's title, summary and body for `language` (empty where it
    has none), in the same query: `localized_title` & co. read them instead of asking per announcement."""
    language = content_language(language)
    if language == default_content_language():
        return announcements
    translations = Announcement.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=language, live=True
    )
    return announcements.annotate(
        **{f"translated_{name}": Subquery(translations.values(name)[:1]) for name in TRANSLATED_FIELDS}
    )


def announcements_for(*, membership: Membership, language: str | None = None) -> QuerySet[Announcement]:
    """Published, unexpired announcements for this member's company and role, with their texts in this (or
    the active) language: pinned first, then newest, each with `is_read`."""
    now = timezone.now()
    announcements = with_translated_texts(announcements_of_record(), language=language or "")
    return (
        announcements.filter(live=True)
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .filter(audience_for_company_q(Announcement, company=membership.company, is_admin=membership.is_admin))
        .annotate(
            is_read=Exists(
                AnnouncementRead.objects.for_company(membership.company).filter(
                    announcement=OuterRef("pk"), user_id=membership.user_id
                )
            )
        )
        .select_related("product")
        .order_by("-pinned", "-first_published_at", "-pk")
    )


def announcement_for(*, membership: Membership, announcement_id: int) -> Announcement | None:
    """One announcement this member may read, or None (missing and not-for-you look the same)."""
    return announcements_for(membership=membership).filter(pk=announcement_id).first()


def announcement_unread_count(*, membership: Membership) -> int:
    return announcements_for(membership=membership).filter(is_read=False).count()


def announcements_latest(*, membership: Membership, limit: int) -> tuple[list[Announcement], int]:
    """The member's first `limit` announcements (as `announcements_for` orders them) and how many of all of them
    are unread: one query, the count a window over every row before the limit."""
    rows = list(
        announcements_for(membership=membership).annotate(unread_total=Window(Count("pk", filter=Q(is_read=False))))[
            :limit
        ]
    )
    return rows, rows[0].unread_total if rows else 0


def announcement_recipients(*, announcement: Announcement) -> QuerySet[Membership]:
    """Active members of active companies, with a confirmed e-mail, in the announcement's audience."""
    # unscoped: staff send an announcement to every company in its audience; the audience filter below narrows it
    members = Membership.unscoped.filter(
        is_active=True,
        company__status=CompanyStatus.ACTIVE,
        user__is_active=True,
        user__email_confirmed_at__isnull=False,
    ).select_related("user", "company")
    return members.filter(audience_members_q(announcement, admins=Q(role=Role.ADMIN)))


def delivery_progress(*, announcement: Announcement) -> dict[str, int]:
    """How many of the announcement's e-mails are queued, sent, failed or skipped."""
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    rows = AnnouncementDelivery.objects.filter(announcement=announcement).values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["queued"] += counts.pop("sending")
    counts["total"] = sum(counts.values())
    return counts
