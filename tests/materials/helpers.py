"""Builders for material tests: real files."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from wagtail.models import Locale

from partner_area.materials.models import MaterialCategory, Product
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


def make_category(*, name_lv: str = "", **fields) -> MaterialCategory:
    """An English category and, with `name_lv`, its Latvian translation."""
    n = next(_counter)
    category = MaterialCategory.objects.create(**{"name": f"Category {n}", "slug": f"category-{n}", **fields})
    if name_lv:
        translation = category.copy_for_translation(Locale.objects.get_or_create(language_code="lv")[0])
        translation.name = name_lv
        translation.save()
    return category


def make_material(*, category=None, upload=None, **fields):
    n = next(_counter)
    return material_create(
        title=fields.pop("title", f"Material {n}"),
        category=category or make_category(),
        uploaded=upload or pdf_upload(f"material-{n}.pdf"),
        **fields,
    )
