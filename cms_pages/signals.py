from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from .caching import bump_content_version
from .models import SiteFooterSettings


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs) -> None:
    bump_content_version()


@receiver(post_save, sender=SiteFooterSettings)
@receiver(post_delete, sender=SiteFooterSettings)
def _settings_changed(sender, **kwargs) -> None:
    bump_content_version()
