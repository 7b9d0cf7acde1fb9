"""Builders for announcement and material tests: real files, real publishing through Wagtail."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from partner_area.materials.models import Announcement, MaterialCategory, Product
from partner_area.materials.services import material_create

_counter = iter(range(10_000_000))


def pdf_bytes(text: str = "Brello") -> bytes:
    page = Image.new("RGB", (420, 594), "white")
    ImageDraw.Draw(page).text((40, 40), text, fill="black")
    out = io.BytesIO()
    page.save(out, format="PDF")
    return out.getvalue()


def png_bytes(size=(320, 200), color="#0b3b60") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def pdf_upload(name: str = "brochure.pdf", text: str = "Brello") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def make_product(**fields) -> Product:
    n = next(_counter)
    return Product.objects.create(**{"name": f"Product {n}", "slug": f"product-{n}", **fields})


def make_category(**fields) -> MaterialCategory:
    n = next(_counter)
    return MaterialCategory.objects.create(**{"name": f"Category {n}", "slug": f"category-{n}", **fields})


def make_material(*, category=None, upload=None, **fields):
    n = next(_counter)
    return material_create(
        title=fields.pop("title", f"Material {n}"),
        category=category or make_category(),
        uploaded=upload or pdf_upload(f"material-{n}.pdf"),
        **fields,
    )


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
