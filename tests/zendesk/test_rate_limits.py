"""Zendesk's Retry-After applies to the whole account: after a 429 the portal makes no call to Zendesk until it
has passed — not the outbox sweep, not a webhook's ticket sync, not the pull, not a partner's attachment
download — and every piece of work waits for it instead of failing (the real zenpy client, the local Zendesk
API)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from integrations.zendesk.client import RATE_LIMITED_UNTIL_KEY, ZendeskRateLimited, rate_limit_wait
from integrations.zendesk.inbound import ticket_sync
from integrations.zendesk.models import ZendeskOutboxMessage
from integrations.zendesk.outbox import outbox_deliver_due
from integrations.zendesk.pull import zendesk_pull
from partner_area.companies.models import Role
from partner_area.platform.outbox import OutboxStatus
from partner_area.support.models import Status
from partner_area.support.services import support_request_create
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _open(member, capture, subject):
    with capture(execute=True):
        support_request = support_request_create(membership=member, subject=subject, description="Details")
    support_request.refresh_from_db()
    return support_request


def test_after_a_429_nothing_calls_zendesk_until_retry_after_has_passed(zendesk, django_capture_on_commit_callbacks):
    member = MembershipFactory(role=Role.USER, sections=["support"])
    first = _open(member, django_capture_on_commit_callbacks, "Delivered before the limit")
    assert first.status == Status.SENT

    zendesk.fail_next(429, retry_after=25, method="POST", path_contains="/api/v2/tickets.json")
    limited = _open(member, django_capture_on_commit_callbacks, "Rate limited")
    assert limited.status == Status.RECEIVED  # the partner's request is kept; it waits for Zendesk
    assert 24 <= rate_limit_wait() <= 25
    calls = len(zendesk.received)

    other = MembershipFactory(role=Role.USER, sections=["support"])
    waiting = _open(other, django_capture_on_commit_callbacks, "Another company's request")
    assert waiting.status == Status.RECEIVED
    assert outbox_deliver_due() == 0
    with pytest.raises(ZendeskRateLimited) as raised:
        ticket_sync(ticket_id=int(first.zendesk_ticket_id))
    assert 24 <= raised.value.retry_after <= 25
    with pytest.raises(ZendeskRateLimited):
        zendesk_pull()
    assert len(zendesk.received) == calls  # not one call while Retry-After runs

    pending = ZendeskOutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    assert {m.support_request_id for m in pending} == {limited.pk, waiting.pk}
    assert all(m.attempts == 0 and m.waiting_for_peer for m in pending)  # waited for, never counted
    later = timezone.now() + timedelta(seconds=20)
    assert all(m.next_attempt_at >= later for m in pending)  # due once Retry-After has passed

    cache.delete(RATE_LIMITED_UNTIL_KEY)  # Retry-After has passed
    ZendeskOutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_deliver_due() == 2
    limited.refresh_from_db()
    waiting.refresh_from_db()
    assert limited.status == waiting.status == Status.SENT
    assert len(zendesk.tickets) == 3
