"""Support reaches Zendesk only through the port (partner_area/platform/ports/zendesk.py): the adapter named by
ZENDESK_BACKEND serves agents' files once Zendesk is configured, and none is asked while it is not."""

import pytest
from django.urls import reverse

from partner_area.companies.models import Role
from partner_area.platform.ports.zendesk import ZendeskRejected
from partner_area.support.attachments import support_attachment_open
from partner_area.support.models import SupportAttachment
from partner_area.support.services import support_request_create
from tests.factories import MembershipFactory
from tests.materials.helpers import png_bytes

pytestmark = pytest.mark.django_db

ASKED = []


class RecordingGateway:
    """A Zendesk adapter that hands out one PNG and records what it was asked."""

    def __init__(self, *, timeout: float | None = None):
        pass

    def attachment_content(self, *, zendesk_attachment_id: int, max_bytes: int) -> bytes:
        ASKED.append((zendesk_attachment_id, max_bytes))
        if zendesk_attachment_id == 404:
            raise ZendeskRejected("no such file")
        return png_bytes()


@pytest.fixture(autouse=True)
def _adapter(settings, tmp_path):
    ASKED.clear()
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.ZENDESK_SUBDOMAIN, settings.ZENDESK_EMAIL, settings.ZENDESK_API_TOKEN = "brello", "api@example.com", "t"
    settings.ZENDESK_BACKEND = f"{__name__}.RecordingGateway"
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 4096


def _agents_file(zendesk_attachment_id: int) -> SupportAttachment:
    member = MembershipFactory(role=Role.USER, sections=["support"])
    support_request = support_request_create(membership=member, subject="Printer", description="Offline.")
    return SupportAttachment.unscoped.create(
        support_request=support_request, filename="diagram.png", content_type="application/octet-stream", size=0,
        zendesk_attachment_id=zendesk_attachment_id,
    )  # fmt: skip


def test_an_agents_file_comes_from_the_configured_adapter_once_and_is_then_kept():
    attachment = _agents_file(77)
    with support_attachment_open(attachment=attachment) as opened:
        assert opened.read(4) == b"\x89PNG"
    with support_attachment_open(attachment=attachment) as opened:
        assert opened.read(4) == b"\x89PNG"
    attachment.refresh_from_db()
    assert ASKED == [(77, 4096)] and attachment.content_type == "image/png"


def test_an_adapter_refusal_reaches_the_caller_and_stores_nothing():
    attachment = _agents_file(404)
    with pytest.raises(ZendeskRejected):
        support_attachment_open(attachment=attachment)
    attachment.refresh_from_db()
    assert not attachment.file


def test_while_zendesk_is_not_configured_no_adapter_is_asked(client, settings):
    settings.ZENDESK_API_TOKEN = ""
    attachment = _agents_file(77)
    client.force_login(attachment.support_request.requester)
    response = client.get(reverse("partner:support_attachment", kwargs={"attachment_id": attachment.pk}), follow=True)
    assert "not available right now" in response.content.decode()
    assert ASKED == []
