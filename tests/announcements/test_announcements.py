"""Announcements as partners meet them: only published, unexpired, targeted ones; pinned first; read marks;
and as editors run them: scheduling, expiry, the moderation workflow and the preview as a company."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from partner_area.announcements.editors import announcement_editor_setup
from partner_area.announcements.models import Announcement, AnnouncementRead
from partner_area.announcements.selectors import announcements_for
from partner_area.announcements.tasks import publish_scheduled
from partner_area.companies.models import Role, Tier
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

from .helpers import hours, make_announcement

pytestmark = pytest.mark.django_db
HOME_QUERIES = 10  # session, user, devices, membership, announcements (one query with the unread count), …


@pytest.fixture
def member():
    return MembershipFactory(company=CompanyFactory(tier=Tier.GOLD), role=Role.USER, sections=["materials"])


def test_drafts_and_unpublished_announcements_are_invisible(member):
    draft = make_announcement(publish=False)
    published = make_announcement()
    withdrawn = make_announcement()
    withdrawn.unpublish()
    assert list(announcements_for(membership=member)) == [published]
    assert not Announcement.objects.get(pk=draft.pk).live


def test_pinned_first_then_newest(member):
    older = make_announcement(title="Older")
    pinned = make_announcement(title="Pinned", pinned=True)
    newer = make_announcement(title="Newer")
    assert list(announcements_for(membership=member)) == [pinned, newer, older]


def test_a_scheduled_announcement_appears_only_when_its_time_comes(member):
    scheduled = make_announcement(go_live_at=hours(2))
    assert not scheduled.live
    assert scheduled not in announcements_for(membership=member)
    # Time passes: the revision's go-live moment is now behind us and the scheduler runs.
    revision = scheduled.scheduled_revision
    revision.content["go_live_at"] = hours(-1).isoformat()
    revision.approved_go_live_at = hours(-1)
    revision.save()
    call_command("publish_scheduled")
    assert scheduled in announcements_for(membership=member)


def test_an_expired_announcement_disappears_even_before_the_scheduler_runs(member):
    expiring = make_announcement(expire_at=hours(1))
    assert expiring in announcements_for(membership=member)
    Announcement.objects.filter(pk=expiring.pk).update(expire_at=hours(-1))
    assert expiring not in announcements_for(membership=member)
    publish_scheduled.delay()  # the periodic task runs Wagtail's scheduler
    expiring.refresh_from_db()
    assert not expiring.live and expiring.expired


def test_the_moderation_workflow_keeps_a_submitted_draft_invisible_until_approved(member):
    workflow = announcement_editor_setup()
    reviewer = StaffFactory(is_superuser=False)
    reviewer.groups.add(Group.objects.get(name="Moderators"))

    announcement = make_announcement(publish=False, title="Needs approval")
    assert announcement.get_workflow() == workflow
    workflow.start(announcement, StaffFactory())
    assert announcement.workflow_in_progress
    assert announcement not in announcements_for(membership=member)

    task_state = announcement.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    announcement.refresh_from_db()
    assert announcement.live
    assert announcement in announcements_for(membership=member)


def test_opening_an_announcement_marks_it_read_for_that_user_only(client, member):
    announcement = make_announcement(title="Price update")
    colleague = MembershipFactory(company=member.company, role=Role.USER)
    client.force_login(member.user)
    page = client.get("/en/partner/announcements/")
    assert "Unread" in page.content.decode()
    detail = client.get(f"/en/partner/announcements/{announcement.pk}/")
    assert detail.status_code == 200
    assert "Price update" in detail.content.decode()
    client.get(f"/en/partner/announcements/{announcement.pk}/")  # twice: still one mark
    assert AnnouncementRead.unscoped.filter(announcement=announcement).count() == 1
    assert announcements_for(membership=member).get(pk=announcement.pk).is_read
    assert not announcements_for(membership=colleague).get(pk=announcement.pk).is_read


def test_mark_all_as_read_marks_only_what_this_member_sees_for_this_member(client, member):
    seen = [make_announcement(title="One"), make_announcement(title="Two")]
    already = make_announcement(title="Three")
    AnnouncementRead.unscoped.create(announcement=already, user=member.user)
    elsewhere = make_announcement(audience_all=False, audience_companies=[CompanyFactory()])
    colleague = MembershipFactory(company=member.company, role=Role.USER)
    client.force_login(member.user)
    assert "Mark all as read" in client.get("/en/partner/announcements/").content.decode()
    assert client.get("/en/partner/announcements/read/").status_code == 405  # a change: POST only

    response = client.post("/en/partner/announcements/read/", follow=True)
    assert response.redirect_chain == [("/en/partner/announcements/", 302)]
    page = response.content.decode()
    assert "2 announcements marked as read." in page and "Mark all as read" not in page
    assert set(AnnouncementRead.unscoped.filter(user=member.user).values_list("announcement", flat=True)) == {
        *(a.pk for a in seen), already.pk,
    }  # fmt: skip
    assert not AnnouncementRead.unscoped.filter(announcement=elsewhere).exists()
    assert not announcements_for(membership=colleague).filter(is_read=True).exists()


def test_an_announcement_for_someone_else_answers_404(client, member):
    elsewhere = make_announcement(audience_all=False, audience_companies=[CompanyFactory()])
    draft = make_announcement(publish=False)
    client.force_login(member.user)
    assert client.get(f"/en/partner/announcements/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/en/partner/announcements/{draft.pk}/").status_code == 404
    assert client.get("/en/partner/announcements/999999/").status_code == 404


def test_home_counts_every_unread_announcement_but_lists_the_latest_five(client, member):
    announcements = [make_announcement(title=f"Campaign {n}") for n in range(7)]
    AnnouncementRead.unscoped.create(announcement=announcements[-1], user=member.user)  # the newest, read
    client.force_login(member.user)
    html = client.get("/en/partner/").content.decode()
    assert "6 unread" in html  # the two oldest, not listed, still count
    assert [f"Campaign {n}" in html for n in range(7)] == [False, False, True, True, True, True, True]


def test_home_queries_do_not_grow_with_the_announcements(client, member, django_assert_max_num_queries):
    make_announcement()
    client.force_login(member.user)
    client.get("/en/partner/")
    with django_assert_max_num_queries(HOME_QUERIES):
        assert client.get("/en/partner/").status_code == 200
    for _ in range(6):
        make_announcement()
    with django_assert_max_num_queries(HOME_QUERIES):
        assert "7 unread" in client.get("/en/partner/").content.decode()


def test_home_shows_the_pinned_announcement_with_unread_marker_and_company_name(client, member):
    make_announcement(title="Welcome to the spring campaign", pinned=True)
    client.force_login(member.user)
    html = client.get("/en/partner/").content.decode()
    assert member.company.legal_name in html
    assert "Welcome to the spring campaign" in html
    assert "Pinned" in html and "1 unread" in html


def test_home_figures_show_only_sections_the_member_may_see(client, member):
    client.force_login(member.user)
    figures = client.get("/en/partner/home/figures/", headers={"HX-Request": "true"})
    assert figures.status_code == 200
    assert "New materials" in figures.content.decode()
    assert "outstanding" not in figures.content.decode()
    admin = MembershipFactory(company=member.company, role=Role.ADMIN)
    client.force_login(admin.user)
    assert "outstanding and overdue balance" in client.get("/en/partner/home/figures/").content.decode()


def test_editor_preview_as_a_company_tells_who_sees_it():
    gold, standard = CompanyFactory(tier=Tier.GOLD), CompanyFactory(tier=Tier.STANDARD)
    announcement = make_announcement(audience_all=False, audience_tiers=[Tier.GOLD], admins_only=True)
    assert (f"company-{gold.pk}", f"As {gold.legal_name}") in [
        (m, str(label)) for m, label in announcement.preview_modes
    ]
    context = announcement.preview_audience(f"company-{gold.pk}")
    assert context["preview_admins_see"] is True and context["preview_users_see"] is False
    context = announcement.preview_audience(f"company-{standard.pk}")
    assert context["preview_admins_see"] is False


def test_editor_preview_renders_in_the_admin(client):
    company = CompanyFactory(tier=Tier.GOLD)
    announcement = make_announcement(title="Preview me", audience_all=False, audience_tiers=[Tier.GOLD])
    client.force_login(StaffFactory())
    response = announcement.make_preview_request(preview_mode=f"company-{company.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview me" in html and f"Preview as {company.legal_name}" in html
