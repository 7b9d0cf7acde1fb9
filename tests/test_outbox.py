"""One outbox family: both peers' messages share one abstract model and one status, the engine delivers a message
with the handler registered for its outbox and operation, and a message no handler knows is parked at once."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from integrations.erp.models import OutboxMessage
from integrations.erp.outbox import OUTBOX as ERP_OUTBOX
from integrations.zendesk.models import Operation, ZendeskOutboxMessage
from partner_area.platform import outbox as engine
from partner_area.platform.outbox import HANDLERS, OutboxMessageBase, OutboxStatus, handler
from partner_area.platform.ports.erp import ErpError


@pytest.fixture
def registry(monkeypatch):
    """The handler registry, restored after the test whatever it registers."""
    monkeypatch.setattr(engine, "HANDLERS", {outbox: dict(handlers) for outbox, handlers in HANDLERS.items()})
    return engine.HANDLERS


def erp_message(operation: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        operation=operation, entity_type="company", entity_id="7", payload={"n": 1}, next_attempt_at=timezone.now()
    )


@pytest.mark.parametrize("model", [OutboxMessage, ZendeskOutboxMessage])
def test_both_outbox_tables_keep_their_status_in_the_one_status_enum(model):
    assert issubclass(model, OutboxMessageBase)
    status = model._meta.get_field("status")
    assert status.choices == OutboxStatus.choices and status.default == OutboxStatus.PENDING


def test_the_handlers_are_registered_by_the_apps_alone():
    """A fresh process that only sets Django up knows every operation the portal queues: no feature module has to
    import an integration to get a handler registered."""
    script = (
        "import django, json; django.setup(); from partner_area.platform.outbox import HANDLERS; "
        "print(json.dumps({outbox: sorted(handlers) for outbox, handlers in HANDLERS.items()}))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": django_settings.SETTINGS_MODULE}
    answer = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    registered = json.loads(answer.stdout.strip().splitlines()[-1])
    assert registered["erp"] == ["company.create", "company.update", "contact.upsert", "invoice.pay"]
    assert registered["zendesk"] == sorted(Operation.values)


@pytest.mark.django_db
def test_the_engine_delivers_a_message_with_the_handler_registered_for_its_operation(registry):
    calls = []

    @handler(outbox="erp", operation="company.merge")
    def merge(message, client):
        calls.append((message.payload, client))

    client = object()
    message = erp_message("company.merge")
    assert engine.deliver(ERP_OUTBOX, message.pk, client) == OutboxStatus.DELIVERED
    assert calls == [({"n": 1}, client)]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.DELIVERED, 1, "")


@pytest.mark.django_db
def test_a_message_no_handler_knows_is_parked_at_once_with_an_error_naming_its_operation():
    message = erp_message("company.merge")
    assert engine.deliver(ERP_OUTBOX, message.pk, object()) == OutboxStatus.FAILED
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert message.last_error == "The ERP outbox has no handler for the operation 'company.merge'."


def test_a_second_handler_for_the_same_operation_is_refused(registry):
    @handler(outbox="erp", operation="company.merge")
    def merge(message, client):
        pass

    with pytest.raises(ValueError, match="company.merge"):

        @handler(outbox="erp", operation="company.merge")
        def merge_again(message, client):
            pass


@pytest.mark.django_db
def test_a_failed_attempt_waits_the_jittered_backoff_of_its_outboxs_settings(registry, settings):
    settings.ERP_OUTBOX_BACKOFF_SECONDS, settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0.3, 0.5  # fractions work too

    @handler(outbox="erp", operation="company.merge")
    def merge(message, client):
        raise ErpError("ERP answered 500")

    message = erp_message("company.merge")
    assert engine.deliver(ERP_OUTBOX, message.pk, object()) == engine.RETRYING
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.PENDING, 1, "ERP answered 500")
    assert timedelta(0) <= message.next_attempt_at - message.last_attempt_at <= timedelta(seconds=0.5)


def test_the_backoff_grows_exponentially_up_to_its_cap():
    for attempts in range(1, 12):
        delay = engine.jittered_backoff(attempts, base=5, cap=3600).total_seconds()
        assert 0 <= delay <= min(3600, 5 * 2**attempts)
    assert max(engine.jittered_backoff(30, base=5, cap=3600).total_seconds() for _ in range(50)) > 60
