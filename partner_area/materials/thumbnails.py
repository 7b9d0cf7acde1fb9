"""Small previews of material files: Pillow for images, PDFium for the first page of a PDF. Anything
else (or a file that cannot be rendered) gets the generic icon of its type in the template."""

import io
import logging

from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (480, 360)


def _as_webp(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "P") else "RGB")
    image.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=80)
    return out.getvalue()


def thumbnail_for(data: bytes, *, kind: str) -> bytes | None:
    """WebP bytes of a preview, or None when no preview can be made."""
    try:
        if kind == "image":
            with Image.open(io.BytesIO(data)) as image:
                return _as_webp(image)
        if kind == "pdf":
            import pypdfium2

            document = pypdfium2.PdfDocument(data)
            try:
                page = document[0]
                width = page.get_width() or 1
                bitmap = page.render(scale=THUMBNAIL_SIZE[0] / width)
                return _as_webp(bitmap.to_pil())
            finally:
                document.close()
    except Exception:  # noqa: BLE001 - a broken preview must never block an upload
        logger.warning("Could not make a %s thumbnail", kind, exc_info=True)
    return None
