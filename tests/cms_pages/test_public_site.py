"""The public site as visitors and search engines see it, in English and Latvian."""

import pytest
from django.test import override_settings
from wagtail.models import Locale

from cms_pages.models import ContentPage, SolutionIndexPage

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language(client, public_site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="lv")
    assert response.status_code == 302
    assert response["Location"] == "/lv/"


@pytest.mark.parametrize(
    ("url", "lang", "expected"),
    [
        ("/en/", "en", "Grow with Brello 360"),
        ("/lv/", "lv", "Augiet kopā ar Brello 360"),
        ("/en/benefits/", "en", "Partnership benefits"),
        ("/lv/prieksrocibas/", "lv", "Partnerības priekšrocības"),
        ("/en/faq/", "en", "Who can become a Brello 360 partner?"),
        ("/lv/buj/", "lv", "Kas var kļūt par Brello 360 partneri?"),
    ],
)
def test_pages_render_in_their_language(client, public_site, url, lang, expected):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert expected in html


def test_ui_strings_are_translated_on_latvian_pages(client, public_site):
    html = client.get("/lv/").content.decode()
    assert "Pāriet uz galveno saturu" in html  # the skip link
    assert "Skip to main content" not in html


def test_every_page_has_seo_canonical_hreflang_and_opengraph(client, public_site):
    html = client.get("/en/partner-programme/").content.decode()
    assert '<link rel="canonical" href="http://testserver/en/partner-programme/">' in html
    assert '<link rel="alternate" hreflang="lv" href="http://testserver/lv/partneru-programma/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/partner-programme/">' in html
    assert '<meta property="og:title" content="Partner programme">' in html
    assert '<meta name="description" content="How the Brello 360 partner programme works' in html


def test_language_switcher_links_to_the_same_page_in_the_other_language(client, public_site):
    html = client.get("/en/benefits/").content.decode()
    # Each link shows the language's code on a desktop and its name (also the link's accessible name) on a phone.
    lv = '<span class="lang-switch__code" aria-hidden="true">lv</span><span class="lang-switch__name">Latviešu</span>'
    en = '<span class="lang-switch__code" aria-hidden="true">en</span><span class="lang-switch__name">English</span>'
    assert f'<a href="/lv/prieksrocibas/" hreflang="lv" lang="lv">{lv}</a>' in html
    assert f'hreflang="en" lang="en" aria-current="true">{en}</a>' in html


def test_main_navigation_comes_from_pages_shown_in_menus(client, public_site):
    benefits = ContentPage.objects.get(slug="benefits")
    benefits.show_in_menus = False
    benefits.save_revision().publish()
    html = client.get("/en/").content.decode()
    assert 'href="/en/partner-programme/">Partner programme</a>' in html
    assert 'href="/en/benefits/">' not in html.split('class="main-menu"')[1].split("</nav>")[0]


def test_current_menu_item_is_marked_for_screen_readers(client, public_site):
    html = client.get("/en/faq/").content.decode()
    assert '<a href="/en/faq/" class="is-active" aria-current="page">FAQ</a>' in html


def test_footer_shows_site_settings(client, public_site):
    html = client.get("/lv/").content.decode()
    assert "partners@brello.example" in html
    assert 'href="https://www.linkedin.com/company/brello-360"' in html


def test_solution_index_lists_its_live_solutions(client, public_site):
    retail = ContentPage.objects.get(slug="brello-retail")
    retail.unpublish()
    html = client.get("/en/solutions/").content.decode()
    assert "Brello Finance" in html
    assert "Brello Field Service" in html
    assert "Brello Retail" not in html


def test_solution_index_without_solutions_shows_an_empty_state(client, public_site):
    index = SolutionIndexPage.objects.get(slug="solutions")
    for page in ContentPage.objects.child_of(index):
        page.unpublish()
    html = client.get("/en/solutions/").content.decode()
    assert "No solutions published yet" in html


def test_a_draft_is_not_public(client, public_site):
    draft = ContentPage(title="Secret pricing", slug="secret-pricing", live=False)
    public_site.add_child(instance=draft)
    draft.save_revision()
    assert client.get("/en/secret-pricing/").status_code == 404
    assert "secret-pricing" not in client.get("/sitemap.xml").content.decode()


