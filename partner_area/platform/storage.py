"""Where private files live (materials, support attachments, remittance advices): the STORAGES alias "private".
With an S3 bucket configured it is the bucket (private: every URL is presigned and short-lived); without one a
folder outside MEDIA_ROOT, so that no static /media/ URL can serve them: the only way out is an authorising view."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


def private_media_root() -> Path:
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
    if configured:
        return Path(configured)
    # Under var/ (git-ignored), named after MEDIA_ROOT so that tests and development never share files.
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.MEDIA_ROOT).parent))
    return var_dir / f"private-{Path(settings.MEDIA_ROOT).name}"


def uses_s3() -> bool:
    return hasattr(storages[PRIVATE], "bucket_name")


# The STORAGES alias of private files (materials, support attachments, remittance advices): settings/base.py
# points it at the S3 bucket when one is configured (every URL presigned and short-lived), else at
# LocalPrivateStorage.
PRIVATE = "private"


class LocalPrivateStorage(FileSystemStorage):
    """Private files on local disk, outside MEDIA_ROOT (so no static /media/ URL serves them); the folder is read
    from the settings when used, so tests that point PRIVATE_MEDIA_ROOT elsewhere are honoured."""

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, private_root_str())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        """The editors' file view in the admin (partners never see it: their downloads go through the authorising
        views)."""
        from django.urls import reverse

        return reverse("materials_admin_file", args=[name])


class _PrivateStorage(LazyObject):
    """storages["private"], looked up when first used and again after STORAGES changes (tests switch to S3)."""

    def _setup(self):
        self._wrapped = storages[PRIVATE]


private_storage = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs) -> None:
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"):
        private_storage._wrapped = empty


def private_file_response(*, file, filename: str, content_type: str):
    """A private file for download: a redirect to a short-lived presigned URL on S3, else a streamed response.

    Callers authorise first (materials, support attachments); the response is never stored by a shared cache."""
    from django.http import FileResponse, HttpResponseRedirect
    from django.utils.http import content_disposition_header

    if uses_s3():
        # Quoted and RFC 5987-encoded: user-supplied names may hold quotes or non-ASCII letters.
        disposition = content_disposition_header(as_attachment=True, filename=filename)
        url = file.storage.url(
            file.name, parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type}
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def private_root_str() -> str:
    return str(private_media_root())


def private_file_storage():
    """The storage of every private file field (named in migrations)."""
    return private_storage
