"""The Prometheus endpoint: who may read it, and the figures an operator watches."""

import re

import pytest
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from integrations.erp.models import OutboxMessage
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.pull import pull_entity
from partner_area.companies.models import CompanyStatus
from partner_area.companies.services import company_approve
from partner_area.platform.mail.services import email_queue
from portal.celery import app
from tests.factories import CompanyFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token-0123456789"
OUTSIDE = "203.0.113.7"


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    """The samples of one scrape from loopback: (name, sorted labels) → value."""
    response = client.get("/metrics", REMOTE_ADDR=extra.pop("REMOTE_ADDR", "127.0.0.1"), **extra)
    assert response.status_code == 200, response.content
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def sample(samples, name, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_metrics_is_not_there_for_the_outside_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_metrics_refuses_a_missing_or_wrong_token_from_outside(client, settings):
    settings.METRICS_TOKEN = TOKEN
    missing = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401
    assert b"portal_" not in missing.content


def test_metrics_answers_the_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"portal_outbox_messages" in response.content


def test_metrics_answers_the_allowed_networks_only(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.3.4").status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.2.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_reads_the_client_address_like_everything_else(client, settings):
    """Behind one proxy the client is the proxy's X-Forwarded-For entry, whatever the client wrote before it."""
    settings.METRICS_TOKEN = ""
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"127.0.0.1, {OUTSIDE}")
    assert spoofed.status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_request_metrics_per_view(client):
    client.get("/healthz")
    samples = scrape(client)
    names = {name for name, _ in samples}
    assert "django_http_requests_latency_seconds_by_view_method_count" in names
    assert sample(samples, "django_http_responses_total_by_status_view_method_total",
                  method="GET", status="200", view="healthz") >= 1  # fmt: skip


@pytest.fixture
def erp(erp, settings):
    settings.ERP_OUTBOX_OUTAGE_RETRY_SECONDS = 0  # a waiting delivery is due again at once
    return erp


def test_outbox_depth_rises_while_the_erp_is_down_and_falls_after_delivery(client, erp):
    empty = scrape(client)
    assert sample(empty, "portal_outbox_messages", peer="erp", state="pending") == 0
    assert sample(empty, "portal_outbox_oldest_pending_age_seconds", peer="erp") == 0

    erp.up = False
    for _ in range(2):
        company_approve(company=CompanyFactory(status=CompanyStatus.PENDING_REVIEW), by=StaffFactory())
    written = scrape(client)
    assert sample(written, "portal_outbox_messages", peer="erp", state="pending") == 2
    assert sample(written, "portal_outbox_oldest_pending_age_seconds", peer="erp") >= 0

    outbox_deliver_due()  # the ERP does not answer: the first waits for it, the sweep stops there
    waiting = scrape(client)
    assert sample(waiting, "portal_outbox_messages", peer="erp", state="waiting_for_peer") == 1
    assert sample(waiting, "portal_outbox_messages", peer="erp", state="pending") == 1
    OutboxMessage.objects.update(created_at=OutboxMessage.objects.first().created_at.replace(year=2020))
    assert sample(scrape(client), "portal_outbox_oldest_pending_age_seconds", peer="erp") > 3600 * 24 * 365

    erp.up = True
    assert outbox_deliver_due() == 2
    delivered = scrape(client)
    for state in ("pending", "waiting_for_peer", "failed"):
        assert sample(delivered, "portal_outbox_messages", peer="erp", state=state) == 0
    assert sample(delivered, "portal_outbox_oldest_pending_age_seconds", peer="erp") == 0
    assert sample(delivered, "portal_metrics_source_up", source="outbox:erp") == 1


def test_queued_mail_and_the_zendesk_outbox_are_reported_too(client):
    email_queue(to="someone@example.com", subject="Hello", body="…")
    samples = scrape(client)
    assert sample(samples, "portal_outbox_messages", peer="mail", state="pending") == 1
    assert sample(samples, "portal_outbox_messages", peer="zendesk", state="pending") == 0


def test_last_successful_pull_per_peer_and_entity(client, erp):
    assert pull_entity("companies") == 0
    samples = scrape(client)
    assert sample(samples, "portal_peer_last_successful_pull_timestamp_seconds", peer="erp", entity="companies") > 0


def test_the_scrape_reads_the_database_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        email_queue(to="someone@example.com", subject="Hello", body="…")
    # 3 outboxes + 2 cursor tables, each in a savepoint, in one transaction with a statement timeout
    with django_assert_max_num_queries(20):
        scrape(client)


@app.task(name="tests.metrics.always_fails")
def always_fails():
    raise RuntimeError("boom")


def test_a_failed_celery_task_counts_as_a_failure(client):
    before = sample(scrape(client), "portal_celery_task_failures_total", task="tests.metrics.always_fails")
    # As a worker runs it: the error is recorded, not raised (eager mode's propagation skips task_failure).
    assert always_fails.apply(throw=False).failed()
    after = sample(scrape(client), "portal_celery_task_failures_total", task="tests.metrics.always_fails")
    assert after == before + 1


def test_a_failed_login_counts_as_a_login_failure(client):
    user = UserFactory(email="member@example.com")
    user.set_password("Correct-horse-2026")
    user.save()
    response = client.post(reverse("partner:login"), {"username": "member@example.com", "password": "wrong-password-1"})
    assert response.status_code == 200  # the form again, with an error
    assert sample(scrape(client), "portal_login_failures_total") == 1


def test_a_lockout_counts_as_a_lockout(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        client.post(reverse("partner:login"), {"username": "nobody@example.com", "password": "wrong-password-1"})
    samples = scrape(client)
    assert sample(samples, "portal_login_lockouts_total") >= 1
    assert sample(samples, "portal_login_failures_total") >= 2


def test_counters_follow_the_prometheus_naming_rules(client):
    for name, _ in scrape(client):
        assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", name)


@app.task(name="tests.metrics.retries_once", bind=True, max_retries=1)
def retries_once(self):
    if not self.request.retries:
        raise self.retry(countdown=0)
    return "done"


def test_a_retried_celery_task_counts_as_a_retry(client):
    assert retries_once.apply(throw=False).get() == "done"
    assert sample(scrape(client), "portal_celery_task_retries_total", task="tests.metrics.retries_once") == 1
