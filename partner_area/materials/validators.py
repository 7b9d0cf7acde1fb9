"""Upload checks for material files: any kind the library can show (documents, images, video, archives), by
content, within the size limit (see partner_area.platform.uploads); names are made safe."""

from django.conf import settings

from partner_area.platform.uploads import (
    DOCX,
    GIF,
    JPEG,
    MP4,
    PDF,
    PNG,
    PPTX,
    WEBP,
    XLSX,
    ZIP,
    FileKind,
    allowed_extensions,
    check_upload,
    safe_file_name,
)

__all__ = ["ALLOWED_EXTENSIONS", "MATERIAL_KINDS", "max_upload_size", "safe_file_name", "validate_material_file"]

DEFAULT_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
MATERIAL_KINDS = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ZIP, MP4)
ALLOWED_EXTENSIONS = allowed_extensions(MATERIAL_KINDS)


def max_upload_size() -> int:
    return int(getattr(settings, "MATERIALS_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE))


def validate_material_file(file) -> FileKind:
    """Raise ValidationError unless the upload is an allowed type (by content), within the size limit,
    with an extension that matches its content. Returns its kind."""
    return check_upload(file, kinds=MATERIAL_KINDS, max_bytes=max_upload_size()).kind
