"""Files attached to support requests: limits, type checks by content (see partner_area.platform.uploads), and storing
them privately."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_area.platform.ports.zendesk import get_zendesk_gateway
from partner_area.platform.uploads import (
    CSV,
    DOCX,
    GIF,
    JPEG,
    PDF,
    PNG,
    TEXT,
    WEBP,
    XLSX,
    CheckedUpload,
    allowed_extensions,
    check_upload,
    display_file_name,
    safe_file_name,
)

from .models import SupportAttachment, SupportComment, SupportRequest

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILES = 5

ALLOWED_KINDS = (PDF, PNG, JPEG, GIF, WEBP, TEXT, CSV, DOCX, XLSX)
ALLOWED_EXTENSIONS = allowed_extensions(ALLOWED_KINDS)
#: for the file input's accept attribute
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


def max_bytes() -> int:
    return int(getattr(settings, "SUPPORT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "SUPPORT_ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES))


def _display_name(name: str) -> str:
    """The name the partner gave the file, without any folder part, kept to the field's length."""
    return (PurePath(display_file_name(name).replace("\\", "/")).name or "file").strip()[-255:]


def _message(code: str) -> str:
    """Several files are checked at once: each message names its file."""
    return {
        "file_too_large": _("“%(name)s” is %(size)s; the limit is %(limit)s per file."),
        "empty_file": _("“%(name)s” is empty."),
        "extension_not_allowed": _("“%(name)s”: files of this type are not accepted. Allowed: %(allowed)s."),
        "content_mismatch": _("The content of “%(name)s” does not match its name, or the file is damaged."),
        "active_content": _(
            "“%(name)s” contains scripts, automatic actions or embedded files, which are not accepted."
        ),
        "archive_bomb": _(
            "“%(name)s” unpacks to far more than its size or holds too many parts, so it is not accepted."
        ),
    }[code]


def _check_one(file) -> tuple[CheckedUpload | None, str | None]:
    name = _display_name(getattr(file, "name", ""))
    try:
        return check_upload(file, kinds=ALLOWED_KINDS, max_bytes=max_bytes(), name=name), None
    except ValidationError as error:
        return None, _message(error.code) % {**error.params, "name": name}


def checked_attachments(files) -> list[CheckedUpload]:
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
    *, support_request: SupportRequest, comment: SupportComment | None, files: list[CheckedUpload]
) -> list[SupportAttachment]:
    """Save checked files on private storage, attached to the request (and the comment they came with)."""
    stored = []
    for checked in files:
        attachment = SupportAttachment(
            support_request=support_request,
            comment=comment,
            filename=checked.name,
            content_type=checked.kind.content_type,
            size=checked.file.size,
        )
        checked.file.seek(0)
        attachment.file.save(safe_file_name(checked.name, extension=checked.extension), File(checked.file), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def support_attachment_store(*, attachment: SupportAttachment) -> None:
    """Make sure the file is on private storage: an agent's file is fetched from Zendesk the first time and kept;
    its type is trusted only if its content is an allowed one. Raises ZendeskError (the port's) when Zendesk cannot
    deliver it now."""
    if not attachment.file:
        content = get_zendesk_gateway().attachment_content(
            zendesk_attachment_id=attachment.zendesk_attachment_id, max_bytes=max_bytes()
        )
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
