"""Files attached to support requests: limits, type checks by content, and storing them privately."""

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_area.materials.validators import DOCX, GIF, JPEG, PDF, PNG, WEBP, XLSX, FileKind, safe_file_name, sniff

from .models import SupportAttachment, SupportComment, SupportRequest

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILES = 5

TEXT = FileKind("text", "text/plain", ("txt",))
CSV = FileKind("text", "text/csv", ("csv",))
ALLOWED_KINDS = (PDF, PNG, JPEG, GIF, WEBP, TEXT, CSV, DOCX, XLSX)
ALLOWED_EXTENSIONS = sorted({ext for kind in ALLOWED_KINDS for ext in kind.extensions})
#: for the file input's accept attribute
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)
TEXT_SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    file: UploadedFile
    kind: FileKind
    display_name: str


def max_bytes() -> int:
    return int(getattr(settings, "SUPPORT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "SUPPORT_ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES))


def _display_name(name: str) -> str:
    """The name the partner gave the file, without any folder part, kept to the field's length."""
    return (PurePath((name or "").replace("\\", "/")).name or "file").strip()[-255:]


def _is_text(file) -> bool:
    """Plain text or CSV: no NUL bytes and no binary signature in the first 64 KB."""
    file.seek(0)
    sample = file.read(TEXT_SAMPLE_BYTES)
    file.seek(0)
    if b"\x00" in sample:
        return False
    return sniff(sample[:16], file) is None


def _kind_of(file, extension: str) -> FileKind | None:
    if extension in TEXT.extensions + CSV.extensions:
        return (TEXT if extension in TEXT.extensions else CSV) if _is_text(file) else None
    file.seek(0)
    kind = sniff(file.read(16), file)
    file.seek(0)
    if kind is None or kind not in ALLOWED_KINDS or extension not in kind.extensions:
        return None
    return kind


def _check_one(file) -> tuple[CheckedFile | None, str | None]:
    name = _display_name(getattr(file, "name", ""))
    limit = max_bytes()
    if file.size is not None and file.size > limit:
        return None, _("“%(name)s” is %(size)s; the limit is %(limit)s per file.") % {
            "name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit),
        }  # fmt: skip
    if not file.size:
        return None, _("“%(name)s” is empty.") % {"name": name}
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        return None, _("“%(name)s”: files of this type are not accepted. Allowed: %(allowed)s.") % {
            "name": name, "allowed": ", ".join(ALLOWED_EXTENSIONS),
        }  # fmt: skip
    kind = _kind_of(file, extension)
    if kind is None:
        return None, _("The content of “%(name)s” does not match its name, or the file is damaged.") % {"name": name}
    return CheckedFile(file=file, kind=kind, display_name=name), None


def checked_attachments(files) -> list[CheckedFile]:
    """Every file checked (count, size, type by extension and content); one ValidationError lists all problems."""
    files = [file for file in (files or ()) if file]
    limit = max_files()
    if len(files) > limit:
        raise ValidationError(
            ngettext("You can attach at most %(limit)d file.", "You can attach at most %(limit)d files.", limit)
            % {"limit": limit},
            code="too_many_files",
        )
    checked, errors = [], []
    for file in files:
        result, error = _check_one(file)
        if error:
            errors.append(ValidationError(error, code="invalid_attachment"))
        else:
            checked.append(result)
    if errors:
        raise ValidationError(errors)
    return checked


def validate_attachments(files: list[UploadedFile]) -> None:
    """Raise ValidationError unless there are at most N files, each within the size limit and of an allowed type
    (PDF, PNG, JPEG, GIF, WebP, plain text, CSV, DOCX, XLSX) judged by extension and content."""
    checked_attachments(files)


def attachments_store(
    *, support_request: SupportRequest, comment: SupportComment | None, files: list[CheckedFile]
) -> list[SupportAttachment]:
    """Save checked files on private storage, attached to the request (and the comment they came with)."""
    stored = []
    for checked in files:
        extension = checked.kind.extensions[0]
        given = PurePath(checked.display_name).suffix.lower().lstrip(".")
        if given in checked.kind.extensions:
            extension = given
        attachment = SupportAttachment(
            support_request=support_request,
            comment=comment,
            filename=checked.display_name,
            content_type=checked.kind.content_type,
            size=checked.file.size,
        )
        checked.file.seek(0)
        attachment.file.save(safe_file_name(checked.display_name, extension=extension), File(checked.file), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def support_attachment_store(*, attachment: SupportAttachment) -> None:
    """Make sure the file is on private storage: an agent's file is fetched from Zendesk the first time and kept;
    its type is trusted only if its content is an allowed one. Raises integrations.zendesk.client.ZendeskError
    when Zendesk cannot deliver it now."""
    if not attachment.file:
        from integrations.zendesk.inbound import attachment_fetch

        content = attachment_fetch(zendesk_attachment_id=attachment.zendesk_attachment_id, max_bytes=max_bytes())
        upload = SimpleUploadedFile(_display_name(attachment.filename), content)
        checked, _error = _check_one(upload)
        kind = checked.kind if checked else None
        extension = kind.extensions[0] if kind else "bin"
        attachment.content_type = kind.content_type if kind else "application/octet-stream"
        attachment.size = len(content)
        upload.seek(0)
        attachment.file.save(safe_file_name(attachment.filename, extension=extension), File(upload), save=False)
        attachment.save(update_fields=["file", "content_type", "size"])


def support_attachment_open(*, attachment: SupportAttachment):
    """The file, fetched from Zendesk when needed (see support_attachment_store), opened for reading."""
    support_attachment_store(attachment=attachment)
    return attachment.file.open("rb")
