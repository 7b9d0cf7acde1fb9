"""`make run` (portal.settings.dev, DEBUG on) shows the portal's own bilingual 404 and 500 pages, as partners see
them; DEBUG_TECHNICAL_ERRORS=1 brings Django's technical pages back for developers."""

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from portal.settings import dev

TECHNICAL_404 = "DEBUG = True"  # "You are seeing this error because you have DEBUG = True"
URL_PATTERNS = "Using the URLconf defined in"


def dev_settings(*, technical: bool = False):
    assert dev.DEBUG is True  # the default of `make run`
    return override_settings(DEBUG=True, MIDDLEWARE=dev.MIDDLEWARE, DEBUG_TECHNICAL_ERRORS=technical)


def heading_in(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/en/no-such-page/", "en"),
        ("/lv/nav-tadas/", "lv"),
        ("/lv/nav-tadas.txt", "lv"),  # matches no URL pattern at all, not even Wagtail's catch-all
    ],
)
def test_missing_page_shows_the_portals_404_in_the_pages_language(client, public_site, path, language):
    with dev_settings():
        response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert heading_in(language, "We could not find that page") in page
    assert TECHNICAL_404 not in page
    if language == "lv":
        assert "We could not find that page" not in page


def test_missing_page_shows_djangos_technical_404_when_asked(client, public_site):
    with dev_settings(technical=True):
        response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert TECHNICAL_404 in response.content.decode()
    assert "We could not find that page" not in response.content.decode()


def test_unmatched_path_shows_the_url_patterns_when_asked(client, db):
    with dev_settings(technical=True):
        response = client.get("/lv/nav-tadas.txt")
    assert response.status_code == 404
    assert URL_PATTERNS in response.content.decode()


def test_a_crash_shows_the_portals_500_page_in_latvian(client, monkeypatch, caplog):
    from partner_area.accounts import views

    def bug(self, request, *args, **kwargs):
        raise RuntimeError("a bug in development")

    monkeypatch.setattr(views.LoginView, "get", bug)
    with dev_settings():
        response = client.get("/lv/partner/account/login/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="lv"' in page
    assert heading_in("lv", "Something went wrong on our side") in page
    assert "Traceback" not in page
    # The developer still gets the traceback in the runserver console.
    assert any(record.exc_info and "a bug in development" in str(record.exc_info[1]) for record in caplog.records)


def test_a_crash_shows_djangos_technical_500_when_asked(client, monkeypatch):
    from partner_area.accounts import views

    def bug(self, request, *args, **kwargs):
        raise RuntimeError("a bug in development")

    monkeypatch.setattr(views.LoginView, "get", bug)
    client.raise_request_exception = False
    with dev_settings(technical=True):
        response = client.get("/lv/partner/account/login/")
    assert response.status_code == 500
    assert "a bug in development" in response.content.decode()
    assert "Something went wrong on our side" not in response.content.decode()
