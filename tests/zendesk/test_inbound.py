"""Zendesk → portal: the signed webhook and the incremental export bring agents' public comments and status
changes into the conversation; internal notes never arrive; forged, stale or replayed calls change nothing."""

import json
import time

import pytest

from integrations.zendesk.models import ZendeskCursor
from integrations.zendesk.pull import zendesk_pull
from partner_area.companies.models import Role
from partner_area.support.models import Status, SupportRequest
from partner_area.support.selectors import support_conversation
from partner_area.support.services import support_request_create
from tests.factories import MembershipFactory

from .fake_zendesk import AGENT_ID
from .helpers import iso_timestamp, post_webhook, signed_headers, ticket_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(zendesk, django_capture_on_commit_callbacks):
    """A member's request already delivered as a ticket: (request, ticket id)."""
    member = MembershipFactory(role=Role.USER, sections=["support"], user__first_name="Ilze", user__last_name="Ozola")
    with django_capture_on_commit_callbacks(execute=True):
        support_request = support_request_create(
            membership=member, subject="Printer offline", description="It does not print."
        )
    support_request.refresh_from_db()
    assert support_request.status == Status.SENT
    return support_request, int(support_request.zendesk_ticket_id)


def _conversation(support_request):
    return [(c.author_name, c.body, c.from_zendesk) for c in support_conversation(support_request=support_request)]


def test_an_agents_public_comment_arrives_through_the_signed_webhook_and_an_internal_note_does_not(
    client, zendesk, sent
):
    support_request, ticket_id = sent
    zendesk.agent_comment(ticket_id, "Internal: customer on old firmware", public=False)
    zendesk.agent_comment(ticket_id, "Please restart the printer.")
    zendesk.set_status(ticket_id, "pending")

    body = ticket_event(ticket_id)
    response = post_webhook(client, body, signed_headers(body))

    assert response.status_code == 202
    support_request.refresh_from_db()
    assert support_request.status == Status.PENDING
    assert _conversation(support_request) == [
        ("Ilze Ozola", "It does not print.", False),
        ("Anna Agent", "Please restart the printer.", True),
    ]
    assert not support_request.comments.filter(body__contains="Internal").exists()
    # The partner's own first message came back from Zendesk as the same comment, not a copy.
    first = zendesk.comments[ticket_id][0]
    assert support_request.comments.get(zendesk_comment_id=first["id"]).from_zendesk is False

    # The same event again (a new delivery, new signature) changes nothing.
    body = ticket_event(ticket_id)
    assert post_webhook(client, body, signed_headers(body, timestamp=iso_timestamp(time.time() + 1))).status_code == 202
    assert support_request.comments.count() == 2


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda body, headers: (body, {**headers, "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE": "AAAA"}), id="bad"),
        pytest.param(lambda body, headers: (body.replace(b"ticket_updated", b"ticket_created"), headers), id="body"),
        pytest.param(lambda body, headers: (body, signed_headers(body, secret="another-secret")), id="secret"),
        pytest.param(
            lambda body, headers: (body, signed_headers(body, timestamp=iso_timestamp(time.time() - 301))), id="stale"
        ),
        pytest.param(lambda body, headers: (body, {}), id="unsigned"),
    ],
)
def test_a_forged_or_stale_webhook_is_refused_with_nothing_changed(client, zendesk, sent, tamper):
    support_request, ticket_id = sent
    zendesk.agent_comment(ticket_id, "Please restart the printer.")
    calls = len(zendesk.received)
    body = ticket_event(ticket_id)

    response = post_webhook(client, *tamper(body, signed_headers(body)))

    assert response.status_code in (400, 403)
    assert len(zendesk.received) == calls  # Zendesk was not even asked
    assert support_request.comments.count() == 1


def test_a_replayed_webhook_is_refused(client, zendesk, sent):
    support_request, ticket_id = sent
    body = ticket_event(ticket_id)
    headers = signed_headers(body)
    assert post_webhook(client, body, headers).status_code == 202

    zendesk.agent_comment(ticket_id, "Arrives later, by the pull.")
    calls = len(zendesk.received)
    response = post_webhook(client, body, headers)

    assert response.status_code == 409
    assert len(zendesk.received) == calls
    assert not support_request.comments.filter(from_zendesk=True).exists()


def test_a_webhook_about_an_unknown_ticket_or_without_one_is_harmless(client, zendesk, sent):
    body = ticket_event(999_999)
    assert post_webhook(client, body, signed_headers(body)).status_code == 202
    body = json.dumps({"hello": "world"}).encode()
    assert post_webhook(client, body, signed_headers(body)).status_code == 400


def test_the_webhook_is_off_without_a_secret(client, settings, zendesk, sent):
    settings.ZENDESK_WEBHOOK_SECRET = ""
    body = ticket_event(sent[1])
    assert post_webhook(client, body, signed_headers(body)).status_code == 404


