"""Latvian versions of editor-written texts: partners on /lv/ pages read the Latvian title, summary, body,
category name and video title, and the English text wherever the Latvian one is empty; English pages stay
English; the announcement e-mail follows the recipient's language; editors write the versions in a
"Latvian" tab that survives revisions, and can preview and search them."""

import pytest
from django.core import mail
from django.utils import translation
from wagtail.models import Locale
from wagtail.test.utils.form_data import rich_text

from partner_area.announcements.models import Announcement
from partner_area.announcements.tasks import announcement_distribute
from partner_area.companies.models import Role
from partner_area.materials.models import PartnerHomeSettings
from tests.announcements.helpers import make_announcement
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

from .helpers import make_category, make_material

pytestmark = pytest.mark.django_db

LATVIAN = {
    "title_lv": "Jaunās cenas 2026. gadam",
    "summary_lv": "Partneru cenas stājas spēkā 1. martā.",
    "body_lv": "<p>Cenu lapa ir sadaļā “Materiāli”.</p>",
}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_latvian_pages_show_the_latvian_announcement_and_english_pages_the_english_one(client, member):
    announcement = make_announcement(title="New prices for 2026", summary="Partner prices change.", **LATVIAN)
    client.force_login(member.user)

    listing = page(client, "/lv/partner/announcements/")
    assert "Jaunās cenas 2026. gadam" in listing and "Partneru cenas stājas spēkā 1. martā." in listing
    assert "New prices for 2026" not in listing
    detail = page(client, f"/lv/partner/announcements/{announcement.pk}/")
    assert "Cenu lapa ir sadaļā “Materiāli”." in detail and "<p>Body</p>" not in detail
    assert "Jaunās cenas 2026. gadam" in page(client, "/lv/partner/")

    english = page(client, f"/en/partner/announcements/{announcement.pk}/")
    assert "New prices for 2026" in english and "Partner prices change." in english and "<p>Body</p>" in english
    assert "Jaunās cenas" not in english and "Cenu lapa" not in english


def test_an_empty_latvian_field_falls_back_to_the_english_text(client, member):
    announcement = make_announcement(
        title="Only in English", summary="English summary", body="<p>English body</p>", title_lv="Tikai virsraksts"
    )
    client.force_login(member.user)
    detail = page(client, f"/lv/partner/announcements/{announcement.pk}/")
    assert "Tikai virsraksts" in detail and "English summary" in detail and "English body" in detail
    # An emptied rich text editor leaves an empty paragraph: that is no Latvian version either.
    Announcement.objects.filter(pk=announcement.pk).update(title_lv="", body_lv="<p></p>")
    detail = page(client, f"/lv/partner/announcements/{announcement.pk}/")
    assert "Only in English" in detail and "English body" in detail


def test_material_categories_show_their_latvian_name_in_headings_and_filters(client, member):
    brochures = make_category(name="Brochures", name_lv="Brošūras")
    untranslated = make_category(name="Case studies")
    make_material(title="CRM brochure", category=brochures)
    make_material(title="Customer story", category=untranslated)
    client.force_login(member.user)

    latvian = page(client, "/lv/partner/materials/")
    assert '<h3 class="material-group__category">Brošūras</h3>' in latvian
    assert f'<option value="{brochures.slug}">Brošūras</option>' in latvian
    assert '<h3 class="material-group__category">Case studies</h3>' in latvian  # no Latvian name: English

    english = page(client, "/en/partner/materials/")
    assert '<h3 class="material-group__category">Brochures</h3>' in english
    assert f'<option value="{brochures.slug}">Brochures</option>' in english
    assert "Brošūras" not in english


def test_the_featured_video_title_follows_the_page_language(client, member):
    video = PartnerHomeSettings.load()
    # The snapshot is already taken for this address, so saving asks no provider.
    video.featured_video_url = video.video_fetched_url = "https://www.youtube.com/watch?v=abc"
    video.video_html = (
        '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Provider &amp; title" '
        'allow="autoplay; fullscreen" allowfullscreen></iframe>'
    )
    video.featured_video_title = "Brello 360 in two minutes"
    video.featured_video_title_lv = "Brello 360 divās minūtēs"
    video.save()
    client.force_login(member.user)
    assert "Brello 360 divās minūtēs" in page(client, "/lv/partner/")
    # The player itself is named in the page's language for screen readers, with no duplicate fullscreen grant.
    html = client.get("/lv/partner/").content.decode()
    assert '<iframe title="Brello 360 divās minūtēs" src=' in html
    assert "Provider" not in html and "allowfullscreen" not in html
    english = page(client, "/en/partner/")
    assert "Brello 360 in two minutes" in english and "divās minūtēs" not in english

    video.featured_video_title_lv = ""
    video.save()
    assert "Brello 360 in two minutes" in page(client, "/lv/partner/")


