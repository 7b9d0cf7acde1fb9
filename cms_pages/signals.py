"""Every change that can alter a public page's HTML drops the stored copies (cms_pages/caching.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .caching import bump_content_version
from .models import SiteFooterSettings


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs) -> None:
    bump_content_version()


@receiver(post_save)
@receiver(post_delete)
def _page_saved_or_deleted(sender, instance, **kwargs) -> None:
    # A page changed outside publishing (a live flag, a menu flag set in code) or deleted; a draft saved also lands
    # here, which only costs a re-render. Page and its specific class both send the signal: either is enough.
    if isinstance(instance, Page):
        bump_content_version()


@receiver(post_save, sender=SiteFooterSettings)
@receiver(post_delete, sender=SiteFooterSettings)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(post_save, sender=Locale)
@receiver(post_delete, sender=Locale)
@receiver(post_save, sender=PageViewRestriction)  # a page just restricted must not go on being served from the cache
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=get_image_model())  # the stored page bodies name an image's alt text and renditions
@receiver(post_delete, sender=get_image_model())
@receiver(post_save, sender=get_document_model())
@receiver(post_delete, sender=get_document_model())
def _settings_changed(sender, **kwargs) -> None:
    bump_content_version()
