"""The dashboard's cached fragments (partner_area/performance/fragments.py): the turnover, charts and top clients
come from the cache for the same company, period and language, never for another company, and every import or
company change shows at once."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.erp.pull import pull_all
from partner_area.companies.models import Role
from partner_area.performance.models import Client
from partner_area.performance.services import TurnoverRow, turnover_import
from tests.factories import MembershipFactory

from .helpers import client_with_turnover, partner

pytestmark = pytest.mark.django_db

FEB_2024 = {"period": "custom", "start": "2024-02-01", "end": "2024-02-29"}
JAN_2024 = {"period": "custom", "start": "2024-01-01", "end": "2024-01-31"}
URL = "/en/partner/dashboard/"


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.DASHBOARD_FRAGMENT_CACHE_SECONDS = 600


def text(response) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def turnover_panel(response) -> str:
    html = response.content.decode()
    return html[html.index('aria-labelledby="turnover-heading"') : html.index('aria-labelledby="top-clients-heading"')]


def logged_in(client, company):
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
    return client


def queries(client, url, params) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(captured)


def test_the_same_company_and_period_is_served_from_the_cache_without_the_figures_queries(client, tree, settings):
    top = logged_in(client, tree["top"])
    settings.DASHBOARD_FRAGMENT_CACHE_SECONDS = 0
    queries(top, URL, FEB_2024)  # the session is read and touched on the first request
    _, uncached_queries = queries(top, URL, FEB_2024)
    settings.DASHBOARD_FRAGMENT_CACHE_SECONDS = 600
    first, _ = queries(top, URL, FEB_2024)
    again, again_queries = queries(top, URL, FEB_2024)
    assert turnover_panel(again) == turnover_panel(first)
    assert "€1,211.00" in text(again) and "Alpha" in text(again)
    assert again_queries == uncached_queries - 3  # turnover, client counts and top clients are not read


def test_a_cached_fragment_is_never_served_to_another_company(client, tree):
    top = logged_in(client, tree["top"])
    assert "Alpha" in text(top.get(URL, FEB_2024))
    top.logout()
    branch = logged_in(client, tree["branch"])
    page = text(branch.get(URL, FEB_2024))
    assert "Gamma" in page  # Branch's own client
    assert "Alpha" not in page and "Beta" not in page and "€1,211.00" not in page  # none of Top's figures
    assert "€1,011.00" in page  # Branch's own total: 1 000 direct + 11 below it


def test_another_period_is_rendered_for_that_period(client, tree):
    top = logged_in(client, tree["top"])
    assert "€1,211.00" in text(top.get(URL, FEB_2024))
    january = text(top.get(URL, JAN_2024))
    assert "€100.00" in january and "€1,211.00" not in january


def test_english_and_latvian_each_get_their_own_fragment(client, tree):
    top = logged_in(client, tree["top"])
    assert "€1,211.00" in text(top.get(URL, FEB_2024))
    latvian = text(top.get("/lv/partner/dashboard/", FEB_2024))
    assert "1\xa0211,00\xa0€" in latvian and "€1,211.00" not in latvian
    assert "€1,211.00" in text(top.get(URL, FEB_2024))


def test_imported_turnover_shows_at_once(client, tree):
    top = logged_in(client, tree["top"])
    assert "€1,211.00" in text(top.get(URL, FEB_2024))
    alpha = Client.objects.for_company(tree["top"]).get(name="Alpha")
    turnover_import(rows=[TurnoverRow(client=alpha, month=date(2024, 2, 1), currency="EUR", amount=Decimal("300"))])
    assert "€1,311.00" in text(top.get(URL, FEB_2024))  # Alpha's February: 200 → 300


def test_a_sub_partner_moving_away_shows_at_once(client, tree):
    top = logged_in(client, tree["top"])
    assert "€1,211.00" in text(top.get(URL, FEB_2024))
    branch = tree["branch"]
    branch.parent = None
    branch.save()
    assert "€200.00" in text(top.get(URL, FEB_2024))  # only Alpha's own 200 € is left below Top
    assert "€1,211.00" not in text(top.get(URL, FEB_2024))


def test_a_new_client_s_turnover_pulled_from_the_erp_shows_at_once(client, erp, settings):
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    distributor = partner("Distributor SIA")
    distributor.erp_id = "P-DIST"
    distributor.save()
    dashboard = logged_in(client, distributor)
    client_with_turnover(distributor, "Alpha", {("2024-02", "EUR"): "100"})
    assert "€100.00" in text(dashboard.get(URL, FEB_2024))
    pulled = erp.put_client(partner_erp_id="P-DIST", name="Ezers SIA", created=date(2024, 1, 15))
    erp.put_turnover(pulled.erp_id, date(2024, 2, 1), "EUR", Decimal("50.00"))

    pull_all()

    page = text(dashboard.get(URL, FEB_2024))
    assert "€150.00" in page and "Ezers SIA" in page


def test_without_the_cache_setting_nothing_is_cached(client, tree, settings):
    settings.DASHBOARD_FRAGMENT_CACHE_SECONDS = 0
    top = logged_in(client, tree["top"])
    queries(top, URL, FEB_2024)  # the session is read and touched on the first request
    _, second_queries = queries(top, URL, FEB_2024)
    _, third_queries = queries(top, URL, FEB_2024)
    assert third_queries == second_queries
