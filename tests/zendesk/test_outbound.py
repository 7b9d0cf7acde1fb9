"""Portal → Zendesk through the real zenpy client and a local Zendesk API: tickets, people, uploads, replies,
status changes, and what happens when Zendesk is down, rate limiting or refusing."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from integrations.zendesk.client import RATE_LIMITED_UNTIL_KEY
from integrations.zendesk.models import ZendeskOutboxMessage
from integrations.zendesk.outbox import outbox_deliver_due
from integrations.zendesk.pull import zendesk_pull
from integrations.zendesk.tasks import zendesk_deliver_outbox
from partner_area.companies.models import Role
from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.outbox import OutboxStatus
from partner_area.support.models import Status, SupportComment, SupportRequest
from partner_area.support.services import (
    support_public_request_create,
    support_reply_add,
    support_request_create,
    support_request_reopen,
    support_request_solve,
)
from tests.factories import MembershipFactory

from .fake_zendesk import API_USER_ID
from .helpers import pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(role=Role.USER, sections=["support"], user__first_name="Ilze", user__last_name="Kalniņa")


def _open(member, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        support_request = support_request_create(
            membership=member,
            subject=fields.pop("subject", "Printer offline"),
            description=fields.pop("description", "It does not print."),
            **fields,
        )
    support_request.refresh_from_db()
    return support_request


def test_a_request_with_attachments_becomes_one_ticket_with_requester_organisation_and_uploads(
    zendesk, member, django_capture_on_commit_callbacks
):
    support_request = _open(
        member,
        django_capture_on_commit_callbacks,
        category="technical",
        priority="high",
        attachments=[png(), pdf()],
    )

    assert support_request.status == Status.SENT
    (ticket,) = zendesk.tickets.values()
    assert support_request.zendesk_ticket_id == str(ticket["id"])
    assert ticket["external_id"] == f"brello-portal-{support_request.pk}"
    assert (ticket["subject"], ticket["priority"]) == ("Printer offline", "high")
    assert {"brello_portal", "category_technical", "source_portal"} <= set(ticket["tags"])

    requester = zendesk.users[ticket["requester_id"]]
    assert (requester["external_id"], requester["email"], requester["name"]) == (
        str(member.user.pk), member.user.email, "Ilze Kalniņa",
    )  # fmt: skip
    organization = zendesk.organizations[ticket["organization_id"]]
    assert (organization["external_id"], organization["name"]) == (
        member.company.registration_number, member.company.legal_name,
    )  # fmt: skip
    assert requester["organization_id"] == organization["id"]
    member.company.refresh_from_db()
    assert member.company.zendesk_organization_id == str(organization["id"])

    (first,) = zendesk.comments[ticket["id"]]
    assert (first["body"], first["public"], first["author_id"]) == ("It does not print.", True, requester["id"])
    assert support_request.comments.get().zendesk_comment_id == first["id"]  # known, so never imported twice
    assert [(a["file_name"], a["content_type"]) for a in first["attachments"]] == [
        ("screenshot.png", "image/png"), ("invoice copy.pdf", "application/pdf"),
    ]  # fmt: skip
    uploads = zendesk.calls("POST", "/api/v2/uploads.json")
    assert [call.body[:4] for call in uploads] == [b"\x89PNG", b"%PDF"]
    assert all(a.zendesk_token for a in support_request.attachments.all())
    assert ZendeskOutboxMessage.objects.get().status == OutboxStatus.DELIVERED


def test_down_then_rate_limited_then_back_yields_exactly_one_ticket(
    zendesk, member, django_capture_on_commit_callbacks
):
    # Zendesk creates the ticket but the answer is lost (500), then rate limits the next look-up (429).
    zendesk.fail_next(500, method="POST", path_contains="/api/v2/tickets.json", after_processing=True)
    support_request = _open(member, django_capture_on_commit_callbacks)

    message = ZendeskOutboxMessage.objects.get()
    assert support_request.status == Status.RECEIVED and not support_request.zendesk_ticket_id
    # Zendesk failing is waited for, not counted toward parking.
    assert (message.status, message.attempts, message.waiting_for_peer) == (OutboxStatus.PENDING, 0, True)
    assert "500" in message.last_error
    assert len(zendesk.tickets) == 1  # it exists in Zendesk already

    assert message.next_attempt_at > message.created_at  # backing off
    zendesk.fail_next(429, retry_after=30, method="GET", path_contains="/api/v2/tickets.json")
    ZendeskOutboxMessage.objects.update(next_attempt_at=timezone.now())  # the backoff has passed
    before = timezone.now()
    assert outbox_deliver_due() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0) and "429" in message.last_error
    assert before + timedelta(seconds=29) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=31)
    calls_so_far = len(zendesk.received)
    assert outbox_deliver_due() == 0  # not due before Retry-After has passed: nothing is sent
    assert len(zendesk.received) == calls_so_far

    cache.delete(RATE_LIMITED_UNTIL_KEY)  # Retry-After has passed
    ZendeskOutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert zendesk_deliver_outbox() == 1
    support_request.refresh_from_db()
    (ticket,) = zendesk.tickets.values()
    assert support_request.zendesk_ticket_id == str(ticket["id"]) and support_request.status == Status.SENT
    assert len(zendesk.calls("POST", "/api/v2/tickets.json")) == 1
    assert ZendeskOutboxMessage.objects.get().status == OutboxStatus.DELIVERED


def test_without_zendesk_settings_requests_wait_as_received_and_go_once_configured(
    zendesk, member, settings, django_capture_on_commit_callbacks
):
    settings.ZENDESK_SUBDOMAIN = ""
    support_request = _open(member, django_capture_on_commit_callbacks)
    assert zendesk_deliver_outbox() == 0
    assert support_request.status == Status.RECEIVED and not zendesk.received

    settings.ZENDESK_SUBDOMAIN = "brello"
    assert zendesk_deliver_outbox() == 1
    support_request.refresh_from_db()
    assert support_request.status == Status.SENT and len(zendesk.tickets) == 1


def test_a_refused_delivery_is_parked_as_failed_and_staff_can_retry_it(
    zendesk, member, django_capture_on_commit_callbacks, client
):
    from tests.factories import StaffFactory

    zendesk.fail_next(422, method="POST", path_contains="/api/v2/tickets.json")
    support_request = _open(member, django_capture_on_commit_callbacks)
    message = ZendeskOutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED and "422" in message.last_error

    client.force_login(StaffFactory())
    page = client.get("/admin/zendesk-sync/")
    assert page.status_code == 200 and "Parked: 1" in page.content.decode()
    # Which change failed, for which company, with a link to it.
    assert f"{message.get_operation_display()}: “{support_request.subject}”" in page.content.decode()
    assert f'/admin/partners/profiles/{member.company_id}/"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/zendesk-sync/", {"retry": message.pk})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == Status.SENT and len(zendesk.tickets) == 1
    assert AuditLogEntry.objects.filter(action="zendesk.outbox_retry", target_id=str(message.pk)).exists()


def test_a_reply_becomes_a_public_comment_by_that_user_with_its_files(
    zendesk, member, django_capture_on_commit_callbacks
):
    support_request = _open(member, django_capture_on_commit_callbacks)
    ticket_id = int(support_request.zendesk_ticket_id)
    zendesk.set_status(ticket_id, "pending")
    SupportRequest.unscoped.filter(pk=support_request.pk).update(status=Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        reply = support_reply_add(
            membership=member, support_request=support_request, body="Here is the log.", attachments=[png("log.png")]
        )

    last = zendesk.comments[ticket_id][-1]
    requester_id = zendesk.tickets[ticket_id]["requester_id"]
    assert (last["body"], last["public"], last["author_id"]) == ("Here is the log.", True, requester_id)
    assert [a["file_name"] for a in last["attachments"]] == ["log.png"]
    assert zendesk.tickets[ticket_id]["status"] == "open"
    reply.refresh_from_db()
    assert reply.zendesk_comment_id == last["id"]


def test_solve_and_reopen_reach_zendesk(zendesk, member, django_capture_on_commit_callbacks):
    support_request = _open(member, django_capture_on_commit_callbacks)
    ticket_id = int(support_request.zendesk_ticket_id)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_solve(membership=member, support_request=support_request)
    assert zendesk.tickets[ticket_id]["status"] == "solved"
    assert zendesk.tickets[ticket_id]["assignee_id"] == API_USER_ID  # Zendesk solves only assigned tickets
    with django_capture_on_commit_callbacks(execute=True):
        reopened = support_request_reopen(membership=member, support_request=support_request)
    assert reopened.status == Status.OPEN and zendesk.tickets[ticket_id]["status"] == "open"


def test_a_retried_reply_is_not_added_twice(zendesk, member, django_capture_on_commit_callbacks):
    support_request = _open(member, django_capture_on_commit_callbacks)
    ticket_id = int(support_request.zendesk_ticket_id)
    zendesk.fail_next(500, method="PUT", path_contains=f"/api/v2/tickets/{ticket_id}.json", after_processing=True)
    with django_capture_on_commit_callbacks(execute=True):
        support_reply_add(membership=member, support_request=support_request, body="Any news?")
    assert ZendeskOutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 1

    ZendeskOutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_deliver_due() == 1
    assert [c["body"] for c in zendesk.comments[ticket_id]] == ["It does not print.", "Any news?"]
    assert SupportComment.unscoped.get(body="Any news?").zendesk_comment_id == zendesk.comments[ticket_id][-1]["id"]


def test_the_public_contact_form_creates_a_ticket_for_the_visitor(zendesk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        support_request = support_public_request_create(
            name="Jānis Bērziņš", email="Janis@Example.lv", company_name="Bērziņš SIA", message="Do you ship to Tartu?"
        )
    (ticket,) = zendesk.tickets.values()
    requester = zendesk.users[ticket["requester_id"]]
    assert (requester["name"], requester["email"]) == ("Jānis Bērziņš", "janis@example.lv")
    assert ticket["organization_id"] is None and "source_public" in ticket["tags"]
    assert "Do you ship to Tartu?" in zendesk.comments[ticket["id"]][0]["body"]
    support_request.refresh_from_db()
    assert support_request.status == Status.SENT and support_request.company is None
    zendesk.agent_comment(ticket["id"], "Yes, we do.")
    assert zendesk_pull() == 1
    assert [c.body for c in support_request.comments.all()] == ["Do you ship to Tartu?", "Yes, we do."]


def test_zendesk_failing_longer_than_the_allowed_attempts_parks_nothing_and_delivers_once_back(
    zendesk, member, settings, django_capture_on_commit_callbacks
):
    settings.ZENDESK_OUTBOX_MAX_ATTEMPTS = 2
    zendesk.fail_next(503, times=5)
    support_request = _open(member, django_capture_on_commit_callbacks)
    for _ in range(4):  # four more sweeps, each finding Zendesk still failing
        ZendeskOutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert outbox_deliver_due() == 0

    message = ZendeskOutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0) and "503" in message.last_error
    support_request.refresh_from_db()
    assert support_request.status == Status.RECEIVED and not zendesk.tickets
    ZendeskOutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_deliver_due() == 1
    support_request.refresh_from_db()
    assert support_request.status == Status.SENT and len(zendesk.tickets) == 1


def test_a_delivery_that_breaks_on_bad_data_is_counted_and_does_not_jam_the_queue(
    zendesk, member, django_capture_on_commit_callbacks
):
    broken = _open(member, django_capture_on_commit_callbacks, attachments=[png()])
    broken_message = ZendeskOutboxMessage.objects.get()
    attachment = broken.attachments.get()
    attachment.file.delete(save=False)  # the stored file went missing
    ZendeskOutboxMessage.objects.filter(pk=broken_message.pk).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    SupportRequest.unscoped.filter(pk=broken.pk).update(zendesk_ticket_id="", status=Status.RECEIVED)
    zendesk.tickets.clear()

    assert outbox_deliver_due() == 0
    broken_message.refresh_from_db()
    assert broken_message.status == OutboxStatus.PENDING and broken_message.attempts == 1
    assert broken_message.last_error

    other = _open(MembershipFactory(role=Role.USER, sections=["support"]), django_capture_on_commit_callbacks)
    assert other.status == Status.SENT


def test_a_reply_to_a_ticket_zendesk_closed_meanwhile_opens_a_follow_up(
    zendesk, member, django_capture_on_commit_callbacks
):
    support_request = _open(member, django_capture_on_commit_callbacks)
    closed_id = int(support_request.zendesk_ticket_id)
    zendesk.set_status(closed_id, "closed")  # the portal has not heard of it yet

    with django_capture_on_commit_callbacks(execute=True):
        support_reply_add(membership=member, support_request=support_request, body="It broke again.")

    support_request.refresh_from_db()
    follow_up = zendesk.tickets[int(support_request.zendesk_ticket_id)]
    assert follow_up["id"] != closed_id and follow_up["via_followup_source_id"] == closed_id
    assert follow_up["requester_id"] == zendesk.tickets[closed_id]["requester_id"]
    assert [c["body"] for c in zendesk.comments[follow_up["id"]]] == ["It broke again."]
    assert ZendeskOutboxMessage.objects.filter(status=OutboxStatus.DELIVERED).count() == 2


def test_after_an_outage_the_sweep_resumes_waiting_deliveries_as_soon_as_zendesk_answers(
    zendesk, member, django_capture_on_commit_callbacks
):
    zendesk.fail_next(503, method="POST", path_contains="/api/v2/tickets.json")
    support_request = _open(member, django_capture_on_commit_callbacks)
    message = ZendeskOutboxMessage.objects.get()
    assert message.waiting_for_peer and message.next_attempt_at > timezone.now()  # not due yet

    assert zendesk_deliver_outbox() == 1  # the health check answers: delivered now, not at the next wait's end
    support_request.refresh_from_db()
    assert support_request.status == Status.SENT


def test_the_zendesk_sync_page_costs_the_same_queries_with_3_or_30_parked_deliveries(zendesk, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    counts = []
    for batch in (3, 27):
        for number in range(batch):
            member = MembershipFactory(role=Role.USER, sections=["support"])
            support_request_create(membership=member, subject=f"Parked {number}", description="Details")
        ZendeskOutboxMessage.objects.update(status=OutboxStatus.FAILED, attempts=8, last_error="422 refused")
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/admin/zendesk-sync/").content.decode()
        counts.append(len(queries))
    assert "Parked: 30" in page and page.count("Create ticket: “Parked") == 30
    assert counts[0] == counts[1]
