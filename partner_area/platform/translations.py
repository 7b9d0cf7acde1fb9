"""Partner content translated the Wagtail way (TranslatableMixin, simple_translation's "Translate"): the row in
the default locale is the content of record; a row in another locale with its translation_key translates it and
has no life of its own. One rule for every translatable model of the partner area, in one place."""

from django.db.models.signals import post_delete
from wagtail.models import Locale


def is_translation(instance) -> bool:
    """A saved row outside the default locale: it translates a row of record."""
    return instance.pk is not None and not instance._state.adding and instance.locale_id != Locale.get_default().pk


def translations_follow_their_source(*models) -> None:
    """Deleting the row of record deletes its translations (they would be left behind where no partner sees
    them); deleting a translation leaves the row of record. Called once, from the apps' ready()."""
    for model in models:
        post_delete.connect(
            _delete_translations, sender=model, weak=False, dispatch_uid=f"translations-follow-{model._meta.label}"
        )


def _delete_translations(sender, instance, **kwargs) -> None:
    if instance.locale_id != Locale.get_default().pk:
        return
    sender._default_manager.filter(translation_key=instance.translation_key).exclude(pk=instance.pk).delete()
