"""Latvian versions of editor-written texts in the materials app, as Wagtail translations: partners on /lv/
pages read the Latvian category names and the featured video's Latvian translation, and the English ones
where there is none; English pages stay English. (Announcements: tests/announcements/test_translations.py.)"""

from types import SimpleNamespace

import pytest
from django.utils import translation
from wagtail.models import Locale

from partner_area.materials.models import FeaturedVideo, PartnerHomeSettings
from tests.factories import StaffFactory

from .helpers import make_category, make_material

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


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


def _video(**fields) -> FeaturedVideo:
    # The snapshot is already taken for this address, so saving asks no provider.
    url = "https://www.youtube.com/watch?v=abc"
    video = FeaturedVideo(
        url=url,
        video_fetched_url=url,
        video_html='<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Provider &amp; title" '
        'allow="autoplay; fullscreen" allowfullscreen></iframe>',
        **fields,
    )
    video.save()
    home = PartnerHomeSettings.load()
    home.featured_video = video
    home.save()
    return video


def test_the_featured_video_title_follows_the_page_language(client, member):
    video = _video(title="Brello 360 in two minutes")
    translation = video.copy_for_translation(Locale.objects.get_or_create(language_code="lv")[0])
    translation.title = "Brello 360 divās minūtēs"
    translation.save()
    client.force_login(member.user)
    html = page(client, "/lv/partner/")
    assert '<h2 id="home-video-heading">Brello 360 divās minūtēs</h2>' in html
    # The player itself is named in the page's language for screen readers, with no duplicate fullscreen grant.
    assert '<iframe title="Brello 360 divās minūtēs" src=' in html
    assert "Provider" not in html and "allowfullscreen" not in html
    english = page(client, "/en/partner/")
    assert "Brello 360 in two minutes" in english and "divās minūtēs" not in english

    translation.delete()
    assert '<iframe title="Brello 360 in two minutes" src=' in page(client, "/lv/partner/")


def test_a_latvian_translation_can_show_another_video(client, member, monkeypatch):
    def fake_get_embed(url, max_width=None, max_height=None):
        return SimpleNamespace(
            html=f'<iframe src="{url}"></iframe>', title="Latviski", thumbnail_url="", provider_name="Vimeo"
        )

    monkeypatch.setattr("wagtail.embeds.embeds.get_embed", fake_get_embed)
    video = _video(title="In English")
    translation = video.copy_for_translation(Locale.objects.get_or_create(language_code="lv")[0])
    translation.url = "https://vimeo.com/123"
    translation.save()
    assert translation.video_provider == "Vimeo"  # the translation's own snapshot
    client.force_login(member.user)
    assert 'src="https://vimeo.com/123"' in page(client, "/lv/partner/")
    assert 'src="https://vimeo.com/123"' not in page(client, "/en/partner/")


def test_editors_choose_the_featured_video_and_translate_it(client):
    video = _video(title="Brello 360 in two minutes")
    client.force_login(StaffFactory())
    settings_form = page(client, f"/admin/settings/materials/partnerhomesettings/{PartnerHomeSettings.load().pk}/")
    assert 'name="featured_video"' in settings_form and "Brello 360 in two minutes" in settings_form
    latvian = Locale.objects.get_or_create(language_code="lv")[0]
    translate_url = f"/admin/translation/submit/snippet/materials/featuredvideo/{video.pk}/"
    assert translate_url in page(client, "/admin/snippets/materials/featuredvideo/")
    assert client.post(translate_url, {"locales": [latvian.pk]}).status_code == 302
    latvian_video = video.get_translation(latvian)
    response = client.post(
        f"/admin/snippets/materials/featuredvideo/edit/{latvian_video.pk}/",
        {"url": video.url, "title": "Brello 360 divās minūtēs"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with translation.override("lv"):
        assert PartnerHomeSettings.load().featured_video.localized.title == "Brello 360 divās minūtēs"


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


def test_the_helper_picks_the_active_language():
    category = make_category(name="Training", name_lv="Apmācības")
    with translation.override("lv"):
        assert category.localized_name == "Apmācības"
    with translation.override("en"):
        assert category.localized_name == "Training"


def test_deleting_a_category_or_a_video_deletes_its_translations_and_only_those(client):
    category = make_category(name="Brochures", name_lv="Brošūras")
    kept = make_category(name="Price lists", name_lv="Cenrāži")
    video = _video(title="Brello 360 in two minutes")
    latvian = Locale.objects.get(language_code="lv")
    video.copy_for_translation(latvian).save()
    client.force_login(StaffFactory())

    response = client.post(f"/admin/snippets/materials/materialcategory/delete/{category.pk}/")
    assert response.status_code == 302, response.content.decode()[:3000]
    names = page(client, "/admin/snippets/materials/materialcategory/?locale=lv")
    assert "Brošūras" not in names and "Cenrāži" in names
    assert kept.get_translation(latvian).name == "Cenrāži"

    response = client.post(f"/admin/snippets/materials/featuredvideo/delete/{video.pk}/")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not FeaturedVideo.objects.exists()
