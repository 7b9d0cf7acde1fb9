"""Staff and editors work in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group

from cms_pages.models import ContentPage
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_dashboard_loads_for_staff(client, public_site):
    client.force_login(StaffFactory())
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Brello 360 Partner Portal" in response.content.decode()


def test_admin_has_its_own_content_security_policy(client, public_site):
    client.force_login(StaffFactory())
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "'nonce-" not in policy


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_editor_can_open_a_page_in_the_editor_with_its_blocks(client, public_site):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    benefits = ContentPage.objects.get(slug="benefits")
    response = client.get(f"/admin/pages/{benefits.pk}/edit/")
    assert response.status_code == 200
    assert "Partnership benefits" in response.content.decode()


def test_a_partner_without_staff_rights_cannot_enter_the_admin(client, public_site):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302


def test_editor_submitting_a_page_for_moderation_keeps_the_live_version(client, public_site):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    faq = ContentPage.objects.get(slug="faq", locale__language_code="en")
    response = client.post(
        f"/admin/pages/{faq.pk}/edit/",
        {
            "title": "FAQ (revised)",
            "slug": "faq",
            "summary": faq.summary,
            "body-count": "0",
            "action-submit": "Submit for moderation",
        },
    )
    assert response.status_code == 302
    faq.refresh_from_db()
    assert faq.current_workflow_state is not None
    assert faq.current_workflow_state.status == "in_progress"
    client.logout()
    live = client.get("/en/faq/").content.decode()
    assert "<h1>FAQ</h1>" in live
    assert "FAQ (revised)" not in live
