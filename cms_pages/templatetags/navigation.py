"""The public site's navigation: main menu, language links and footer settings, on every page.

Each is built once per site, language and content version and kept in the cache (cms_pages/caching.py bumps the
version on every publish, unpublish, move, delete and settings change), so an uncached page spends its queries
on its own content and Wagtail's routing, not on menus. What is kept is plain data (titles, URLs, paths), never a
per-request value: which item is current is worked out on each render."""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale, Page, Site

from cms_pages.caching import content_version
from cms_pages.models import SiteFooterSettings

register = template.Library()

NAVIGATION_CACHE_SECONDS = 3600  # an upper bound: a version bump already makes the old entries unreachable


def _cached(name: str, *parts, build):
    key = ":".join(["cms:nav", str(content_version()), name, *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=NAVIGATION_CACHE_SECONDS)
    return value


def _home_for_language(site: Site, language: str) -> Page:
    try:
        locale = Locale.objects.get(language_code=language)
    except Locale.DoesNotExist:
        return site.root_page
    return site.root_page.get_translation_or_none(locale) or site.root_page


def _menu_entries(request, site: Site, language: str) -> list[dict]:
    home = _home_for_language(site, language)
    pages = home.get_children().live().public().in_menu().order_by("path")
    return [{"title": page.title, "url": page.get_url(request), "path": page.path} for page in pages]


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The top navigation: the live children of this language's home page marked 'show in menus'."""
    request = context["request"]
    site = Site.find_for_request(request)
    language = get_language()
    entries = _cached("menu", site.pk, language, build=lambda: _menu_entries(request, site, language)) if site else []
    current = context.get("page")
    current_path = current.path if current else ""
    items = [
        {**entry, "current": entry["path"] == current_path, "active": current_path.startswith(entry["path"])}
        for entry in entries
    ]
    return {"request": request, "items": items}


def _translation_links(request, site: Site | None, page: Page | None) -> list[dict]:
    homes = {}
    if site:
        homes = {
            p.locale.language_code: p
            for p in site.root_page.get_translations(inclusive=True).live().select_related("locale")
        }
    translations = {}
    if page is not None:
        translations = {
            p.locale.language_code: p for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
    links = []
    for code, _name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is not None:
            links.append(
                {
                    "code": code,
                    "name": get_language_info(code)["name_local"],
                    "url": target.get_url(request),
                    "full_url": target.get_full_url(request),
                }
            )
    return links


@register.simple_tag(takes_context=True)
def page_translations(context):
    """(language code, language name, url, is current) for each live translation of the current page,
    falling back to that language's home page; used by the language switcher and hreflang links."""
    request = context["request"]
    page = context.get("page")
    site = Site.find_for_request(request)
    links = _cached(
        "translations",
        site.pk if site else "-",
        page.pk if page is not None else "-",
        build=lambda: _translation_links(request, site, page),
    )
    current = get_language()
    return [{**link, "current": link["code"] == current} for link in links]


@register.simple_tag(name="content_version")
def content_version_tag() -> int:
    """The site-wide content version, for `{% cache %}` keys of fragments that must go when content changes."""
    return content_version()


@register.simple_tag
def footer_settings() -> SiteFooterSettings:
    """The default site's footer settings (contact details, social links)."""

    def build():
        site = Site.objects.filter(is_default_site=True).first()
        return SiteFooterSettings.for_site(site) if site else SiteFooterSettings()

    return _cached("footer", build=build)
