"""Every test starts from the seeded demo database (tests/conftest.py), whatever the test before it on the same
worker did: a transactional test that added, changed and deleted rows is followed by one that finds the demo
site, its permissions under the same content type ids, and no leftover company. pytest-django runs the
transactional tests after the others, in file order; one xdist group keeps the two on one worker."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

from partner_area.companies.models import Company
from tests.factories import CompanyFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("snapshot")]

SEEDED: dict[str, int] = {}


def _company_content_type() -> int:
    return ContentType.objects.get_for_model(Company).pk


def test_a_transactional_test_changes_and_deletes_seeded_rows():
    SEEDED["content_type"] = _company_content_type()
    CompanyFactory(legal_name="Left Behind SIA")
    Site.objects.all().delete()
    Page.objects.filter(depth__gt=1).delete()
    Permission.objects.filter(codename="view_paymentnotice").delete()
    assert not Site.objects.exists()


def test_the_next_transactional_test_starts_from_the_seeded_database():
    home = Site.objects.get(is_default_site=True).root_page
    assert home.slug == "home"
    assert Page.objects.filter(locale__language_code="lv", depth=2).exists()
    assert not Company.objects.filter(legal_name="Left Behind SIA").exists()
    assert Permission.objects.filter(codename="view_paymentnotice").exists()
    # The content types keep their ids (a flush has post_migrate create them again under new ones).
    assert _company_content_type() == SEEDED.get("content_type", _company_content_type())
