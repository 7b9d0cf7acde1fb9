"""Contact persons: a `user` reads them but cannot change them; another company's contact is not found."""

import pytest
from django.urls import reverse

from partner_area.companies.models import CompanyContact

pytestmark = pytest.mark.django_db


def test_a_user_may_read_the_contacts_but_not_change_them(client, two_partners):
    mine = two_partners["mine"]
    client.force_login(mine["user"].user)
    page = client.get(reverse("partner:company"))
    assert page.status_code == 200
    assert "Contact mine" in page.content.decode()
    assert "Contact theirs" not in page.content.decode()
    edit = reverse("partner:company_contact_edit", kwargs={"contact_id": mine["contact"].pk})
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "Changed"}).status_code == 404
    assert client.post(reverse("partner:company_contact_new"), {"name": "New"}).status_code == 404
    assert client.post(reverse("partner:company"), {"phone": "+371 20000001", "email": "x@x.lv"}).status_code == 404
    mine["contact"].refresh_from_db()
    assert mine["contact"].name == "Contact mine"
    assert CompanyContact.unscoped.filter(company=mine["company"]).count() == 1


def test_an_org_admin_cannot_edit_another_companys_contact(client, two_partners):
    client.force_login(two_partners["mine"]["admin"].user)
    edit = reverse("partner:company_contact_edit", kwargs={"contact_id": two_partners["theirs"]["contact"].pk})
    assert client.post(edit, {"name": "Changed"}).status_code == 404
    two_partners["theirs"]["contact"].refresh_from_db()
    assert two_partners["theirs"]["contact"].name == "Contact theirs"
