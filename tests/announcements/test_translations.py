"""Announcements in Latvian are Wagtail translations: partners on /lv/ pages read the live Latvian translation's
title, summary and body, and the English text where there is none (or it is a draft, or a field is empty);
every list shows each announcement once, however many translations it has; reads and e-mails stay with the
English announcement, and each e-mail is in its recipient's language; editors make the Latvian version with
"Translate", edit, preview, search and publish it in the snippet admin, under the approval workflow."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Workflow
from wagtail.test.utils.form_data import rich_text

from partner_area.announcements.editors import announcement_editor_setup
from partner_area.announcements.models import Announcement, AnnouncementRead
from partner_area.announcements.tasks import announcement_distribute
from partner_area.companies.models import Role, Tier
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

from .helpers import make_announcement, make_translation

pytestmark = pytest.mark.django_db

LATVIAN = {
    "title": "Jaunās cenas 2026. gadam",
    "summary": "Partneru cenas stājas spēkā 1. martā.",
    "body": "<p>Cenu lapa ir sadaļā “Materiāli”.</p>",
}
ADMIN = "/admin/snippets/announcements/announcement"


@pytest.fixture
def member():
    return MembershipFactory(role=Role.USER, sections=["materials"])


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def titles_listed(html: str) -> list[str]:
    return re.findall(r'class="announcement-item__title"><a href="[^"]+">([^<]+)</a>', html)


def test_latvian_pages_show_the_latvian_translation_and_english_pages_the_english_text(client, member):
    announcement = make_announcement(title="New prices for 2026", summary="Partner prices change.")
    make_translation(announcement, **LATVIAN)
    client.force_login(member.user)

    listing = page(client, "/lv/partner/announcements/")
    assert titles_listed(listing) == ["Jaunās cenas 2026. gadam"]
    assert "Partneru cenas stājas spēkā 1. martā." in listing and "New prices for 2026" not in listing
    detail = page(client, f"/lv/partner/announcements/{announcement.pk}/")
    assert "Cenu lapa ir sadaļā “Materiāli”." in detail and "<p>Body</p>" not in detail
    assert "Jaunās cenas 2026. gadam" in page(client, "/lv/partner/")

    english = page(client, f"/en/partner/announcements/{announcement.pk}/")
    assert "New prices for 2026" in english and "Partner prices change." in english and "<p>Body</p>" in english
    assert "Jaunās cenas" not in english and "Cenu lapa" not in english


def test_without_a_live_translation_latvian_pages_show_the_english_text(client, member):
    untranslated = make_announcement(title="Only in English", summary="English summary", body="<p>English body</p>")
    drafted = make_announcement(title="Translation in progress")
    make_translation(drafted, publish=False, title="Tulkojums top")
    client.force_login(member.user)

    listing = page(client, "/lv/partner/announcements/")
    assert titles_listed(listing) == ["Translation in progress", "Only in English"]
    assert "Tulkojums top" not in listing
    detail = page(client, f"/lv/partner/announcements/{untranslated.pk}/")
    assert "Only in English" in detail and "English summary" in detail and "English body" in detail


def test_an_empty_field_of_the_translation_falls_back_to_the_english_text(client, member):
    announcement = make_announcement(title="Prices", summary="English summary", body="<p>English body</p>")
    # An emptied rich text editor leaves an empty paragraph: that is no Latvian body.
    make_translation(announcement, title="Cenas", body="<p></p>")
    client.force_login(member.user)
    detail = page(client, f"/lv/partner/announcements/{announcement.pk}/")
    assert "Cenas" in detail and "English body" in detail


def test_each_announcement_is_listed_once_and_its_translation_has_no_page_of_its_own(client, member):
    translated = make_announcement(title="Translated")
    translation = make_translation(translated, title="Iztulkots")
    make_announcement(title="Untranslated")
    client.force_login(member.user)

    for language in ("en", "lv"):
        listing = page(client, f"/{language}/partner/announcements/")
        assert len(titles_listed(listing)) == 2, language
        assert len(titles_listed(page(client, f"/{language}/partner/"))) == 2, language
    assert client.get(f"/lv/partner/announcements/{translation.pk}/").status_code == 404

    # Opening the Latvian version marks the announcement itself as read.
    page(client, f"/lv/partner/announcements/{translated.pk}/")
    assert AnnouncementRead.unscoped.filter(user=member.user).get().announcement_id == translated.pk
    # "Mark all as read" marks the announcements, never their translations.
    client.post("/lv/partner/announcements/read/")
    read = AnnouncementRead.unscoped.filter(user=member.user)
    assert sorted(read.values_list("announcement__title", flat=True)) == ["Translated", "Untranslated"]


def test_the_latvian_list_needs_no_query_per_translated_announcement(client, member):
    client.force_login(member.user)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, url)
        return len(captured)

    urls = ("/lv/partner/announcements/", "/lv/partner/")
    make_translation(make_announcement(), **LATVIAN)
    for url in urls:
        page(client, url)  # warm the caches (session, site, locales)
    one = {url: queries(url) for url in urls}
    for _ in range(4):
        make_translation(make_announcement(), **LATVIAN)
    five = {url: queries(url) for url in one}
    assert five == one


def test_the_announcement_email_is_in_each_recipients_language():
    company = CompanyFactory()
    latvian = MembershipFactory(company=company, role=Role.USER, user__preferred_language="lv")
    english = MembershipFactory(company=company, role=Role.USER, user__preferred_language="en")
    announcement = make_announcement(
        title="New prices for 2026", summary="Partner prices change.", audience_all=False, audience_companies=[company]
    )
    make_translation(announcement, **LATVIAN)
    announcement_distribute.delay(announcement.pk)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(by_address) == 2 == len(mail.outbox)

    to_latvian = by_address[latvian.user.email]
    assert "Jaunās cenas 2026. gadam" in to_latvian.subject
    assert "Partneru cenas stājas spēkā 1. martā." in to_latvian.body
    assert f"/lv/partner/announcements/{announcement.pk}/" in to_latvian.body
    assert "New prices for 2026" not in to_latvian.subject + to_latvian.body

    to_english = by_address[english.user.email]
    assert "New prices for 2026" in to_english.subject and "Partner prices change." in to_english.body
    assert "Jaunās cenas" not in to_english.subject + to_english.body


def test_the_email_falls_back_to_english_without_a_translation_and_a_translation_is_never_sent_alone():
    company = CompanyFactory()
    latvian = MembershipFactory(company=company, role=Role.USER, user__preferred_language="lv")
    announcement = make_announcement(
        title="Only in English", summary="English summary", audience_all=False, audience_companies=[company]
    )
    announcement_distribute.delay(announcement.pk)
    [message] = mail.outbox
    assert message.to == [latvian.user.email]
    assert "Only in English" in message.subject and "English summary" in message.body

    translation = make_translation(make_announcement(audience_all=False, audience_companies=[company]), **LATVIAN)
    assert announcement_distribute.delay(translation.pk).get() == 0
    assert len(mail.outbox) == 1


def test_editors_translate_an_announcement_edit_and_publish_the_latvian_version(client):
    announcement = make_announcement(title="New prices for 2026", summary="Partner prices change.")
    latvian = Locale.objects.get_or_create(language_code="lv")[0]
    client.force_login(StaffFactory())

    listing = page(client, f"{ADMIN}/")
    translate_url = f"/admin/translation/submit/snippet/announcements/announcement/{announcement.pk}/"
    assert translate_url in listing
    response = client.post(translate_url, {"locales": [latvian.pk]})
    assert response.status_code == 302
    translation = announcement.get_translation(latvian)
    assert response["Location"] == f"{ADMIN}/edit/{translation.pk}/"
    # A new translation is a draft of its own: partners keep reading the English text until it is published.
    assert not translation.live and translation.title == "New prices for 2026"

    edit_url = f"{ADMIN}/edit/{translation.pk}/"
    assert 'value="New prices for 2026"' in page(client, edit_url)
    data = {
        "title": LATVIAN["title"],
        "summary": LATVIAN["summary"],
        "body": rich_text(LATVIAN["body"]),
        "audience_all": "on",
    }
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    translation.refresh_from_db()
    assert translation.latest_revision.as_object().title == LATVIAN["title"] and not translation.live
    assert LATVIAN["title"] in page(client, edit_url)  # the edit form reopens the draft revision

    response = client.post(edit_url, {**data, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    translation.refresh_from_db()
    announcement.refresh_from_db()
    assert translation.live and translation.title == LATVIAN["title"]
    assert announcement.title == "New prices for 2026" and announcement.live

    # The list per locale: the Latvian version under Latvian, the announcement under English.
    assert LATVIAN["title"] in page(client, f"{ADMIN}/?locale=lv")
    english_list = page(client, f"{ADMIN}/?locale=en")
    assert "New prices for 2026" in english_list and LATVIAN["title"] not in english_list


def test_the_latvian_version_goes_through_the_approval_workflow(client):
    announcement_editor_setup()
    announcement = make_announcement(title="New prices for 2026")
    translation = make_translation(announcement, publish=False, **LATVIAN)
    assert translation.get_workflow() == Workflow.objects.get(name="Announcement approval")
    client.force_login(StaffFactory())
    edit_url = f"{ADMIN}/edit/{translation.pk}/"
    data = {
        "title": LATVIAN["title"],
        "summary": LATVIAN["summary"],
        "body": rich_text(LATVIAN["body"]),
        "audience_all": "on",
        "action-submit": "Submit for moderation",
    }
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    translation.refresh_from_db()
    assert translation.workflow_in_progress and not translation.live


def test_editors_preview_the_latvian_version_and_find_it_by_latvian_words(client):
    announcement = make_announcement(title="New prices for 2026")
    make_translation(announcement, **LATVIAN)
    client.force_login(StaffFactory())
    latvian = announcement.make_preview_request(preview_mode="lv").content.decode()
    assert "Jaunās cenas 2026. gadam" in latvian and "Cenu lapa ir sadaļā" in latvian
    english = announcement.make_preview_request(preview_mode="").content.decode()
    assert "New prices for 2026" in english and "Jaunās cenas" not in english

    found = page(client, f"{ADMIN}/?q=cenas&locale=lv")
    assert "Jaunās cenas 2026. gadam" in found


def test_only_the_announcement_itself_offers_sending_by_email(client):
    announcement = make_announcement(title="New prices for 2026")
    translation = make_translation(announcement, **LATVIAN)
    client.force_login(StaffFactory())
    assert f"/admin/partner-content/announcements/{announcement.pk}/email/" in page(client, f"{ADMIN}/?locale=en")
    assert "/email/" not in page(client, f"{ADMIN}/?locale=lv")
    assert client.get(f"/admin/partner-content/announcements/{translation.pk}/email/").status_code == 404
    assert Announcement.objects.count() == 2


def test_the_latvian_version_edits_only_its_texts_and_says_where_the_rest_is_set(client):
    announcement = make_announcement(title="New prices for 2026", pinned=True)
    translation = make_translation(announcement, publish=False, **LATVIAN)
    client.force_login(StaffFactory())
    edit_url = f"{ADMIN}/edit/{translation.pk}/"

    html = page(client, edit_url)
    assert 'name="title"' in html and 'name="summary"' in html and 'name="body"' in html
    for name in ("audience_all", "audience_companies", "product", "pinned", "go_live_at", "expire_at"):
        assert f'name="{name}"' not in html, name
    assert "follow the English announcement" in html

    # Only the texts are posted: no audience error, and nothing else of the translation changes.
    data = {"title": "Jaunās cenas", "summary": LATVIAN["summary"], "body": rich_text(LATVIAN["body"])}
    response = client.post(edit_url, {**data, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    translation.refresh_from_db()
    assert translation.live and translation.title == "Jaunās cenas" and translation.pinned

    # The English announcement keeps every field on its form.
    english = page(client, f"{ADMIN}/edit/{announcement.pk}/")
    assert 'name="audience_all"' in english and 'name="pinned"' in english and 'name="go_live_at"' in english
    assert "follow the English announcement" not in english


def test_an_announcement_cannot_be_started_in_latvian_where_partners_would_never_see_it(client):
    latvian = Locale.objects.get_or_create(language_code="lv")[0]
    client.force_login(StaffFactory())
    data = {"title": "Tikai latviski", "summary": "Kopsavilkums", "body": rich_text("<p>Teksts</p>")}
    response = client.post(f"{ADMIN}/add/?locale=lv", {**data, "audience_all": "on"})
    assert response.status_code == 200
    assert "Write the announcement in English first" in response.content.decode()
    assert not Announcement.objects.filter(locale=latvian).exists()

    # In English it is created, and translated from there.
    response = client.post(f"{ADMIN}/add/?locale=en", {**data, "audience_all": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Announcement.objects.get(title="Tikai latviski").locale.language_code == "en"


def test_deleting_an_announcement_deletes_its_translations(client):
    announcement = make_announcement(title="New prices for 2026")
    translation = make_translation(announcement, **LATVIAN)
    other = make_announcement(title="Stays")
    other_translation = make_translation(other, title="Paliek")
    client.force_login(StaffFactory())

    response = client.post(f"{ADMIN}/delete/{announcement.pk}/")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Announcement.objects.filter(pk__in=[announcement.pk, translation.pk]).exists()
    assert set(Announcement.objects.values_list("pk", flat=True)) == {other.pk, other_translation.pk}
    assert LATVIAN["title"] not in page(client, f"{ADMIN}/?locale=lv")

    # Deleting only the translation leaves the announcement.
    response = client.post(f"{ADMIN}/delete/{other_translation.pk}/")
    assert response.status_code == 302
    assert list(Announcement.objects.values_list("pk", flat=True)) == [other.pk]


def test_previewing_the_latvian_version_as_a_company_uses_the_english_announcements_audience():
    gold, standard = CompanyFactory(tier=Tier.GOLD), CompanyFactory(tier=Tier.STANDARD)
    announcement = make_announcement(audience_all=False, audience_tiers=[Tier.GOLD])
    translation = make_translation(announcement, **LATVIAN)
    # The editors move the announcement to standard partners after it was translated.
    announcement.audience_tiers = [Tier.STANDARD]
    announcement.save()

    assert translation.preview_audience(f"company-{standard.pk}")["preview_users_see"] is True
    assert translation.preview_audience(f"company-{gold.pk}")["preview_users_see"] is False
