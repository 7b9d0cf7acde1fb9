"""Payment notices and invoice lists under attack: other companies' invoices, missing grants, staff pages,
lying or odd files, bad bodies and query strings, rate limits; each with what a partner or staff member sees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partner_area.billing.models import PaymentNotice
from partner_area.companies.models import Role
from tests.factories import InvoiceFactory, MembershipFactory
from tests.materials.helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def test_a_payment_notice_on_another_companys_invoice_is_refused_and_nothing_is_stored(client, two_partners):
    client.force_login(two_partners["mine"]["admin"].user)
    invoice = two_partners["theirs"]["invoice"]
    body = {"amount": "5.00", "paid_on": timezone.localdate().isoformat(), "reference": "STEAL-1"}
    api = client.post(f"/api/v1/invoices/{invoice.pk}/payment-notices", body, content_type="application/json")
    assert api.status_code == 404
    page = client.post(reverse("partner:invoice_payment_report", kwargs={"invoice_id": invoice.pk}), body)
    assert page.status_code == 404
    assert client.get(f"/api/v1/invoices/{invoice.pk}/payment-notices").status_code == 404
    assert not PaymentNotice.unscoped.filter(reference="STEAL-1").exists()


def test_a_member_without_the_invoices_grant_cannot_report_a_payment(client, two_partners):
    bare = MembershipFactory(company=two_partners["mine"]["company"], role=Role.USER, sections=["support"])
    client.force_login(bare.user)
    invoice = two_partners["mine"]["invoice"]
    body = {"amount": "5.00", "paid_on": timezone.localdate().isoformat(), "reference": "NOGRANT"}
    api = client.post(f"/api/v1/invoices/{invoice.pk}/payment-notices", body, content_type="application/json")
    assert api.status_code == 403
    page = client.post(reverse("partner:invoice_payment_report", kwargs={"invoice_id": invoice.pk}), body)
    assert page.status_code == 403
    assert not PaymentNotice.unscoped.filter(reference="NOGRANT").exists()


def test_partners_cannot_open_the_staff_payment_queue_or_a_remittance_file(client, two_partners):
    client.force_login(two_partners["mine"]["admin"].user)
    notice = two_partners["theirs"]["notice"]
    for url in (
        reverse("billing_payments"),
        reverse("billing_payment", kwargs={"pk": notice.pk}),
        reverse("billing_payment_remittance", kwargs={"pk": notice.pk}),
        reverse("zendesk_sync"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    response = client.post(reverse("billing_payment_confirm", kwargs={"pk": notice.pk}))
    assert response.status_code in (302, 403)
    notice.refresh_from_db()
    assert notice.status == "reported"


def test_a_remittance_whose_content_does_not_match_its_name_is_refused(client, two_partners):
    client.force_login(two_partners["mine"]["admin"].user)
    invoice = two_partners["mine"]["invoice"]
    fake = SimpleUploadedFile("advice.pdf", png_bytes(), content_type="application/pdf")
    body = {"amount": "5.00", "paid_on": timezone.localdate().isoformat(), "reference": "LIE-1", "remittance": fake}
    response = client.post(f"/api/v1/invoices/{invoice.pk}/payment-notices", body)
    assert response.status_code == 400
    assert "remittance" in response.json()["errors"]
    assert not PaymentNotice.unscoped.filter(reference="LIE-1").exists()


def test_empty_and_malformed_payment_notice_bodies_are_400_with_details(client, two_partners):
    client.force_login(two_partners["mine"]["admin"].user)
    url = f"/api/v1/invoices/{two_partners['mine']['invoice'].pk}/payment-notices"
    empty = client.post(url, {}, content_type="application/json")
    assert empty.status_code == 400
    assert {"amount", "paid_on", "reference"} <= set(empty.json()["errors"])
    assert client.post(url, "{not json", content_type="application/json").status_code == 400
    assert client.post(url, "[]", content_type="application/json").status_code == 400
    bad = client.post(url, {"amount": "abc", "paid_on": "2026-13-45", "reference": ""}, content_type="application/json")
    assert bad.status_code == 400
    assert {"amount", "paid_on", "reference"} <= set(bad.json()["errors"])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    later = client.post(url, {"amount": "1.00", "paid_on": future, "reference": "F1"}, content_type="application/json")
    assert later.status_code == 400
    assert "paid_on" in later.json()["errors"]
    too_much = client.post(
        url, {"amount": "1e20", "paid_on": timezone.localdate().isoformat(), "reference": "F2"},
        content_type="application/json",
    )  # fmt: skip
    assert too_much.status_code == 400


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=99999999999999999999", "?date_from=2026-02-31", "?date_to=yesterday", "?sort=x"]
)
def test_invoice_list_survives_odd_query_strings(client, two_partners, query):
    client.force_login(two_partners["mine"]["admin"].user)
    assert client.get(reverse("partner:invoices") + query).status_code == 200
    assert client.get(reverse("partner:invoices_csv") + query).status_code == 200


@pytest.mark.parametrize("query", ["?page=abc", "?page_size=abc", "?date_from=2026-02-31", "?status=x"])
def test_invoice_api_answers_400_with_details_for_bad_query_strings(client, two_partners, query):
    client.force_login(two_partners["mine"]["admin"].user)
    response = client.get("/api/v1/invoices" + query)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_a_huge_api_page_number_is_the_last_page(client, two_partners):
    client.force_login(two_partners["mine"]["admin"].user)
    response = client.get("/api/v1/invoices?page=99999999999999999999")
    assert response.status_code in (200, 400)


def test_the_payment_report_page_shows_errors_for_bad_input(client, two_partners):
    client.force_login(two_partners["mine"]["admin"].user)
    url = reverse("partner:invoice_payment_report", kwargs={"invoice_id": two_partners["mine"]["invoice"].pk})
    response = client.post(url, {"amount": "abc", "paid_on": "31.02.2026", "reference": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"amount", "paid_on", "reference"}
    assert PaymentNotice.unscoped.filter(company=two_partners["mine"]["company"]).count() == 1


def test_staff_payment_queue_survives_odd_query_strings(staff_client, two_partners):
    for query in ("?p=abc", "?p=999999999", "?status=bogus"):
        assert staff_client.get(reverse("billing_payments") + query).status_code == 200


def test_staff_posting_to_the_payment_notice_page_itself_changes_nothing(staff_client, two_partners):
    notice = two_partners["theirs"]["notice"]
    for data in ({"action": "confirm"}, {"action": "bogus"}):  # decisions have URLs of their own
        response = staff_client.post(reverse("billing_payment", kwargs={"pk": notice.pk}), data)
        assert response.status_code == 405
    assert staff_client.get(reverse("billing_payment_confirm", kwargs={"pk": notice.pk})).status_code == 405
    notice.refresh_from_db()
    assert notice.status == "reported"


def test_staff_can_download_the_remittance(staff_client, two_partners):
    response = staff_client.get(reverse("billing_payment_remittance", kwargs={"pk": two_partners["mine"]["notice"].pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_reporting_on_a_paid_invoice_is_refused(client, two_partners):
    mine = two_partners["mine"]
    paid = InvoiceFactory(company=mine["company"], total=Decimal("50.00"), balance=Decimal("0.00"))
    client.force_login(mine["user"].user)
    body = {"amount": "5.00", "paid_on": timezone.localdate().isoformat(), "reference": "PAID-1"}
    api = client.post(f"/api/v1/invoices/{paid.pk}/payment-notices", body, content_type="application/json")
    assert api.status_code == 400
    assert api.json()["errors"]
    page = client.post(reverse("partner:invoice_payment_report", kwargs={"invoice_id": paid.pk}), body)
    assert page.status_code == 200
    assert "nothing left to pay" in page.content.decode()
    over = client.post(
        reverse("partner:invoice_payment_report", kwargs={"invoice_id": mine["invoice"].pk}),
        {**body, "amount": "1000.00", "reference": "OVER-1"},
    )
    assert over.status_code == 200
    assert over.context["form"].errors["amount"]
    assert not PaymentNotice.unscoped.filter(reference__in=["PAID-1", "OVER-1"]).exists()


def test_the_payment_notice_rate_limit_is_per_token_user_not_shared_by_all_api_clients(two_partners, settings):
    """With token authentication the user is only known inside DRF: a limit counted before it would put every
    token client in one bucket ("None"), so one company's reports would block every other company's."""
    from partner_area.accounts.api_tokens import api_token_issue

    settings.RATELIMIT_PAYMENT_REPORTS = "2/h"
    today = timezone.localdate().isoformat()

    def api_client(membership, address):
        _token, key = api_token_issue(user=membership.user)
        return Client(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address)

    mine = api_client(two_partners["mine"]["admin"], "10.0.0.1")
    theirs = api_client(two_partners["theirs"]["admin"], "10.0.0.2")
    url = f"/api/v1/invoices/{two_partners['mine']['invoice'].pk}/payment-notices"
    for n in range(2):
        body = {"amount": "1.00", "paid_on": today, "reference": f"T-{n}"}
        assert mine.post(url, body, content_type="application/json").status_code == 201
    third = mine.post(url, {"amount": "1.00", "paid_on": today, "reference": "T-2"}, content_type="application/json")
    assert third.status_code == 429
    assert third.json()["detail"]
    assert int(third["Retry-After"]) > 0  # how long to wait, as DRF's own throttles say it
    # Another company's API client, from another address, is not held back by the first one's reports.
    other_url = f"/api/v1/invoices/{two_partners['theirs']['invoice'].pk}/payment-notices"
    body = {"amount": "1.00", "paid_on": today, "reference": "OTHER-1"}
    assert theirs.post(other_url, body, content_type="application/json").status_code == 201


def test_a_ticked_clear_box_on_the_remittance_field_is_no_file_not_a_500(client, two_partners):
    """The remittance input is a ClearableFileInput: a crafted (or cached) "remittance-clear" makes the field False."""
    mine = two_partners["mine"]
    client.force_login(mine["admin"].user)
    url = reverse("partner:invoice_payment_report", kwargs={"invoice_id": mine["invoice"].pk})
    body = {"amount": "5.00", "paid_on": timezone.localdate().isoformat(), "reference": "CLEAR-1"}
    response = client.post(url, {**body, "remittance-clear": "on"})
    assert response.status_code == 302
    notice = PaymentNotice.unscoped.get(reference="CLEAR-1")
    assert not notice.remittance


def test_a_remittance_name_with_folders_is_stored_under_a_safe_name(client, two_partners):
    mine = two_partners["mine"]
    client.force_login(mine["admin"].user)
    url = reverse("partner:invoice_payment_report", kwargs={"invoice_id": mine["invoice"].pk})
    upload = SimpleUploadedFile("../../../etc/advice.pdf", pdf_bytes(), content_type="application/pdf")
    body = {"amount": "5.00", "paid_on": timezone.localdate().isoformat(), "reference": "PATH-1", "remittance": upload}
    assert client.post(url, body).status_code == 302
    notice = PaymentNotice.unscoped.get(reference="PATH-1")
    assert ".." not in notice.remittance.name
    assert notice.remittance_name.endswith(".pdf")


def test_a_payment_dated_before_the_invoice_is_refused(client, two_partners):
    invoice = two_partners["mine"]["invoice"]
    invoice.invoice_date = timezone.localdate() - timedelta(days=10)
    invoice.save(update_fields=["invoice_date"])
    client.force_login(two_partners["mine"]["admin"].user)
    url = reverse("partner:invoice_payment_report", kwargs={"invoice_id": invoice.pk})
    too_early = (invoice.invoice_date - timedelta(days=1)).isoformat()
    response = client.post(url, {"amount": "5.00", "paid_on": too_early, "reference": "EARLY-1"})
    assert response.status_code == 200
    assert "before the invoice date" in " ".join(response.context["form"].errors["paid_on"])
    assert not PaymentNotice.unscoped.filter(reference="EARLY-1").exists()
