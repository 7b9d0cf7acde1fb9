"""Targeted e-mail distribution: once per targeted, opted-in, active person, however often it runs; an
unsubscribe link in every e-mail; progress counts for the editor."""

import re

import pytest
from django.core import mail

from partner_area.announcements.models import AnnouncementDelivery, DeliveryStatus
from partner_area.announcements.selectors import delivery_progress
from partner_area.announcements.services import announcement_deliveries_send, announcement_distribution_queue
from partner_area.announcements.tasks import announcement_distribute
from partner_area.companies.models import CompanyStatus, Role, Tier
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

from .helpers import make_announcement

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience():
    """Gold partners are targeted. Who should get the e-mail, and who should not."""
    gold, other_gold, silver = (
        CompanyFactory(tier=Tier.GOLD),
        CompanyFactory(tier=Tier.GOLD),
        CompanyFactory(tier=Tier.SILVER),
    )
    blocked = CompanyFactory(tier=Tier.GOLD, status=CompanyStatus.BLOCKED)
    wanted = [
        MembershipFactory(company=gold, role=Role.ADMIN),
        MembershipFactory(company=gold, role=Role.USER),
        MembershipFactory(company=other_gold, role=Role.USER, user__preferred_language="lv"),
    ]
    opted_out = MembershipFactory(company=gold, role=Role.USER, user__announcement_emails=False)
    deactivated = MembershipFactory(company=gold, role=Role.USER)
    deactivated.is_active = False
    deactivated.save()
    unconfirmed = MembershipFactory(company=gold, role=Role.USER, confirmed=False)
    not_targeted = MembershipFactory(company=silver, role=Role.ADMIN)
    in_blocked_company = MembershipFactory(company=blocked, role=Role.ADMIN)
    announcement = make_announcement(title="Gold price list 2026", audience_all=False, audience_tiers=[Tier.GOLD])
    return {
        "announcement": announcement,
        "wanted": wanted,
        "unwanted": [opted_out, deactivated, unconfirmed, not_targeted, in_blocked_company],
    }


def test_each_targeted_opted_in_active_person_gets_exactly_one_email(audience):
    announcement = audience["announcement"]
    announcement_distribute.delay(announcement.pk)
    announcement_distribute.delay(announcement.pk)  # the editor presses "send" again: nothing more goes out
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(member.user.email for member in audience["wanted"])
    assert delivery_progress(announcement=announcement) == {
        "queued": 0, "sent": 3, "failed": 0, "skipped": 0, "total": 3
    }  # fmt: skip


def test_every_email_carries_a_working_unsubscribe_link(client, audience):
    announcement_distribute.delay(audience["announcement"].pk)
    message = next(m for m in mail.outbox if "/en/partner/" in m.body)
    assert "Gold price list 2026" in message.subject
    link = re.search(r"http://testserver(/en/partner/announcements/unsubscribe/\S+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    page = client.get(link)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    client.post(link)
    person = next(m.user for m in audience["wanted"] if m.user.email == message.to[0])
    person.refresh_from_db()
    assert person.announcement_emails is False
    assert client.get("/en/partner/announcements/unsubscribe/forged-token/").status_code == 404


def test_emails_speak_the_recipients_language(audience):
    announcement_distribute.delay(audience["announcement"].pk)
    latvian = next(m for m in audience["wanted"] if m.user.preferred_language == "lv")
    message = next(m for m in mail.outbox if m.to == [latvian.user.email])
    assert "/lv/partner/announcements/" in message.body


def test_someone_who_opts_out_after_queueing_is_skipped(audience):
    batches = announcement_distribution_queue(announcement=audience["announcement"])
    late = audience["wanted"][0].user
    late.announcement_emails = False
    late.save()
    announcement_deliveries_send(delivery_ids=[i for batch in batches for i in batch])
    assert len(mail.outbox) == 2
    assert AnnouncementDelivery.objects.get(user=late).status == DeliveryStatus.SKIPPED


def test_a_failed_send_is_counted_and_can_be_retried(audience, monkeypatch):
    from django.core.mail import EmailMessage

    original_send = EmailMessage.send

    def flaky_send(self, *args, **kwargs):
        if self.to == [audience["wanted"][0].user.email]:
            raise ConnectionError("SMTP down")
        return original_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    announcement_distribute.delay(audience["announcement"].pk)
    progress = delivery_progress(announcement=audience["announcement"])
    assert (progress["sent"], progress["failed"]) == (2, 1)
    monkeypatch.setattr(EmailMessage, "send", original_send)
    client_staff = StaffFactory()
    from django.test import Client

    client = Client()
    client.force_login(client_staff)
    url = f"/admin/partner-content/announcements/{audience['announcement'].pk}/email/"
    client.post(url, {"action": "retry"})
    assert delivery_progress(announcement=audience["announcement"])["sent"] == 3
    assert len(mail.outbox) == 3


def test_the_editor_sends_from_the_admin_and_sees_the_progress(client, audience):
    client.force_login(StaffFactory())
    url = f"/admin/partner-content/announcements/{audience['announcement'].pk}/email/"
    page = client.get(url)
    assert page.status_code == 200
    assert "3 of them receive announcement e-mails" in page.content.decode()
    response = client.post(url, {"action": "send"}, follow=True)
    assert len(mail.outbox) == 3
    assert 'data-progress="sent">3<' in response.content.decode()


def test_a_draft_cannot_be_sent(client):
    draft = make_announcement(publish=False)
    MembershipFactory(role=Role.ADMIN)
    client.force_login(StaffFactory())
    client.post(f"/admin/partner-content/announcements/{draft.pk}/email/", {"action": "send"})
    assert mail.outbox == []


def test_only_publishers_may_send(client, audience):
    editor = StaffFactory(is_superuser=False)
    client.force_login(editor)
    response = client.post(f"/admin/partner-content/announcements/{audience['announcement'].pk}/email/")
    assert response.status_code in (302, 403)
    assert mail.outbox == []
