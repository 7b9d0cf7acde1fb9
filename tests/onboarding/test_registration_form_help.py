"""The registration form helps: a link to the partner terms it asks to accept, hints for the chosen country."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_registration_form_links_to_the_terms_in_a_new_tab(client, lang):
    html = client.get(f"/{lang}/partner/register/").content.decode()
    assert f'<a href="/{lang}/partner/terms/" target="_blank" rel="noopener">' in html


@pytest.mark.parametrize(("lang", "page_path"), [("en", "/en/partner-programme/"), ("lv", "/lv/partneru-programma/")])
def test_terms_link_leads_to_the_public_page_in_the_readers_language(client, public_site, lang, page_path):
    response = client.get(f"/{lang}/partner/terms/")
    assert response.status_code == 302
    assert response["Location"].endswith(page_path)
    assert client.get(response["Location"]).status_code == 200


def test_a_published_partner_terms_page_takes_precedence(client, public_site):
    from cms_pages.models import ContentPage

    public_site.add_child(instance=ContentPage(title="Partner terms", slug="partner-terms"))
    response = client.get("/en/partner/terms/")
    assert response["Location"].endswith("/en/partner-terms/")


def test_registration_number_hint_follows_the_chosen_country(client):
    from .test_registration import URL, application

    assert "Latvia: 11 digits, e.g. 40003123453." in client.get(URL).content.decode()

    html = client.post(URL, application(country="EE", registration_number="1", vat_number="")).content.decode()
    hint = html.split('id="id_registration_number_helptext">', 1)[1].split("</div>", 1)[0]
    assert "Latvia" not in hint and "e.g. 12345678." in hint
    vat_hint = html.split('id="id_vat_number_helptext">', 1)[1].split("</div>", 1)[0]
    assert "EE" in vat_hint and "LV4000" not in vat_hint
    # The hints of every country travel with the page, for portal.js to swap when the country changes.
    assert "data-field-hints=" in html and "HRB123456" in html