def test_the_incremental_export_catches_a_change_without_a_webhook(zendesk, sent):
    support_request, ticket_id = sent
    other = zendesk._ticket_create({"subject": "E-mail ticket", "requester": {"email": "x@example.com"}})[2]["ticket"]
    zendesk.agent_comment(ticket_id, "Fixed on our side.")
    zendesk.set_status(ticket_id, "solved")

    assert zendesk_pull() == 1
    support_request.refresh_from_db()
    assert support_request.status == Status.SOLVED
    assert _conversation(support_request)[-1] == ("Anna Agent", "Fixed on our side.", True)
    assert not SupportRequest.unscoped.filter(zendesk_ticket_id=str(other["id"])).exists()
    cursor = ZendeskCursor.objects.get()
    assert cursor.cursor and cursor.last_success_at and not cursor.last_error

    # Next round reads from the saved cursor: nothing new, nothing doubled.
    assert zendesk_pull() == 0
    assert zendesk.calls("GET", "/api/v2/incremental/tickets/cursor.json")[-1].query == {"cursor": cursor.cursor}
    assert support_request.comments.count() == 2

    zendesk.set_status(ticket_id, "closed")
    assert zendesk_pull() == 1
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED and not support_request.can_reply


def test_the_pull_keeps_its_cursor_when_zendesk_fails(zendesk, sent):
    from integrations.zendesk.client import ZendeskUnavailable

    support_request, ticket_id = sent
    zendesk_pull()
    saved = ZendeskCursor.objects.get().cursor
    zendesk.agent_comment(ticket_id, "Second answer")
    zendesk.fail_next(500, path_contains="/comments.json")
    with pytest.raises(ZendeskUnavailable):
        zendesk_pull()
    cursor = ZendeskCursor.objects.get()
    assert cursor.cursor == saved and "500" in cursor.last_error
    assert zendesk_pull() == 1
    assert support_request.comments.filter(body="Second answer").exists()


def test_an_agent_comment_by_the_requester_is_shown_as_theirs(zendesk, sent):
    support_request, ticket_id = sent
    requester_id = zendesk.tickets[ticket_id]["requester_id"]
    zendesk.agent_comment(ticket_id, "Replying by e-mail", author_id=requester_id)
    zendesk.agent_comment(ticket_id, "Thanks", author_id=AGENT_ID)
    zendesk_pull()
    assert _conversation(support_request)[1:] == [
        ("Ilze Ozola", "Replying by e-mail", True), ("Anna Agent", "Thanks", True),
    ]  # fmt: skip


def test_an_agents_file_is_listed_and_fetched_from_zendesk_on_first_download(zendesk, sent):
    from partner_area.support.attachments import support_attachment_open
    from tests.materials.helpers import png_bytes

    support_request, ticket_id = sent
    zendesk.agent_comment(ticket_id, "See the diagram.", files={"diagram.png": png_bytes()})
    zendesk.agent_comment(ticket_id, "Internal file", public=False, files={"secret.txt": b"agents only"})
    zendesk_pull()

    (attachment,) = support_request.attachments.all()
    assert (attachment.filename, attachment.comment.body, bool(attachment.file)) == (
        "diagram.png", "See the diagram.", False,
    )  # fmt: skip
    with support_attachment_open(attachment=attachment) as opened:
        assert opened.read(4) == b"\x89PNG"
    attachment.refresh_from_db()
    assert attachment.file and attachment.content_type == "image/png"
    downloads = len(zendesk.received)
    with support_attachment_open(attachment=attachment) as opened:  # now served from private storage
        assert opened.read(4) == b"\x89PNG"
    assert len(zendesk.received) == downloads


def test_an_event_subscription_body_is_understood_too(client, zendesk, sent):
    support_request, ticket_id = sent
    zendesk.agent_comment(ticket_id, "Via an event webhook")
    body = json.dumps({"type": "zen:event-type:ticket.comment_added", "detail": {"id": str(ticket_id)}}).encode()
    assert post_webhook(client, body, signed_headers(body)).status_code == 202
    assert support_request.comments.filter(body="Via an event webhook").exists()


def test_one_unreadable_or_deleted_ticket_does_not_stop_the_export(zendesk, sent, django_capture_on_commit_callbacks):
    support_request, ticket_id = sent
    member = MembershipFactory(role=Role.USER, sections=["support"])
    with django_capture_on_commit_callbacks(execute=True):
        second = support_request_create(membership=member, subject="Second", description="Another one")
    second.refresh_from_db()
    zendesk.set_status(ticket_id, "deleted")
    zendesk.agent_comment(int(second.zendesk_ticket_id), "Answer to the second")

    assert zendesk_pull() == 1
    assert second.comments.filter(body="Answer to the second").exists()
    support_request.refresh_from_db()
    assert support_request.status == Status.SENT


def test_an_agents_file_over_the_size_limit_is_not_fetched(zendesk, sent, settings):
    from integrations.zendesk.client import ZendeskRejected
    from partner_area.support.attachments import support_attachment_open

    support_request, ticket_id = sent
    zendesk.agent_comment(ticket_id, "Huge log attached.", files={"huge.txt": b"x" * 2048})
    zendesk_pull()
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 1024
    attachment = support_request.attachments.get()
    with pytest.raises(ZendeskRejected):
        support_attachment_open(attachment=attachment)
    attachment.refresh_from_db()
    assert not attachment.file
