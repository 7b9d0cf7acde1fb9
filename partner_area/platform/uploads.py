"""One check for uploaded files, whoever takes them (materials, support attachments, remittance advices): the type
is read from the content (magic bytes by `filetype`, the archive's parts for Office files, Pillow for images, no
binary bytes for text), the extension must agree with it, the size has a limit. Content that acts when opened is
refused: PDFs with scripts, automatic actions, launch actions or embedded files, and archives (Office files too)
that inflate far beyond their size or hold too many members. Each caller passes its own kinds and limit, and may
word the errors its own way by their code: file_too_large, empty_file, extension_not_allowed, content_mismatch,
active_content, archive_bomb (params: size, limit, extension, allowed)."""

import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

import filetype
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
SNIFF_BYTES = 8192  # what filetype reads
# PDF names that run something when the file is opened or a link followed, or carry another file inside.
ACTIVE_PDF_NAMES = frozenset({b"JavaScript", b"JS", b"OpenAction", b"AA", b"Launch", b"EmbeddedFile", b"RichMedia"})
PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
PDF_INFLATED_LIMIT = 64 * 1024 * 1024  # compressed streams are inflated to look inside, up to this much in all
# Archives (ZIP, and the Office files that are ZIPs): what a 200 KB file may unpack to.
ARCHIVE_MAX_MEMBERS = 2000
ARCHIVE_MAX_INFLATED = 100 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100

MESSAGES = {
    "file_too_large": _("This file is %(size)s; the limit is %(limit)s."),
    "empty_file": _("The file is empty."),
    "extension_not_allowed": _("Files of type “.%(extension)s” are not accepted. Allowed: %(allowed)s."),
    "content_mismatch": _("The content of this file does not match its “.%(extension)s” name, or it is damaged."),
    "active_content": _("This PDF contains scripts, automatic actions or embedded files, which are not accepted."),
    "archive_bomb": _("This file unpacks to far more than its size or holds too many parts, so it is not accepted."),
}
# Bidirectional-text controls can make "invoice‮fdp.exe" display as "invoiceexe.pdf".
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])
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
    mime = filetype.guess_mime(head)
    if mime == "application/pdf":
        return PDF
    if mime in ("video/mp4", "video/x-m4v", "video/quicktime") and head[4:8] == b"ftyp":
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
    return sniff(sample[:SNIFF_BYTES], file) is None


def _pdf_names(data: bytes) -> set[bytes]:
    """Every name in the PDF, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), name) for name in PDF_NAME.findall(data)}


def _pdf_is_active(file) -> bool:
    """Whether the PDF, or any of its compressed streams (object streams hide dictionaries), names active content."""
    file.seek(0)
    data = file.read()
    if _pdf_names(data) & ACTIVE_PDF_NAMES:
        return True
    budget = PDF_INFLATED_LIMIT
    for stream in PDF_STREAM.findall(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(stream, budget)
        except zlib.error:
            continue  # not Flate (an image, say): nothing to read in it
        budget -= len(inflated)
        if _pdf_names(inflated) & ACTIVE_PDF_NAMES:
            return True
        if budget <= 0:
            return True  # a PDF that inflates past the budget is a bomb as much as an archive would be
    return False


def _archive_is_bomb(file) -> bool:
    """Too many members, or more inflated bytes than the limit or the ratio allows (sizes as the archive declares
    them; a member that lies about its size fails its CRC when unpacked)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return True
    inflated = sum(member.file_size for member in members)
    compressed = max(1, sum(member.compress_size for member in members))
    return (
        len(members) > ARCHIVE_MAX_MEMBERS
        or inflated > ARCHIVE_MAX_INFLATED
        or inflated > ARCHIVE_MAX_RATIO * compressed
    )


def _active_content_code(file, kind: FileKind) -> str | None:
    try:
        if kind is PDF and _pdf_is_active(file):
            return "active_content"
        if kind in (DOCX, XLSX, PPTX, ZIP) and _archive_is_bomb(file):
            return "archive_bomb"
        return None
    finally:
        file.seek(0)


def display_file_name(name: str) -> str:
    """A file name as people see it: without bidirectional-text controls or other invisible format characters."""
    cleaned = (name or "").translate(BIDI_CONTROLS)
    return "".join(char for char in cleaned if unicodedata.category(char) not in ("Cc", "Cf"))


def _kind_of(file, extension: str, kinds: tuple[FileKind, ...]) -> FileKind | None:
    text_kind = next((kind for kind in kinds if kind.plain_text and extension in kind.extensions), None)
    try:
        if text_kind:
            return text_kind if _is_plain_text(file) else None
        file.seek(0)
        kind = sniff(file.read(SNIFF_BYTES), file)
    finally:
        file.seek(0)
    return kind if kind in kinds and extension in kind.extensions else None


def check_upload(file, *, kinds: Iterable[FileKind], max_bytes: int, name: str | None = None) -> CheckedUpload:
    """Raise ValidationError (code and params as in the module docstring) unless the file is within `max_bytes`, not
    empty, and of one of `kinds` by both its extension and its content. `name` defaults to the file's own."""
    kinds = tuple(kinds)
    name = display_file_name((file.name or "") if name is None else name)
    rules = (frozenset(kinds), max_bytes, name, file.size)
    passed = getattr(file, _PASSED, None)
    if passed is not None and passed[0] == rules:
        file.seek(0)
        return passed[1]
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = allowed_extensions(kinds)
    size, limit = filesizeformat(file.size or 0), filesizeformat(max_bytes)
    if size == limit:  # just over the limit: "10.0 MB; the limit is 10.0 MB" would say nothing
        size, limit = f"{file.size:,} B", f"{max_bytes:,} B"
    params = {
        "size": size,
        "limit": limit,
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
    elif active := _active_content_code(file, kind):
        code = active
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
