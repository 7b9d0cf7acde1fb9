"""Upload checks for material files: the type is read from the content (magic bytes, and Pillow for
images), the extension must agree with it, the size has a limit, and the name is made safe."""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

DEFAULT_MAX_UPLOAD_SIZE = 50 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str  # also the icon name
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "application/pdf", ("pdf",))
PNG = FileKind("image", "image/png", ("png",))
JPEG = FileKind("image", "image/jpeg", ("jpg", "jpeg"))
GIF = FileKind("image", "image/gif", ("gif",))
WEBP = FileKind("image", "image/webp", ("webp",))
DOCX = FileKind("document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = FileKind("spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = FileKind("presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",))
ZIP = FileKind("archive", "application/zip", ("zip",))
MP4 = FileKind("video", "video/mp4", ("mp4", "m4v"))

# Office files are ZIP archives; the folder of their main part tells which one.
OFFICE_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
IMAGE_FORMATS = {"PNG": PNG, "JPEG": JPEG, "GIF": GIF, "WEBP": WEBP}
ALLOWED_EXTENSIONS = sorted(
    {ext for kind in (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ZIP, MP4) for ext in kind.extensions}
)


def max_upload_size() -> int:
    return int(getattr(settings, "MATERIALS_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE))


def sniff(head: bytes, file) -> FileKind | None:
    """The kind of file from its content, or None when it is not one we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        for prefix, kind in OFFICE_PARTS.items():
            if "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names):
                return kind
        return ZIP
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_FORMATS.get(image_format)


def safe_file_name(name: str, *, extension: str) -> str:
    """ASCII letters, digits, dashes and dots only, no path, at most 80 characters, the given extension."""
    stem = PurePath(name.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-.").lower()[:70] or "file"
    return f"{stem}.{extension}"


def validate_material_file(file) -> FileKind:
    """Raise ValidationError unless the upload is an allowed type (by content), within the size limit,
    with an extension that matches its content. Returns its kind."""
    limit = max_upload_size()
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if not file.size:
        raise ValidationError(_("The file is empty."), code="empty_file")
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of type “.%(extension)s” are not accepted. Allowed: %(allowed)s.")
            % {"extension": extension or "?", "allowed": ", ".join(ALLOWED_EXTENSIONS)},
            code="extension_not_allowed",
        )
    file.seek(0)
    head = file.read(16)
    kind = sniff(head, file)
    file.seek(0)
    if kind is None or extension not in kind.extensions:
        raise ValidationError(
            _("The content of this file does not match its “.%(extension)s” name, or it is damaged.")
            % {"extension": extension},
            code="content_mismatch",
        )
    return kind


def kind_for_bytes(data: bytes) -> FileKind | None:
    return sniff(data[:16], io.BytesIO(data))
