"""The metrics endpoint across a stopped trytond 8.2: the ERP outbox depth rises while Tryton is down and falls to
zero by itself once it is back (beat's sweep), as an operator's Prometheus graph shows it."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from integrations.erp.tasks import erp_deliver_outbox
from partner_area.companies.models import CompanyStatus
from partner_area.companies.services import company_approve
from tests.factories import CompanyFactory, StaffFactory
from tests.numbers import lv_registration_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]


def erp_outbox(client) -> dict[str, float]:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return {
        sample.labels["state"]: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if sample.name == "portal_outbox_messages" and sample.labels.get("peer") == "erp"
    }


def test_the_erp_outbox_depth_rises_across_a_stopped_tryton_and_falls_when_it_is_back(tryton, client, settings):
    settings.ERP_OUTBOX_OUTAGE_RETRY_SECONDS = 0  # a waiting delivery is due again at the next sweep
    assert erp_outbox(client) == {"pending": 0, "waiting_for_peer": 0, "failed": 0}

    tryton.stop()
    try:
        for n in range(3):
            company = CompanyFactory(
                status=CompanyStatus.PENDING_REVIEW, registration_number=lv_registration_number(820001 + n)
            )
            company_approve(company=company, by=StaffFactory())
        erp_deliver_outbox()  # beat's sweep: Tryton does not answer
        assert erp_outbox(client) == {"pending": 2, "waiting_for_peer": 1, "failed": 0}
        erp_deliver_outbox()
        assert erp_outbox(client)["failed"] == 0  # waiting is never parking
    finally:
        tryton.start()

    erp_deliver_outbox()
    assert erp_outbox(client) == {"pending": 0, "waiting_for_peer": 0, "failed": 0}