def test_unpublished_changes_stay_private_until_published(client, public_site):
    faq = ContentPage.objects.get(slug="faq", locale__language_code="en")
    faq.title = "Draft title nobody should see"
    faq.save_revision()
    assert "Draft title nobody should see" not in client.get("/en/faq/").content.decode()


def test_sitemap_lists_published_pages_of_both_languages(client, public_site):
    xml = client.get("/sitemap.xml").content.decode()
    for path in ("/en/", "/lv/", "/en/benefits/", "/lv/prieksrocibas/", "/lv/risinajumi/brello-finanses/"):
        assert f"<loc>http://testserver{path}</loc>" in xml
    ContentPage.objects.get(slug="benefits").unpublish()
    assert "/en/benefits/" not in client.get("/sitemap.xml").content.decode()


def test_robots_txt_points_to_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /api/" in text


def test_missing_page_is_a_friendly_404_in_the_visitors_language(client, public_site):
    response = client.get("/lv/nav-tadas-lapas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="lv">' in html
    assert "Mēs nevarējām atrast šo lapu" in html
    assert 'href="/lv/"' in html


def test_server_error_page_is_friendly_and_needs_no_database(rf, django_assert_num_queries):
    from django.utils import translation

    from portal.views import server_error

    with translation.override("lv"), django_assert_num_queries(0):
        response = server_error(rf.get("/lv/"))
    assert response.status_code == 500
    assert "Mūsu pusē radās kļūda" in response.content.decode()


def test_public_pages_are_served_in_a_bounded_number_of_queries(client, public_site, django_assert_max_num_queries):
    for url in ("/en/", "/lv/risinajumi/"):
        client.get(url)  # warm Wagtail's site-root paths and image renditions
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=300)
def test_public_pages_are_cached_for_visitors_and_refreshed_on_publish(
    client, public_site, django_assert_max_num_queries
):
    first = client.get("/en/benefits/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(0):  # answered before Wagtail's routing
        second = client.get("/en/benefits/")
    assert second["X-Page-Cache"] == "hit"

    def without_nonce(response):
        nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        return response.content.replace(nonce.encode(), b"")

    assert without_nonce(second) == without_nonce(first)  # the same page, each answer with its own nonce

    benefits = ContentPage.objects.get(slug="benefits")
    benefits.title = "Benefits for partners"
    benefits.save_revision().publish()
    third = client.get("/en/benefits/")
    assert third["X-Page-Cache"] == "miss"
    assert "Benefits for partners" in third.content.decode()


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=300)
def test_logged_in_people_never_get_the_shared_cached_page(client, public_site):
    from tests.factories import StaffFactory

    client.get("/en/")
    client.force_login(StaffFactory())
    response = client.get("/en/")
    assert "X-Page-Cache" not in response
    assert 'href="/admin/">' in response.content.decode()


def test_public_pages_send_a_strict_content_security_policy_with_a_nonce(client, public_site):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'htmx-2.min.js" defer nonce="{nonce}"' in response.content.decode()


def test_every_page_is_under_a_moderation_workflow(public_site):
    for page in ContentPage.objects.all():
        assert page.get_workflow() is not None, page


def test_latvian_pages_are_translations_of_the_english_ones(public_site):
    lv = Locale.objects.get(language_code="lv")
    benefits_lv = ContentPage.objects.get(slug="benefits").get_translation(lv)
    assert benefits_lv.slug == "prieksrocibas"
    assert benefits_lv.live


def test_seed_is_idempotent(public_site):
    from cms_pages.seed import public_site_seed

    count = ContentPage.objects.count()
    public_site_seed()
    assert ContentPage.objects.count() == count


def test_headless_api_serves_live_pages_only(client, public_site):
    ContentPage.objects.get(slug="faq", locale__language_code="en").unpublish()
    data = client.get("/api/cms/v2/pages/?type=cms_pages.ContentPage&fields=summary&limit=20").json()
    titles = {item["title"] for item in data["items"]}
    assert "Benefits" in titles and "Priekšrocības" in titles
    assert "FAQ" not in titles
