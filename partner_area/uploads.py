"""One check for uploaded files, whoever takes them (materials, support attachments, remittance advices): the type
is read from the content (magic bytes, Pillow for images, no binary bytes for text), the extension must agree with
it, the size has a limit. Each caller passes its own kinds and limit, and may word the errors its own way by their
code: file_too_large, empty_file, extension_not_allowed, content_mismatch (params: size, limit, extension,
allowed)."""

import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError


@dataclass(frozen=True)
class FileKind:
    key: str  # also the icon name
    content_type: str
    extensions: tuple[str, ...]
    plain_text: bool = False  # judged by the absence of binary content, as text has no signature


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
TEXT = FileKind("text", "text/plain", ("txt",), plain_text=True)
CSV = FileKind("text", "text/csv", ("csv",), plain_text=True)

# Office files are ZIP archives; the folder of their main part tells which one.
OFFICE_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
IMAGE_FORMATS = {"PNG": PNG, "JPEG": JPEG, "GIF": GIF, "WEBP": WEBP}
TEXT_SAMPLE_BYTES = 64 * 1024

MESSAGES = {
    "file_too_large": _("This file is %(size)s; the limit is %(limit)s."),
    "empty_file": _("The file is empty."),
    "extension_not_allowed": _("Files of type “.%(extension)s” are not accepted. Allowed: %(allowed)s."),
    "content_mismatch": _("The content of this file does not match its “.%(extension)s” name, or it is damaged."),
}
# The rules a file object passed, kept on it: the form and then the service check the same upload in one request.
_PASSED = "_upload_check_passed"


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    kind: FileKind
    name: str  # as given (or as the caller named it)
    extension: str  # lower case, one of kind.extensions


def allowed_extensions(kinds: Iterable[FileKind]) -> list[str]:
    return sorted({extension for kind in kinds for extension in kind.extensions})


def sniff(head: bytes, file) -> FileKind | None:
    """The kind of file from its content, or None when it is not one we recognise (plain text is not)."""
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


def _is_plain_text(file) -> bool:
    """No NUL bytes and no binary signature in the first 64 KB."""
    file.seek(0)
    sample = file.read(TEXT_SAMPLE_BYTES)
    if b"\x00" in sample:
        return False
    return sniff(sample[:16], file) is None


def _kind_of(file, extension: str, kinds: tuple[FileKind, ...]) -> FileKind | None:
    text_kind = next((kind for kind in kinds if kind.plain_text and extension in kind.extensions), None)
    try:
        if text_kind:
            return text_kind if _is_plain_text(file) else None
        file.seek(0)
        kind = sniff(file.read(16), file)
    finally:
        file.seek(0)
    return kind if kind in kinds and extension in kind.extensions else None


def check_upload(file, *, kinds: Iterable[FileKind], max_bytes: int, name: str | None = None) -> CheckedUpload:
    """Raise ValidationError (code and params as in the module docstring) unless the file is within `max_bytes`, not
    empty, and of one of `kinds` by both its extension and its content. `name` defaults to the file's own."""
    kinds = tuple(kinds)
    name = (file.name or "") if name is None else name
    rules = (frozenset(kinds), max_bytes, name, file.size)
    passed = getattr(file, _PASSED, None)
    if passed is not None and passed[0] == rules:
        file.seek(0)
        return passed[1]
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = allowed_extensions(kinds)
    params = {
        "size": filesizeformat(file.size or 0),
        "limit": filesizeformat(max_bytes),
        "extension": extension or "?",
        "allowed": ", ".join(allowed),
    }
    if file.size is not None and file.size > max_bytes:
        code = "file_too_large"
    elif not file.size:
        code = "empty_file"
    elif extension not in allowed:
        code = "extension_not_allowed"
    elif (kind := _kind_of(file, extension, kinds)) is None:
        code = "content_mismatch"
    else:
        checked = CheckedUpload(file=file, kind=kind, name=name, extension=extension)
        setattr(file, _PASSED, (rules, checked))
        return checked
    raise ValidationError(MESSAGES[code], code=code, params=params)


def safe_file_name(name: str, *, extension: str) -> str:
    """ASCII letters, digits, dashes and dots only, no path, at most 80 characters, the given extension."""
    stem = PurePath(name.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-.").lower()[:70] or "file"
    return f"{stem}.{extension}"