def test_the_announcement_email_is_in_each_recipients_language():
    company = CompanyFactory()
    latvian = MembershipFactory(company=company, role=Role.USER, user__preferred_language="lv")
    english = MembershipFactory(company=company, role=Role.USER, user__preferred_language="en")
    announcement = make_announcement(
        title="New prices for 2026",
        summary="Partner prices change.",
        audience_all=False,
        audience_companies=[company],
        **LATVIAN,
    )
    announcement_distribute.delay(announcement.pk)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(by_address) == 2

    to_latvian = by_address[latvian.user.email]
    assert "Jaunās cenas 2026. gadam" in to_latvian.subject
    assert "Partneru cenas stājas spēkā 1. martā." in to_latvian.body and "/lv/partner/" in to_latvian.body
    assert "New prices for 2026" not in to_latvian.subject + to_latvian.body

    to_english = by_address[english.user.email]
    assert "New prices for 2026" in to_english.subject and "Partner prices change." in to_english.body
    assert "Jaunās cenas" not in to_english.subject + to_english.body


def test_the_email_falls_back_to_english_where_the_latvian_text_is_empty():
    company = CompanyFactory()
    latvian = MembershipFactory(company=company, role=Role.USER, user__preferred_language="lv")
    announcement = make_announcement(
        title="Only in English", summary="English summary", audience_all=False, audience_companies=[company]
    )
    announcement_distribute.delay(announcement.pk)
    [message] = mail.outbox
    assert message.to == [latvian.user.email]
    assert "Only in English" in message.subject and "English summary" in message.body


def test_editors_write_the_latvian_version_in_its_own_tab_and_a_revision_keeps_it(client):
    announcement = make_announcement(title="New prices for 2026", summary="Partner prices change.")
    client.force_login(StaffFactory())
    edit_url = f"/admin/snippets/announcements/announcement/edit/{announcement.pk}/"
    form = page(client, edit_url)
    for name in ("title_lv", "summary_lv", "body_lv"):
        assert f'name="{name}"' in form
    assert "Latvian version" in form

    data = {
        "title": "New prices for 2026",
        "summary": "Partner prices change.",
        "body": rich_text("<p>Body</p>"),
        "title_lv": LATVIAN["title_lv"],
        "summary_lv": LATVIAN["summary_lv"],
        "body_lv": rich_text(LATVIAN["body_lv"]),
        "audience_all": "on",
    }
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    announcement.refresh_from_db()
    draft = announcement.latest_revision.as_object()
    assert draft.title_lv == LATVIAN["title_lv"] and draft.summary_lv == LATVIAN["summary_lv"]
    assert "Cenu lapa ir sadaļā" in draft.body_lv
    assert announcement.has_unpublished_changes and announcement.title_lv == ""  # a draft: not live yet
    assert LATVIAN["title_lv"] in page(client, edit_url)  # the edit form reopens the draft revision

    draft.save_revision().publish()
    announcement.refresh_from_db()
    assert announcement.title_lv == LATVIAN["title_lv"]


def test_editors_preview_the_latvian_version_and_find_announcements_by_latvian_words(client):
    announcement = make_announcement(title="New prices for 2026", **LATVIAN)
    client.force_login(StaffFactory())
    latvian = announcement.make_preview_request(preview_mode="lv").content.decode()
    assert "Jaunās cenas 2026. gadam" in latvian and "Cenu lapa ir sadaļā" in latvian
    english = announcement.make_preview_request(preview_mode="").content.decode()
    assert "New prices for 2026" in english and "Jaunās cenas" not in english

    found = page(client, "/admin/snippets/announcements/announcement/?q=cenas")
    assert "New prices for 2026" in found


def test_editors_edit_a_material_categorys_latvian_name_as_its_latvian_translation(client):
    category = make_category(name="Brochures", name_lv="Brošūras")
    latvian = category.get_translation(Locale.objects.get(language_code="lv"))
    client.force_login(StaffFactory())
    english_form = page(client, f"/admin/snippets/materials/materialcategory/edit/{category.pk}/")
    assert 'value="Brochures"' in english_form and "Brošūras" not in english_form
    latvian_form = page(client, f"/admin/snippets/materials/materialcategory/edit/{latvian.pk}/")
    assert 'value="Brošūras"' in latvian_form
    data = {"name": "Brošūras un bukleti", "slug": category.slug, "sort_order": "0"}
    response = client.post(f"/admin/snippets/materials/materialcategory/edit/{latvian.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with translation.override("lv"):
        assert category.localized_name == "Brošūras un bukleti"
    category.refresh_from_db()
    assert category.name == "Brochures"


def test_the_partner_home_settings_have_a_latvian_video_title_field(client):
    client.force_login(StaffFactory())
    settings_form = page(client, f"/admin/settings/materials/partnerhomesettings/{PartnerHomeSettings.load().pk}/")
    assert 'name="featured_video_title_lv"' in settings_form


def test_the_helper_picks_the_active_language():
    category = make_category(name="Training", name_lv="Apmācības")
    with translation.override("lv"):
        assert category.localized_name == "Apmācības"
    with translation.override("en"):
        assert category.localized_name == "Training"
