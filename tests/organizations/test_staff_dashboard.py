"""The Wagtail dashboard shows partner managers the applications waiting for review, one click from each review."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus
from tests.organizations.factories_staff import application, editor

pytestmark = pytest.mark.django_db

HOME = reverse("wagtailadmin_home")


def waiting_panel(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="partner-applications-waiting' in page
    return page.split('id="partner-applications-waiting', 1)[1].split("</section>", 1)[0]


def registered_days_ago(company, days):
    Company.objects.filter(pk=company.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_dashboard_lists_waiting_applications_oldest_first_with_the_count_and_review_links(client, manager):
    newest = application(legal_name="Newest SIA")
    oldest = application(legal_name="Oldest SIA", status=CompanyStatus.PENDING_VERIFICATION)
    middle = application(legal_name="Middle SIA")
    registered_days_ago(oldest, 9)
    registered_days_ago(middle, 3)
    application(legal_name="Unconfirmed SIA", confirmed=False)
    application(legal_name="Active SIA", status=CompanyStatus.ACTIVE)

    panel = waiting_panel(client.get(HOME))

    assert re.search(r"<strong>3</strong>\s+applications wait for review", panel)
    names = re.findall(r'<a href="([^"]+)">([^<]+ SIA)</a>', panel)
    assert names == [
        (reverse("partner_profiles:inspect", args=[oldest.pk]), "Oldest SIA"),
        (reverse("partner_profiles:inspect", args=[middle.pk]), "Middle SIA"),
        (reverse("partner_profiles:inspect", args=[newest.pk]), "Newest SIA"),
    ]
    review = client.get(names[0][0]).content.decode()
    assert reverse("partner_profiles:status_action", kwargs={"pk": oldest.pk, "action": "approve"}) in review


def test_dashboard_says_when_no_application_waits(client, manager):
    application(legal_name="Active SIA", status=CompanyStatus.ACTIVE)

    panel = waiting_panel(client.get(HOME))

    assert "No applications are waiting for review." in panel and "Active SIA" not in panel


def test_dashboard_links_to_the_whole_queue_when_more_wait_than_it_shows(client, manager):
    for n in range(11):
        application(legal_name=f"Queue {n} SIA")

    panel = waiting_panel(client.get(HOME))

    assert "<strong>11</strong>" in panel
    assert len(re.findall(r"Queue \d+ SIA", panel)) == 10
    assert reverse("partner_applications:index") in panel


def test_editors_without_the_review_permission_see_no_applications_on_the_dashboard(client):
    application(legal_name="Secret SIA")
    client.force_login(editor())

    page = client.get(HOME).content.decode()

    assert "partner-applications-waiting" not in page and "Secret SIA" not in page


def test_the_review_page_shows_the_status_prominently(client, manager):
    company = application(legal_name="Review SIA")

    page = client.get(reverse("partner_profiles:inspect", args=[company.pk])).content.decode()

    badge = re.search(r'<p class="partner-status partner-status--([a-z_]+)"[^>]*>(.*?)</p>', page, re.S)
    assert badge and badge.group(1) == "pending_review"
    assert "Pending review" in badge.group(2)


def test_the_panel_speaks_latvian_to_a_latvian_speaking_manager(client, manager):
    from django.utils import translation
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=manager, defaults={"preferred_language": "lv"})
    application(legal_name="Viens SIA")
    application(legal_name="Divi SIA")

    panel = waiting_panel(client.get(HOME))

    with translation.override("lv"):
        heading = translation.gettext("Partner applications waiting for review")
    assert heading != "Partner applications waiting for review" and heading in panel
    assert "applications wait for review" not in panel
