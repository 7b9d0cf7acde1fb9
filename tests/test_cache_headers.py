"""HTTP caching as a visitor, a partner, staff and a CDN see it: what the server keeps, what it tells caches, when a
stored page is dropped, 304s, and which responses are brotli (no secret in them) and which padded gzip."""

import gzip

import brotli
import pytest
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from cms_pages.models import ContentPage, HomePage, SiteFooterSettings
from partner_area.companies.models import Role
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300  # on, as in production
    settings.PUBLIC_PAGE_MAX_AGE = 60
    settings.PUBLIC_PAGE_STALE_WHILE_REVALIDATE = 300


def _nonce(response) -> str:
    return response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


# --- Each class of page ---------------------------------------------------------------------------------------------


def test_a_public_page_may_be_kept_by_a_cdn_and_revalidated(client, public_site, page_cache):
    response = client.get("/en/benefits/")
    assert _directives(response) == {"public", "max-age=60", "stale-while-revalidate=300"}
    assert response["ETag"].startswith('W/"')
    assert "Cookie" in response["Vary"]
    assert not response.cookies


def test_a_public_page_for_a_logged_in_person_is_private(client, public_site, page_cache):
    client.get("/en/")  # the anonymous copy is stored
    client.force_login(StaffFactory())
    response = client.get("/en/")
    assert {"private", "no-store"} <= _directives(response)
    assert "X-Page-Cache" not in response
    assert 'href="/admin/">' in response.content.decode()


def test_partner_pages_are_never_stored(client, public_site, page_cache):
    client.force_login(MembershipFactory().user)
    response = client.get(reverse("partner:home"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)
    assert "ETag" not in response


def test_the_partner_api_is_never_stored(client, page_cache):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)
    response = client.get("/api/v1/invoices")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_the_wagtail_admin_is_never_stored(staff_client, page_cache):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


# --- The page cache -------------------------------------------------------------------------------------------------


