"""Where material files live. With an S3 bucket configured they go to the default storage (a private
bucket: every URL is presigned and short-lived). Without one they go to a folder outside MEDIA_ROOT, so
that no static /media/ URL can serve them: the only way out is the authorising download view."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible


def private_media_root() -> Path:
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
    if configured:
        return Path(configured)
    # Under var/ (git-ignored), named after MEDIA_ROOT so that tests and development never share files.
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.MEDIA_ROOT).parent))
    return var_dir / f"private-{Path(settings.MEDIA_ROOT).name}"


def uses_s3() -> bool:
    return hasattr(storages["default"], "bucket_name")


@deconstructible
class PrivateFileStorage(Storage):
    """Picks its backend at call time, so tests that switch STORAGES to S3 are honoured."""

    def backend(self) -> Storage:
        if uses_s3():
            return storages["default"]
        return FileSystemStorage(location=private_root_str(), base_url=None)

    def _open(self, name, mode="rb"):
        return self.backend().open(name, mode)

    def _save(self, name, content):
        return self.backend().save(name, content)

    def get_available_name(self, name, max_length=None):
        return self.backend().get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self.backend().delete(name)

    def exists(self, name):
        return self.backend().exists(name)

    def size(self, name):
        return self.backend().size(name)

    def listdir(self, path):
        return self.backend().listdir(path)

    def path(self, name):
        return self.backend().path(name)

    def url(self, name, **kwargs):
        """A presigned URL on S3; locally the editors' file view in the admin (partners never see either:
        their downloads go through the authorising view)."""
        if uses_s3():
            return self.backend().url(name, **kwargs)
        from django.urls import reverse

        return reverse("materials_admin_file", args=[name])


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


private_storage = PrivateFileStorage()


def material_storage() -> PrivateFileStorage:
    return private_storage
