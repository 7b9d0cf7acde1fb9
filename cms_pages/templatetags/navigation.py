from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale, Page, Site

register = template.Library()


def _home_for_language(request) -> Page | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    try:
        locale = Locale.objects.get(language_code=get_language())
    except Locale.DoesNotExist:
        return site.root_page
    return site.root_page.get_translation_or_none(locale) or site.root_page


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The top navigation: the live children of this language's home page marked 'show in menus'."""
    request = context["request"]
    home = _home_for_language(request)
    pages = home.get_children().live().public().in_menu().order_by("path") if home else []
    current = context.get("page")
    current_path = current.path if current else ""
    items = [
        {"page": page, "current": page.path == current_path, "active": current_path.startswith(page.path)}
        for page in pages
    ]
    return {"request": request, "items": items}


@register.simple_tag(takes_context=True)
def page_translations(context):
    """(language code, language name, url, is current) for each live translation of the current page,
    falling back to that language's home page; used by the language switcher and hreflang links."""
    request = context["request"]
    page = context.get("page")
    current = get_language()
    site = Site.find_for_request(request)
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
    result = []
    for code, _name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is not None:
            result.append(
                {
                    "code": code,
                    "name": get_language_info(code)["name_local"],
                    "url": target.get_url(request),
                    "full_url": target.get_full_url(request),
                    "current": code == current,
                }
            )
    return result