def test_a_page_cache_hit_makes_no_database_query(client, public_site, page_cache, django_assert_num_queries):
    first = client.get("/lv/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get("/lv/")
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Language"] == "lv"
    assert second["X-Frame-Options"] == first["X-Frame-Options"]
    assert second.content.replace(_nonce(second).encode(), b"") == first.content.replace(_nonce(first).encode(), b"")


def test_every_answer_from_the_cache_has_a_fresh_nonce(client, public_site, page_cache):
    answers = [Client().get("/en/") for _ in range(3)]
    assert [a["X-Page-Cache"] for a in answers] == ["miss", "hit", "hit"]
    nonces = [_nonce(a) for a in answers]
    assert len(set(nonces)) == 3
    for answer, nonce in zip(answers, nonces, strict=True):
        assert f'defer nonce="{nonce}"' in answer.content.decode()


def test_the_cache_is_per_language_and_host(client, public_site, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    assert client.get("/en/")["X-Page-Cache"] == "miss"
    assert client.get("/lv/")["X-Page-Cache"] == "miss"
    assert client.get("/en/", HTTP_HOST="other.example")["X-Page-Cache"] == "miss"
    assert client.get("/lv/")["X-Page-Cache"] == "hit"


def test_a_page_that_renders_a_csrf_token_is_never_stored(client, public_site, page_cache, monkeypatch):
    render = HomePage.get_context

    def with_a_form(self, request, *args, **kwargs):
        context = render(self, request, *args, **kwargs)
        context["token"] = get_token(request)  # as {% csrf_token %} does
        return context

    monkeypatch.setattr(HomePage, "get_context", with_a_form)
    first, second = Client().get("/en/"), Client().get("/en/")
    assert "X-Page-Cache" not in second
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert {"private", "no-store"} <= _directives(second)


def test_a_request_with_a_session_is_not_answered_from_the_cache(client, public_site, page_cache):
    client.get("/en/")
    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in client.get("/en/")


@pytest.mark.parametrize("url", ["/en/", "/lv/"])
def test_uncached_home_makes_at_most_eight_queries(client, public_site, django_assert_max_num_queries, settings, url):
    """Routing and the page's own blocks; the navigation comes from its cache once one page has built it."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(url)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


# --- Conditional GET ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cache_seconds", [300, 0])
def test_an_unchanged_page_answers_304_with_no_body(client, public_site, settings, cache_seconds):
    settings.PUBLIC_PAGE_CACHE_SECONDS = cache_seconds
    etag = client.get("/en/benefits/")["ETag"]
    again = client.get("/en/benefits/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "public" in again["Cache-Control"]


def test_a_changed_page_answers_200_to_the_old_etag(client, public_site, page_cache):
    etag = client.get("/en/benefits/")["ETag"]
    benefits = ContentPage.objects.get(slug="benefits")
    benefits.title = "Benefits for partners"
    benefits.save_revision().publish()
    response = client.get("/en/benefits/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Benefits for partners" in response.content.decode()


# --- When stored pages are dropped ----------------------------------------------------------------------------------


def _publish_new_title(page):
    page.title = "Changed title"
    page.save_revision().publish()
    return "Changed title", True


def _unpublish(page):
    page.unpublish()
    return page.title, False


def _move_under_solutions(page):
    page.move(Page.objects.get(slug="solutions", locale=page.locale), pos="last-child")
    return page.title, False


def _delete(page):
    page.delete()
    return page.title, False


@pytest.mark.parametrize("change", [_publish_new_title, _unpublish, _move_under_solutions, _delete])
def test_a_page_change_drops_the_menu_on_every_stored_page(client, public_site, page_cache, change):
    """The benefits page is in the main menu of every English page, so the stored home must go too."""
    benefits = ContentPage.objects.get(slug="benefits")
    client.get("/en/")
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    title, in_menu = change(Page.objects.get(pk=benefits.pk).specific)
    home = client.get("/en/")
    assert home["X-Page-Cache"] == "miss"
    menu = home.content.decode().split('class="main-menu"')[1].split("</nav>")[0]
    assert (title in menu) is in_menu


def test_a_page_restricted_to_logged_in_people_is_no_longer_served_from_the_cache(client, public_site, page_cache):
    client.get("/en/faq/")
    assert client.get("/en/faq/")["X-Page-Cache"] == "hit"
    PageViewRestriction.objects.create(page=Page.objects.get(slug="faq"), restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/en/faq/")
    assert response.status_code == 302  # to the login page
    assert "X-Page-Cache" not in response


def test_a_footer_settings_change_drops_every_stored_page(client, public_site, page_cache):
    client.get("/en/faq/")
    footer = SiteFooterSettings.for_site(public_site.get_site())
    footer.contact_phone = "+371 2000 0001"
    footer.save()
    response = client.get("/en/faq/")
    assert response["X-Page-Cache"] == "miss"
    assert "+371 2000 0001" in response.content.decode()


# --- Compression ----------------------------------------------------------------------------------------------------


def test_a_public_page_is_brotli_for_a_browser_that_takes_it(client, public_site, page_cache):
    plain = Client().get("/en/")
    response = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    html = brotli.decompress(response.content)
    assert html.replace(_nonce(response).encode(), b"") == plain.content.replace(_nonce(plain).encode(), b"")
    assert len(response.content) < len(html) / 3


def test_a_public_page_is_gzip_for_a_browser_without_brotli(client, public_site):
    response = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(response.content)


def test_a_page_with_a_csrf_token_is_padded_gzip_not_brotli(client):
    sizes = set()
    for _ in range(4):
        response = Client().get(reverse("contact"), HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip"
        assert b"csrfmiddlewaretoken" in gzip.decompress(response.content)
        sizes.add(len(response.content))
    assert len(sizes) > 1  # GZipMiddleware's random padding: the length does not follow the token


def test_a_logged_in_partners_pages_and_api_are_gzip_not_brotli(client):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)
    for url in (reverse("partner:home"), "/api/v1/invoices"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="br, gzip")
        assert response.status_code == 200
        if "Content-Encoding" in response:  # a short JSON answer is not worth compressing
            assert response["Content-Encoding"] == "gzip", url


def test_a_browser_that_refuses_brotli_gets_gzip(client, public_site):
    response = client.get("/en/", HTTP_ACCEPT_ENCODING="br;q=0, gzip")
    assert response["Content-Encoding"] == "gzip"
