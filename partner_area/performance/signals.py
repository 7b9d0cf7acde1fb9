"""Keep the partner tree's closure table in step with Company.parent, whoever saves the company."""

from django.core.exceptions import ValidationError
from django.db.models.signals import post_init, post_save, pre_delete, pre_save
from django.dispatch import receiver

from partner_area.companies.models import Company

from .models import PartnerTreePath
from .network_tables import network_names_follow
from .rollups import rollup_subtree_removed
from .tree import CYCLE_MESSAGE, partner_tree_sync

_LOADED_PARENT = "_performance_loaded_parent_id"
_LOADED_NAME = "_performance_loaded_legal_name"
_UNKNOWN = object()


@receiver(post_init, sender=Company, dispatch_uid="performance_company_loaded")
def remember_parent(sender, instance: Company, **kwargs) -> None:
    # __dict__, not the attribute: a deferred parent_id must not cost a query per loaded company.
    setattr(instance, _LOADED_PARENT, instance.__dict__.get("parent_id", _UNKNOWN) if instance.pk else _UNKNOWN)
    setattr(instance, _LOADED_NAME, instance.__dict__.get("legal_name", _UNKNOWN) if instance.pk else _UNKNOWN)


@receiver(pre_save, sender=Company, dispatch_uid="performance_company_saving")
def refuse_cycles(sender, instance: Company, raw: bool = False, **kwargs) -> None:
    # Checked before the row is written, so a refused move leaves the company as it was.
    if raw or instance.pk is None or instance.parent_id is None:
        return
    if getattr(instance, _LOADED_PARENT, _UNKNOWN) == instance.parent_id:
        return
    if PartnerTreePath.objects.filter(ancestor_id=instance.pk, descendant_id=instance.parent_id).exists():
        raise ValidationError(CYCLE_MESSAGE)


@receiver(post_save, sender=Company, dispatch_uid="performance_company_saved")
def follow_parent_change(sender, instance: Company, created: bool, raw: bool = False, update_fields=None, **kwargs):
    if raw:
        return
    if not created:
        if update_fields is not None and not {"parent", "parent_id"} & set(update_fields):
            return
        if getattr(instance, _LOADED_PARENT, _UNKNOWN) == instance.parent_id:
            return
    partner_tree_sync(company=instance)
    setattr(instance, _LOADED_PARENT, instance.parent_id)


@receiver(pre_delete, sender=Company, dispatch_uid="performance_company_deleting")
def subtract_from_uplines(sender, instance: Company, **kwargs) -> None:
    # Sent inside the deletion's transaction, while the closure rows still say who the uplines are.
    rollup_subtree_removed(company_id=instance.pk)


@receiver(post_save, sender=Company, dispatch_uid="performance_company_renamed")
def follow_rename(sender, instance: Company, created: bool, raw: bool = False, update_fields=None, **kwargs):
    # The uplines' stored sub-partner tables carry the name (they sort by it); only a rename costs a query.
    if raw or created or (update_fields is not None and "legal_name" not in update_fields):
        return
    if getattr(instance, _LOADED_NAME, _UNKNOWN) != instance.legal_name:
        network_names_follow([instance.pk])
        setattr(instance, _LOADED_NAME, instance.legal_name)
