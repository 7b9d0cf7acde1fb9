"""Rules that hold across the partner area's features: query counts do not grow with rows, out-of-range ids
are 404, and a session's posts need CSRF in the pages and the API alike."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partner_area.billing.models import PaymentNotice
from partner_area.billing.services import payment_notice_report
from partner_area.companies.models import CompanyContact, Role
from partner_area.support.services import support_reply_add, support_request_create
from tests.factories import MembershipFactory
from tests.materials.helpers import png_bytes

pytestmark = pytest.mark.django_db


def test_support_list_detail_and_company_page_queries_do_not_grow(client, two_partners):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = two_partners["mine"]
    client.force_login(mine["admin"].user)
    urls = [
        reverse("partner:support"),
        reverse("partner:support_detail", kwargs={"request_id": mine["request"].pk}),
        reverse("partner:company"),
        reverse("partner:invoice_detail", kwargs={"invoice_id": mine["invoice"].pk}),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    counts()  # warm the per-process caches (site, settings)
    before = counts()
    for n in range(6):
        other = MembershipFactory(company=mine["company"], role=Role.USER, sections=["support"])
        support_request_create(membership=other, subject=f"More {n}", description="More.")
        support_reply_add(
            membership=mine["colleague"],
            support_request=mine["request"],
            body=f"Reply {n}",
            attachments=[SimpleUploadedFile(f"s{n}.png", png_bytes(), content_type="image/png")],
        )
        CompanyContact.unscoped.create(company=mine["company"], name=f"Person {n}")
        payment_notice_report(
            membership=mine["admin"], invoice=mine["invoice"], amount=Decimal("1.00"),
            paid_on=timezone.localdate(), reference=f"MORE-{n}",
        )  # fmt: skip
    assert counts() == before


HUGE = 99999999999999999999


def test_out_of_range_ids_are_404_not_500(client, two_partners, staff_client):
    partner = Client()
    partner.force_login(two_partners["mine"]["admin"].user)
    for name, kwarg in (
        ("support_detail", "request_id"), ("support_reply", "request_id"), ("support_solve", "request_id"),
        ("support_attachment", "attachment_id"), ("invoice_detail", "invoice_id"),
        ("invoice_payment_report", "invoice_id"), ("company_contact_edit", "contact_id"),
    ):  # fmt: skip
        url = reverse(f"partner:{name}", kwargs={kwarg: HUGE})
        response = partner.post(url) if name == "support_solve" else partner.get(url)
        assert response.status_code == 404, (url, response.status_code)
    assert partner.get(f"/api/v1/invoices/{HUGE}/payment-notices").status_code == 404
    assert staff_client.get(reverse("billing_payment", kwargs={"pk": HUGE})).status_code == 404
    assert staff_client.get(reverse("billing_payment_remittance", kwargs={"pk": HUGE})).status_code == 404


def test_api_and_partner_posts_need_csrf_with_a_session(two_partners):
    client = Client(enforce_csrf_checks=True)
    client.force_login(two_partners["mine"]["admin"].user)
    url = f"/api/v1/invoices/{two_partners['mine']['invoice'].pk}/payment-notices"
    body = {"amount": "1.00", "paid_on": timezone.localdate().isoformat(), "reference": "CSRF-1"}
    assert client.post(url, body, content_type="application/json").status_code == 403
    solve = reverse("partner:support_solve", kwargs={"request_id": two_partners["mine"]["request"].pk})
    assert client.post(solve).status_code == 403
    edit = reverse("partner:company_contact_edit", kwargs={"contact_id": two_partners["mine"]["contact"].pk})
    assert client.post(edit, {"name": "CSRF"}).status_code == 403
    assert not PaymentNotice.unscoped.filter(reference="CSRF-1").exists()
