"""Demo products, material categories, a dozen materials with real generated files (PDFs and images), the
featured video and the editors' permissions; categories and the video title have Latvian versions.
Idempotent. The demo announcements are seeded by partner_area/announcements/seed.py."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from wagtail.models import Locale

from partner_area.companies.models import Company, Tier

from .editors import editor_setup
from .models import FeaturedVideo, Material, MaterialCategory, PartnerHomeSettings, Product
from .services import material_create

PRODUCTS = [
    ("crm", "Brello CRM", "Sales pipeline, quotes and customer history in one place.", ["nordlink", "balticsoft"]),
    ("hr", "Brello HR", "Payroll, leave and people records for Baltic companies.", ["nordlink", "rigadata"]),
    ("analytics", "Brello Analytics", "Dashboards over sales, stock and finance.", ["nordlink", "ambertech"]),
]
CATEGORIES = [
    ("brochure", "Brochures", "Brošūras"),
    ("price-list", "Price lists", "Cenu lapas"),
    ("technical-sheet", "Technical sheets", "Tehniskās specifikācijas"),
    ("training", "Training", "Apmācības"),
    ("logo-pack", "Logo packs", "Logotipu komplekti"),
    ("other", "Other", "Citi"),
]
BRAND = (11, 59, 96)
ACCENT = (15, 118, 110)

# (title, file name, category, products, language, audience, description)
MATERIALS = [
    ("Brello CRM brochure", "brello-crm-brochure.pdf", "brochure", ["crm"], "en", {}, "Four pages for customers."),
    ("Brello CRM brošūra", "brello-crm-brosura.pdf", "brochure", ["crm"], "lv", {},
     "Brošūra klientiem latviešu valodā."),
    ("CRM price list 2026", "crm-price-list-2026.pdf", "price-list", ["crm"], "en",
     {"audience_all": False, "audience_products": ["crm"]}, "Partner prices and discounts for CRM."),
    ("CRM technical sheet", "crm-technical-sheet.pdf", "technical-sheet", ["crm"], "en", {},
     "Hosting and integrations."),
    ("Brello HR brochure", "brello-hr-brochure.pdf", "brochure", ["hr"], "en", {}, "Payroll and people records."),
    ("HR price list 2026", "hr-price-list-2026.pdf", "price-list", ["hr"], "en",
     {"audience_all": False, "audience_products": ["hr"]}, "Partner prices for HR."),
    ("HR onboarding training", "hr-onboarding-training.pdf", "training", ["hr"], "lv", {},
     "Apmācība jauniem partneriem."),
    ("Analytics dashboard screenshot", "analytics-dashboard.png", "brochure", ["analytics"], "en", {},
     "A screenshot for your website."),
    ("Analytics price list (Gold and Platinum)", "analytics-price-list.pdf", "price-list", ["analytics"], "en",
     {"audience_all": False, "audience_tiers": [Tier.GOLD, Tier.PLATINUM]}, "Volume prices for top-tier partners."),
    ("Brello 360 logo pack", "brello-360-logo.png", "logo-pack", [], "multi", {}, "Logos on light and dark."),
    ("Partner programme terms 2026", "partner-terms-2026.pdf", "other", [], "en", {"admins_only": True},
     "The contract terms, for organisation admins."),
    ("Sales playbook for the whole suite", "suite-sales-playbook.pdf", "training", ["crm", "hr", "analytics"], "en",
     {}, "How to sell the suite, step by step."),
]  # fmt: skip


def _pdf(title: str, lines: list[str]) -> bytes:
    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 595, 120), fill=BRAND)
    draw.text((40, 40), "Brello 360", fill="white", font_size=32)
    draw.text((40, 160), title, fill=BRAND, font_size=26)
    for number, line in enumerate(lines):
        draw.text((40, 220 + number * 30), line, fill=(28, 36, 48), font_size=16)
    draw.rectangle((40, 700, 555, 704), fill=ACCENT)
    draw.text((40, 720), "partners.brello.example", fill=ACCENT, font_size=14)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=72)
    return out.getvalue()


def _png(title: str) -> bytes:
    image = Image.new("RGB", (1200, 800), BRAND)
    draw = ImageDraw.Draw(image)
    for bar, height in enumerate((220, 340, 280, 460, 390, 560)):
        draw.rectangle((140 + bar * 160, 700 - height, 240 + bar * 160, 700), fill=ACCENT)
    draw.text((80, 60), title, fill="white", font_size=56)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _companies(*keys: str) -> list[Company]:
    return list(Company.objects.filter(email__in=[f"office@{key}.example.lv" for key in keys]))


def materials_seed() -> None:
    editor_setup()
    products = {}
    for order, (slug, name, description, partners) in enumerate(PRODUCTS):
        product, _ = Product.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_description": description, "sort_order": order}
        )
        product.partners.add(*_companies(*partners))
        products[slug] = product
    categories = {}
    english, latvian = Locale.get_default(), Locale.objects.get_or_create(language_code="lv")[0]
    for order, (slug, name, name_lv) in enumerate(CATEGORIES):
        categories[slug], _ = MaterialCategory.objects.get_or_create(
            slug=slug, locale=english, defaults={"name": name, "sort_order": order}
        )
        if not categories[slug].has_translation(latvian):
            translation = categories[slug].copy_for_translation(latvian)
            translation.name = name_lv
            translation.full_clean()
            translation.save()

    for number, (title, file_name, category, product_slugs, language, audience, description) in enumerate(MATERIALS):
        if Material.objects.filter(title=title).exists():
            continue
        if file_name.endswith(".png"):
            content = _png(title)
        else:
            content = _pdf(title, [description, "", "Version 2026.1", f"Document {number + 1} of the demo library."])
        audience = dict(audience)
        audience["audience_products"] = [products[slug] for slug in audience.pop("audience_products", [])]
        material = material_create(
            title=title,
            description=description,
            category=categories[category],
            uploaded=SimpleUploadedFile(file_name, content),
            products=[products[slug] for slug in product_slugs],
            language=language,
            version="2026.1",
            **audience,
        )
        # Older demo materials, so that only the recent ones carry a "new" badge.
        added = timezone.now() - timedelta(days=40 - number * 3)
        Material.objects.filter(pk=material.pk).update(created_at=added, version_date=added.date())

    _featured_video_seed(english=english, latvian=latvian)


DEMO_VIDEO_URL = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"


def _featured_video_seed(*, english: Locale, latvian: Locale) -> None:
    """The demo video on the partner home, with its Latvian title as the Latvian translation; a video the
    editors chose stays."""
    home = PartnerHomeSettings.load()
    video = home.featured_video
    if video is None:
        video = FeaturedVideo.objects.filter(url=DEMO_VIDEO_URL, locale=english).first() or FeaturedVideo(
            url=DEMO_VIDEO_URL,
            video_fetched_url=DEMO_VIDEO_URL,  # no provider call in the demo: a stored snapshot
            title="Brello 360 in two minutes",
            video_provider="YouTube",
            video_html=(
                '<iframe src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ" title="Brello 360 in two minutes" '
                'loading="lazy" allow="encrypted-media; picture-in-picture; fullscreen" allowfullscreen></iframe>'
            ),
            locale=english,
        )
        video.full_clean()
        video.save()
        home.featured_video = video
        home.save()
    if video.url == DEMO_VIDEO_URL and not video.has_translation(latvian):
        translation = video.copy_for_translation(latvian)
        translation.title = "Brello 360 divās minūtēs"
        translation.full_clean()
        translation.save()
