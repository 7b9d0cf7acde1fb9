"""A real Celery worker, fed through Redis, delivers a request to Zendesk and applies a webhook's ticket."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from integrations.zendesk.models import ZendeskCursor
from integrations.zendesk.tasks import zendesk_pull_tickets
from partner_area.companies.models import Role
from partner_area.support.models import Status, SupportRequest
from partner_area.support.services import support_request_create
from portal.celery import app
from tests.factories import MembershipFactory

from .helpers import post_webhook, signed_headers, ticket_event

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("worker")]


@pytest.fixture
def worker(transactional_db, zendesk, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield zendesk
    finally:
        app.conf.task_always_eager = eager


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_the_worker_delivers_a_request_and_applies_an_agents_answer(worker, client):
    zendesk = worker
    member = MembershipFactory(role=Role.USER, sections=["support"])
    support_request = support_request_create(membership=member, subject="Worker", description="Via Redis")
    assert support_request.status == Status.RECEIVED  # the partner sees it at once; the worker sends it

    sent = _wait_for(lambda: SupportRequest.unscoped.filter(pk=support_request.pk, status=Status.SENT).first())
    (ticket,) = zendesk.tickets.values()
    assert sent.zendesk_ticket_id == str(ticket["id"])

    zendesk.agent_comment(ticket["id"], "Answered from Zendesk")
    body = ticket_event(ticket["id"])
    assert post_webhook(client, body, signed_headers(body)).status_code == 202
    _wait_for(lambda: sent.comments.filter(body="Answered from Zendesk", from_zendesk=True).exists())
    assert SupportRequest.unscoped.get(pk=sent.pk).status == Status.OPEN


def test_the_worker_retries_a_rate_limited_pull_when_retry_after_says(worker):
    zendesk = worker
    zendesk.fail_next(429, retry_after=3, path_contains="/incremental/")
    zendesk_pull_tickets.delay()
    _wait_for(lambda: ZendeskCursor.objects.filter(last_success_at__isnull=False).exists(), timeout=20)
    first, retried = zendesk.calls("GET", r".*/incremental/.*")
    # Retried once, after the 3 s Zendesk asked for (Celery's own backoff would have tried again within 1 s).
    assert retried.at - first.at >= 3
