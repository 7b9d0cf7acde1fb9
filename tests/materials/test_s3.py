"""Material files on S3, against moto's server mode on loopback (a real HTTP S3 API): upload through the
storage backend, download through the authorising view (a redirect to a presigned URL), the URL works
before it expires and not after, and an unsigned URL to the same key is refused.

moto 5.2 checks object ACLs (so unsigned reads of private objects fail) but does not enforce the expiry
of presigned URLs. The server below puts a small gate in front of moto that applies S3's documented
rule for SigV4 query-string auth: a request past X-Amz-Date + X-Amz-Expires is refused with 403."""

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from partner_area.materials.models import MaterialDownload
from tests.factories import CompanyFactory

from .helpers import make_material, pdf_upload

pytestmark = pytest.mark.django_db

BUCKET = "brello-materials-test"
EXPIRE_SECONDS = 2


def expiry_gate(app):
    """WSGI middleware: refuse presigned requests whose validity window has passed, as S3 does."""

    def gate(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "X-Amz-Date" in query and "X-Amz-Expires" in query:
            signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if datetime.now(UTC) > signed_at + timedelta(seconds=int(query["X-Amz-Expires"][0])):
                body = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [body]
        return app(environ, start_response)

    return gate


class GatedMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = expiry_gate(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


@pytest.fixture(scope="module")
def moto_endpoint():
    server = GatedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, moto_endpoint, monkeypatch):
    """Switch file storage to S3 on the moto server, with a fresh private bucket."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = moto_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_QUERYSTRING_EXPIRE = EXPIRE_SECONDS
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "private": {"BACKEND": "storages.backends.s3.S3Storage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_upload_goes_to_the_private_bucket(s3):
    material = make_material(upload=pdf_upload("Price list.pdf"))
    stored = s3.get_object(Bucket=BUCKET, Key=material.file.name)
    assert stored["Body"].read().startswith(b"%PDF-")
    assert material.file.name.startswith("materials/") and material.file.name.endswith("/price-list.pdf")
    assert s3.head_object(Bucket=BUCKET, Key=material.thumbnail.name)["ContentLength"] > 0


def test_download_redirects_to_a_presigned_url_that_works_then_expires(client, s3, member, moto_endpoint):
    material = make_material(upload=pdf_upload("Price list.pdf"))
    client.force_login(member.user)
    response = client.get(f"/en/partner/materials/{material.pk}/download/")
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"{moto_endpoint}/{BUCKET}/materials/")
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == [str(EXPIRE_SECONDS)]
    assert MaterialDownload.unscoped.filter(material=material, user=member.user).count() == 1

    fresh = requests.get(url, timeout=10)
    assert fresh.status_code == 200
    assert fresh.content.startswith(b"%PDF-")
    assert 'filename="price-list.pdf"' in fresh.headers["Content-Disposition"]

    time.sleep(EXPIRE_SECONDS + 1.5)
    expired = requests.get(url, timeout=10)
    assert expired.status_code == 403
    assert b"expired" in expired.content


def test_an_unsigned_url_to_the_same_key_is_refused(client, s3, member, moto_endpoint):
    material = make_material()
    unsigned = f"{moto_endpoint}/{BUCKET}/{material.file.name}"
    assert requests.get(unsigned, timeout=10).status_code == 403
    client.force_login(member.user)
    signed = client.get(f"/en/partner/materials/{material.pk}/download/")["Location"]
    assert requests.get(signed, timeout=10).status_code == 200


def test_outside_the_audience_there_is_no_url_at_all(client, s3, member):
    theirs = make_material(audience_all=False, audience_companies=[CompanyFactory()])
    client.force_login(member.user)
    assert client.get(f"/en/partner/materials/{theirs.pk}/download/").status_code == 404


def test_thumbnails_come_through_the_app_from_s3(client, s3, member):
    material = make_material()
    client.force_login(member.user)
    preview = client.get(f"/en/partner/materials/{material.pk}/thumbnail/")
    assert preview.status_code == 200
    assert preview.content[:4] == b"RIFF"
