"""Builds the demo public site (English and Latvian) from cms_pages.demo_content. Idempotent:
pages that already exist (by slug under their parent) are left as editors may have changed them."""

import json
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupApprovalTask, Locale, Page, Site, Workflow, WorkflowPage, WorkflowTask

from . import demo_content as content
from .models import ContentPage, HomePage, SiteFooterSettings, SolutionIndexPage

PAGE_TYPES = {"ContentPage": ContentPage, "SolutionIndexPage": SolutionIndexPage}


def _demo_image(name: str):
    """A generated placeholder picture, created once per name."""
    Image = get_image_model()
    title, width, height, background, foreground, label = content.IMAGES[name]
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    picture = PILImage.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(picture)
    if height > 100:
        for i in range(6):
            r = (i + 2) * height // 9
            draw.ellipse((width - r, height - r, width + r, height + r), outline=foreground, width=2)
        draw.text((width // 12, height // 2 - 6), label, fill=foreground, font_size=max(14, height // 8))
    else:  # a logo: the name large and centred, legible at the strip's size
        draw.text((width // 2, height // 2), label, fill=foreground, font_size=height * 2 // 5, anchor="mm")
    buffer = BytesIO()
    picture.save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{name}.png"))


def _resolve(value, pages: dict[str, Page]):
    """Replace IMAGE:/PAGE: placeholders with ids, recursively."""
    if isinstance(value, str):
        if value.startswith("IMAGE:"):
            return _demo_image(value.removeprefix("IMAGE:")).pk
        if value.startswith("PAGE:"):
            return pages[value.removeprefix("PAGE:")].pk
        return value
    if isinstance(value, dict):
        return {key: _resolve(item, pages) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, pages) for item in value]
    return value


def _stream(blocks, pages) -> str:
    return json.dumps([{"type": kind, "value": _resolve(value, pages)} for kind, value in blocks])


def _child(parent: Page, slug: str) -> Page | None:
    return parent.get_children().filter(slug=slug).specific().first()


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _ensure_locales() -> dict[str, Locale]:
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "lv")}


def _ensure_tree_roots(locale: Locale) -> Page:
    """Wagtail's migrations create the page tree root and the root collection; a flushed database
    (transactional tests) has neither."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


def _ensure_moderation_workflow(root: Page) -> None:
    """Every public page goes through moderator approval (Wagtail's default workflow, recreated if a
    database was flushed)."""
    if WorkflowPage.objects.filter(page=root).exists():
        return
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    task, created = GroupApprovalTask.objects.get_or_create(name="Moderators approval")
    if created:
        task.groups.set([moderators])
    workflow, _ = Workflow.objects.get_or_create(name="Moderators approval")
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.create(workflow=workflow, page=root)


@transaction.atomic
def public_site_seed() -> HomePage:
    """Create (once) the English and Latvian public site and point the default site at it."""
    locales = _ensure_locales()
    root = _ensure_tree_roots(locales["en"])
    _ensure_moderation_workflow(root)
    home_en = HomePage.objects.filter(locale=locales["en"], depth=2).first()
    created: dict[str, list[tuple[Page, dict]]] = {"en": [], "lv": []}

    if home_en is None:
        # Wagtail's own placeholder page ("Welcome to your new Wagtail site!") has no place here.
        Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").delete()
        home_en = HomePage(title=content.HOME["en"]["title"], slug="home", locale=locales["en"])
        root.add_child(instance=home_en)
        created["en"].append((home_en, content.HOME["en"]))
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site.hostname, site.port = base.hostname or "localhost", base.port or (443 if base.scheme == "https" else 80)
    site.site_name, site.root_page = "Brello 360", home_en
    site.save()

    home_lv = home_en.get_translation_or_none(locales["lv"])
    if home_lv is None:
        home_lv = home_en.copy_for_translation(locales["lv"]).specific
        home_lv.title, home_lv.slug = content.HOME["lv"]["title"], "sakums"
        home_lv.save()  # before children are added, so their url paths start with the final slug
        created["lv"].append((home_lv, content.HOME["lv"]))

    pages = {"en": {"home": home_en}, "lv": {"home": home_lv}}
    for spec in content.PAGES:
        for lang, home in (("en", home_en), ("lv", home_lv)):
            page = _child(home, spec["slug"][lang])
            if page is None:
                page = PAGE_TYPES[spec["type"]](
                    title=spec[lang]["title"], slug=spec["slug"][lang], show_in_menus=True, locale=locales[lang]
                )
                if lang == "lv":  # keep the translation link to the English page
                    page.translation_key = pages["en"][spec["key"]].translation_key
                home.add_child(instance=page)
                created[lang].append((page, spec[lang]))
            pages[lang][spec["key"]] = page

    for spec in content.SOLUTIONS:
        for lang in ("en", "lv"):
            index = pages[lang]["solutions"]
            page = _child(index, spec["slug"][lang])
            if page is None:
                page = ContentPage(title=spec[lang]["title"], slug=spec["slug"][lang], locale=locales[lang])
                page.social_image_id = _resolve(spec["image"], {})
                if lang == "lv":
                    page.translation_key = pages["en"][spec["key"]].translation_key
                index.add_child(instance=page)
                created[lang].append((page, spec[lang]))
            pages[lang][spec["key"]] = page

    for lang, items in created.items():
        for page, data in items:
            page.title = data["title"]
            page.summary = data["summary"]
            page.body = _stream(data["body"], pages[lang])
            _publish(page)

    footer = SiteFooterSettings.for_site(site)
    if not footer.contact_email:
        for field, value in content.FOOTER.items():
            setattr(footer, field, value)
        footer.save()
    return home_en
