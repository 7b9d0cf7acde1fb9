"""Rendered dashboard fragments (turnover tiles and charts, top clients) cached in Redis per company, period and
language: rendering them was most of a dashboard request's CPU, and they change only when data is imported.

The key holds one global data version. Every writer of what the fragments show bumps it: every roll-up writer
(`rollup_lock`, which each turnover and client write takes first), every page an ERP pull applies, and every save or
deletion of a company. A bump drops every company's fragments at once: imports come in pages, and a page touches
many partners and their uplines, so one counter is both simpler and safer than per-company keys. The version is
bumped now and again when the transaction commits, so a request reading in between cannot store the old figures
under the new version.

The sub-partner table, the period form and the invoice balances are never part of a fragment: they depend on the
sorting, the page, the form's state and the member's sections (balances have their own per-company cache)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

from partner_area.companies.models import Company

from .periods import Period

VERSION_KEY = "dashboard-fragments:version"
_REQUEST_VERSION = "_dashboard_fragments_version"


def fragment_seconds() -> int:
    return settings.DASHBOARD_FRAGMENT_CACHE_SECONDS


def _bump() -> None:
    if not cache.add(VERSION_KEY, 1, timeout=None):
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # evicted between add and incr
            cache.add(VERSION_KEY, 1, timeout=None)


def dashboard_fragments_forget() -> None:
    """Drop every cached dashboard fragment: now, and again when the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def data_version(request=None) -> int:
    """The current data version, read once per request."""
    if request is not None and hasattr(request, _REQUEST_VERSION):
        return getattr(request, _REQUEST_VERSION)
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    if request is not None:
        setattr(request, _REQUEST_VERSION, version)
    return version


def fragment_key(*, name: str, company_id: int, period: Period, version: int, language: str | None = None) -> str:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return (
        f"dashboard-fragment:{version}:{name}:{company_id}:{period.key}:"
        f"{period.first_month:%Y-%m}:{period.last_month:%Y-%m}:{language}"
    )


@receiver(post_save, sender=Company, dispatch_uid="dashboard_fragments_company_saved")
@receiver(post_delete, sender=Company, dispatch_uid="dashboard_fragments_company_deleted")
def forget_on_company_change(sender, instance: Company, raw: bool = False, **kwargs) -> None:
    if not raw:
        dashboard_fragments_forget()
