"""`manage.py zendesk_pull` against the local Zendesk-API server through the real zenpy client: what an operator
sees when the pull applies tickets, when Zendesk is down or rate limits, and when it is not configured."""

import pytest
from django.core.management import CommandError, call_command

from integrations.zendesk.models import ZendeskCursor
from partner_area.companies.models import Role
from partner_area.support.models import Status
from partner_area.support.services import support_request_create
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(zendesk, django_capture_on_commit_callbacks):
    """A member's request delivered as a ticket: (request, ticket id)."""
    member = MembershipFactory(role=Role.USER, sections=["support"])
    with django_capture_on_commit_callbacks(execute=True):
        support_request = support_request_create(membership=member, subject="VPN down", description="No tunnel.")
    support_request.refresh_from_db()
    return support_request, int(support_request.zendesk_ticket_id)


def test_the_command_applies_what_changed_in_zendesk_and_says_how_many(zendesk, ticket, capsys):
    support_request, ticket_id = ticket
    zendesk.agent_comment(ticket_id, "Restarted the gateway.")
    zendesk.set_status(ticket_id, "solved")
    call_command("zendesk_pull")
    assert "tickets: 1 applied" in capsys.readouterr().out
    support_request.refresh_from_db()
    assert support_request.status == Status.SOLVED
    assert support_request.comments.filter(body="Restarted the gateway.").exists()
    call_command("zendesk_pull")  # from the saved cursor: nothing new
    assert "tickets: 0 applied" in capsys.readouterr().out


def test_the_command_fails_clearly_when_zendesk_is_down_and_keeps_the_cursor(zendesk, ticket):
    call_command("zendesk_pull")
    saved = ZendeskCursor.objects.get().cursor
    zendesk.fail_next(503, times=5, path_contains="/incremental/")
    with pytest.raises(CommandError, match="Zendesk could not be read: .*503"):
        call_command("zendesk_pull")
    assert ZendeskCursor.objects.get().cursor == saved


def test_the_command_says_how_long_zendesk_asked_to_wait(zendesk, ticket):
    zendesk.fail_next(429, retry_after=25, path_contains="/incremental/")
    with pytest.raises(CommandError, match="wait 25 s"):
        call_command("zendesk_pull")


def test_without_zendesk_the_command_fails_or_with_if_configured_says_so(settings, capsys):
    settings.ZENDESK_SUBDOMAIN = ""
    with pytest.raises(CommandError, match="Zendesk is not configured"):
        call_command("zendesk_pull")
    call_command("zendesk_pull", "--if-configured")
    assert "nothing to pull" in capsys.readouterr().out
