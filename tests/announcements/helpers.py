"""Builders for announcement tests: real publishing through Wagtail."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from partner_area.announcements.models import Announcement

_counter = iter(range(10_000_000))


def make_announcement(*, publish: bool = True, audience_companies=(), audience_products=(), **fields) -> Announcement:
    """An announcement saved as a revision and, unless publish=False, published through Wagtail."""
    n = next(_counter)
    announcement = Announcement(
        **{"title": f"Announcement {n}", "summary": f"Summary {n}", "body": "<p>Body</p>", "live": False, **fields}
    )
    announcement.audience_companies = list(audience_companies)
    announcement.audience_products = list(audience_products)
    announcement.save()
    revision = announcement.save_revision()
    if publish:
        revision.publish()
        announcement.refresh_from_db()
    return announcement


def hours(n: int):
    return timezone.now() + timedelta(hours=n)


def make_translation(announcement: Announcement, *, publish: bool = True, language: str = "lv", **texts):
    """The announcement's translation (as simple_translation's "Translate" makes it) with these texts, published
    through Wagtail unless publish=False."""
    translation = announcement.copy_for_translation(Locale.objects.get_or_create(language_code=language)[0])
    for name, value in texts.items():
        setattr(translation, name, value)
    translation.save()
    revision = translation.save_revision()
    if publish:
        revision.publish()
        translation.refresh_from_db()
    return translation
