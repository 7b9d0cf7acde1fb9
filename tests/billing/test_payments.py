"""Payment notices on the portal side: the partner's form and API (refusals, grants, tenant rules), the finance
staff queue (confirm, reject, conflicts), audit entries and e-mails. The ERP is the in-memory one here; the same
flow against a real Tryton is in tests/erp/test_payments_tryton.py."""

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from integrations.erp.models import OutboxMessage
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.tasks import erp_deliver_outbox
from partner_area.billing.models import PaymentNotice, PaymentNoticeStatus
from partner_area.billing.services import payment_notice_confirm
from partner_area.companies.models import Role
from partner_area.platform import uploads
from partner_area.platform.audit.models import AuditLogEntry
from tests.erp_engine.fake import FakeErp
from tests.factories import CompanyFactory, InvoiceFactory, MembershipFactory, StaffFactory, UserFactory
from tests.materials.helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def company():
    return CompanyFactory(legal_name="Payer SIA", erp_id="P1")


@pytest.fixture
def admin(company):
    return MembershipFactory(company=company, role=Role.ADMIN, user__first_name="Anna")


@pytest.fixture
def invoice(company):
    return InvoiceFactory(company=company, number="INV-77", erp_id="I77", total=D("121.00"), balance=D("121.00"))


@pytest.fixture
def fake_erp(erp, settings):
    settings.ERP_OUTBOX_BACKOFF_SECONDS = settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0
    return erp


def erp_copy(erp: FakeErp, invoice, **changes):
    """The ERP's record of a portal invoice."""
    fields = {
        "erp_id": invoice.erp_id, "company_erp_id": invoice.company.erp_id, "number": invoice.number,
        "invoice_date": invoice.invoice_date, "due_date": invoice.due_date, "currency": invoice.currency,
        "total": invoice.total, "amount_to_pay": invoice.balance, "state": "posted",
    }  # fmt: skip
    return erp.put_invoice(**{**fields, **changes})


def text(response) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def report_url(invoice) -> str:
    return f"/en/partner/invoices/{invoice.pk}/report-payment/"


def form_data(**overrides) -> dict:
    return {"amount": "50.00", "paid_on": timezone.localdate().isoformat(), "reference": "RF18 5390 0754", **overrides}


def report(invoice, membership, **overrides) -> PaymentNotice:
    from partner_area.billing.services import payment_notice_report

    values = {"amount": D("50.00"), "paid_on": timezone.localdate(), "reference": "REF-1", **overrides}
    return payment_notice_report(membership=membership, invoice=invoice, **values)


# The partner's form --------------------------------------------------------------------------------------


def test_an_org_admin_reports_a_payment_with_a_remittance_file_and_the_invoice_shows_payment_reported(
    admin_client, admin, invoice
):
    upload = SimpleUploadedFile("Maksājums.pdf", pdf_bytes("Paid"), content_type="application/pdf")
    response = admin_client.post(report_url(invoice), {**form_data(), "remittance": upload})
    assert response.status_code == 302 and response["Location"] == f"/en/partner/invoices/{invoice.pk}/"

    notice = PaymentNotice.objects.for_company(invoice.company).get()
    assert (notice.amount, notice.reference, notice.status) == (D("50.00"), "RF18 5390 0754", "reported")
    assert notice.remittance_name == "maksajums.pdf" and notice.remittance_type == "application/pdf"
    assert notice.remittance.read().startswith(b"%PDF-")
    assert "/media/" not in notice.remittance.path  # private storage, outside MEDIA_ROOT

    page = text(admin_client.get(response["Location"]))
    assert "payment reported" in page and "Waiting for confirmation" in page and "RF18 5390 0754" in page
    assert "121,00" in page or "121.00" in page  # the balance is untouched until the ERP records it
    assert "payment reported" in text(admin_client.get("/en/partner/invoices/"))
    entry = AuditLogEntry.objects.get(action="payment.report")
    assert (entry.actor, entry.company, entry.details["amount"]) == (admin.user, invoice.company, "50.00")


def test_a_member_with_the_invoices_grant_may_report_and_one_without_gets_403(client, company, invoice):
    with_grant = MembershipFactory(company=company, role=Role.USER, sections=["invoices"])
    without = MembershipFactory(company=company, role=Role.USER, sections=["dashboard"])
    client.force_login(without.user)
    assert client.get(report_url(invoice)).status_code == 403
    assert client.post(report_url(invoice), form_data()).status_code == 403
    assert client.post(f"/api/v1/invoices/{invoice.pk}/payment-notices", form_data()).status_code == 403
    client.force_login(with_grant.user)
    assert client.get(report_url(invoice)).status_code == 200
    assert client.post(report_url(invoice), form_data()).status_code == 302
    assert PaymentNotice.objects.for_company(company).get().reported_by == with_grant.user


def test_another_companys_invoice_answers_404_and_nothing_is_recorded(client, invoice):
    stranger = MembershipFactory(role=Role.ADMIN)
    client.force_login(stranger.user)
    assert client.get(report_url(invoice)).status_code == 404
    assert client.post(report_url(invoice), form_data()).status_code == 404
    assert client.get(f"/api/v1/invoices/{invoice.pk}/payment-notices").status_code == 404
    assert client.post(f"/api/v1/invoices/{invoice.pk}/payment-notices", form_data()).status_code == 404
    assert not PaymentNotice.unscoped.exists()


def test_more_than_the_balance_is_refused_counting_payments_already_reported(admin_client, admin, invoice):
    page = text(admin_client.post(report_url(invoice), form_data(amount="121.01")))
    assert "This is more than the balance to pay (€121.00)." in page
    report(invoice, admin, amount=D("100.00"), reference="FIRST")
    page = text(admin_client.post(report_url(invoice), form_data(amount="30.00")))
    assert "Payments of €100.00 are already reported" in page and "at most €21.00 is left" in page
    assert admin_client.post(report_url(invoice), form_data(amount="21.00")).status_code == 302
    assert PaymentNotice.unscoped.count() == 2


def test_a_payment_date_in_the_future_is_refused(admin_client, invoice):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = text(admin_client.post(report_url(invoice), form_data(paid_on=tomorrow)))
    assert "The payment date cannot be in the future." in page
    assert not PaymentNotice.unscoped.exists()


def test_an_english_payment_date_may_be_typed_day_first_and_shows_day_first(admin_client, invoice):
    today = timezone.localdate()  # the invoice's date: no earlier payment date is accepted
    response = admin_client.post(report_url(invoice), form_data(paid_on=today.strftime("%d/%m/%Y")))
    assert response.status_code == 302
    assert PaymentNotice.unscoped.get().paid_on == today
    html = admin_client.get(f"/en/partner/invoices/{invoice.pk}/").content.decode()
    assert f'data-label="Payment date">{today:%d/%m/%Y}</th>' in html


def test_a_bank_reference_is_reported_once_until_staff_reject_it(admin_client, admin, company, invoice):
    other_invoice = InvoiceFactory(company=company)
    report(invoice, admin, reference="RF18 5390 0754", amount=D("10.00"))
    page = text(admin_client.post(report_url(other_invoice), form_data(reference="rf1853900754")))
    assert "A payment with this bank reference has already been reported." in page
    assert PaymentNotice.unscoped.count() == 1
    from partner_area.billing.services import payment_notice_reject

    payment_notice_reject(notice=PaymentNotice.unscoped.get(), by=StaffFactory(), reason="Not on our account")
    assert admin_client.post(report_url(other_invoice), form_data(reference="rf1853900754")).status_code == 302


def test_a_paid_invoice_takes_no_payment_notice(admin_client, company):
    paid = InvoiceFactory(company=company, balance=D("0"), erp_state="paid")
    response = admin_client.get(report_url(paid))
    assert "This invoice has nothing left to pay" in text(response)
    assert "Report a payment" not in text(admin_client.get(f"/en/partner/invoices/{paid.pk}/"))
    admin_client.post(report_url(paid), form_data())
    assert not PaymentNotice.unscoped.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("advice.pdf", b"just text, not a PDF", "Attach the remittance advice as a PDF, PNG or JPEG file."),
        ("advice.docx", pdf_bytes(), "Attach the remittance advice as a PDF, PNG or JPEG file."),
        ("advice.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "is 5,242,884 B; the limit is 5,242,880 B"),
    ],
)
def test_the_remittance_file_must_be_a_pdf_or_image_of_at_most_5_mb(admin_client, invoice, name, content, message):
    upload = SimpleUploadedFile(name, content)
    page = text(admin_client.post(report_url(invoice), {**form_data(), "remittance": upload}))
    assert message in page
    assert not PaymentNotice.unscoped.exists()


def test_an_image_remittance_is_accepted(admin_client, invoice):
    upload = SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png")
    assert admin_client.post(report_url(invoice), {**form_data(), "remittance": upload}).status_code == 302
    assert PaymentNotice.unscoped.get().remittance_type == "image/png"


def test_the_remittance_file_is_sniffed_once_though_the_form_and_the_service_both_check_it(admin_client, invoice):
    upload = SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")
    with mock.patch.object(uploads, "sniff", wraps=uploads.sniff) as sniff:
        response = admin_client.post(report_url(invoice), {**form_data(), "remittance": upload})
    assert response.status_code == 302 and sniff.call_count == 1
    assert PaymentNotice.unscoped.get().remittance.read().startswith(b"%PDF-")


# The API ---------------------------------------------------------------------------------------------------


def test_the_api_reports_and_lists_payments_and_explains_refusals(admin_client, invoice):
    url = f"/api/v1/invoices/{invoice.pk}/payment-notices"
    created = admin_client.post(url, form_data(), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "reported" and created.json()["amount"] == "50.00"
    refused = admin_client.post(
        url,
        form_data(amount="500.00", reference="RF18 5390 0754", paid_on="2999-01-01"),
        content_type="application/json",
    )
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert "more than the balance" in errors["amount"][0]
    assert "future" in errors["paid_on"][0]
    assert "already been reported" in errors["reference"][0]
    listed = admin_client.get(url).json()
    assert [row["reference"] for row in listed] == ["RF18 5390 0754"]
    assert admin_client.get(f"/api/v1/invoices/{invoice.pk}").json()["payment_reported"] is True
    assert admin_client.get("/api/v1/invoices").json()["results"][0]["payment_reported"] is True
    upload = SimpleUploadedFile("advice.pdf", pdf_bytes())
    with_file = admin_client.post(url, {**form_data(amount="1.00", reference="R2"), "remittance": upload})
    assert with_file.status_code == 201 and with_file.json()["has_remittance"] is True


# Finance staff -----------------------------------------------------------------------------------------------


def test_staff_confirm_and_the_erp_answer_sets_the_balance(
    client, admin, company, invoice, fake_erp, mailoutbox, django_capture_on_commit_callbacks
):
    erp_copy(fake_erp, invoice)
    reporter = MembershipFactory(company=company, role=Role.USER, sections=["invoices"], user__first_name="Ilze")
    notice = report(invoice, reporter, amount=D("50.00"), reference="RF-50")
    staff = StaffFactory()
    client.force_login(staff)
    queue = text(client.get("/admin/payments/"))
    assert "Payer SIA" in queue and "RF-50" in queue and "Reported" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/payments/{notice.pk}/confirm/")
    assert response.status_code == 302
    notice.refresh_from_db()
    # Delivered by the worker the commit nudged (tasks run inline in tests): the ERP's answer is applied.
    assert notice.status == PaymentNoticeStatus.RECORDED and notice.decided_by == staff
    assert fake_erp.payments == [("I77", D("50.00"), timezone.localdate(), "RF-50")]
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("71.00"), "unpaid")
    assert OutboxMessage.objects.get().status == "delivered"
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([admin.user.email, reporter.user.email])
    assert "is confirmed" in mailoutbox[0].subject and "RF-50" in mailoutbox[0].body
    assert AuditLogEntry.objects.filter(action="payment.confirm", actor=staff, company=company).exists()


def test_staff_reject_needs_a_reason_which_the_partner_receives(
    client, admin, invoice, mailoutbox, django_capture_on_commit_callbacks
):
    notice = report(invoice, admin)
    client.force_login(StaffFactory())
    response = client.post(f"/admin/payments/{notice.pk}/reject/", {"reason": ""})
    assert response.status_code == 200 and "This field is required" in text(response)
    notice.refresh_from_db()
    assert notice.status == "reported"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/payments/{notice.pk}/reject/", {"reason": "Nothing arrived."})
    notice.refresh_from_db()
    assert (notice.status, notice.rejection_reason) == ("rejected", "Nothing arrived.")
    assert [mail.to for mail in mailoutbox] == [[admin.user.email]]
    assert "Nothing arrived." in mailoutbox[0].body and "could not confirm" in mailoutbox[0].subject
    assert AuditLogEntry.objects.filter(action="payment.reject", details__reason="Nothing arrived.").exists()
    assert not OutboxMessage.objects.exists()
    client.force_login(admin.user)
    page = text(client.get(f"/en/partner/invoices/{invoice.pk}/"))
    assert "Rejected" in page and "Nothing arrived." in page and "payment reported" not in page


def test_each_decision_on_the_notice_page_posts_to_its_own_url(client, admin, invoice):
    notice = report(invoice, admin)
    client.force_login(StaffFactory())
    html = client.get(f"/admin/payments/{notice.pk}/").content.decode()
    forms = dict(re.findall(r'<form method="post" action="([^"]+)".*?<button[^>]*>([^<]+)</button>', html, re.S))
    assert forms == {
        f"/admin/payments/{notice.pk}/hold/": "Put the invoice on hold",
        f"/admin/payments/{notice.pk}/confirm/": "Confirm payment",
        f"/admin/payments/{notice.pk}/reject/": "Reject payment",
    }
    client.post(f"/admin/payments/{notice.pk}/hold/", {"note": "Checking the bank."})
    html = client.get(f"/admin/payments/{notice.pk}/").content.decode()
    assert f'action="/admin/payments/{notice.pk}/release/"' in html and "/hold/" not in html


def test_a_confirmed_notice_cannot_be_confirmed_again_or_rejected(admin, invoice, fake_erp):
    erp_copy(fake_erp, invoice)
    notice = report(invoice, admin)
    staff = StaffFactory()
    payment_notice_confirm(notice=notice, by=staff)
    from partner_area.billing.services import PaymentNoticeError, payment_notice_reject

    with pytest.raises(PaymentNoticeError):
        payment_notice_confirm(notice=notice, by=staff)
    with pytest.raises(PaymentNoticeError):
        payment_notice_reject(notice=notice, by=staff, reason="late")
    assert OutboxMessage.objects.count() == 1


def test_people_without_the_payment_permissions_cannot_see_or_decide(client, admin, invoice):
    notice = report(invoice, admin)
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/payments/").status_code in (302, 403)
    assert client.post(f"/admin/payments/{notice.pk}/confirm/").status_code in (302, 403)
    notice.refresh_from_db()
    assert notice.status == "reported"


def test_a_payment_already_made_in_the_erp_parks_the_notice_as_a_conflict_without_paying(
    client, admin, invoice, fake_erp
):
    erp_copy(fake_erp, invoice, amount_to_pay=D("0"), state="paid")  # paid by another channel meanwhile
    notice = report(invoice, admin, amount=D("121.00"), reference="RF-ALL")
    payment_notice_confirm(notice=notice, by=StaffFactory())
    outbox_deliver_due()
    notice.refresh_from_db()
    assert (notice.status, notice.erp_amount_to_pay) == ("conflict", D("0.00"))
    assert fake_erp.payments == []
    assert OutboxMessage.objects.get().status == "delivered"  # nothing left to retry: staff decide
    invoice.refresh_from_db()
    assert invoice.status == "paid"  # the ERP's answer was applied
    client.force_login(StaffFactory())
    queue = text(client.get("/admin/payments/"))
    assert "Reported 121.00 EUR, the ERP had 0.00 EUR left to pay" in queue
    client.post(f"/admin/payments/{notice.pk}/close/", {"note": "Paid by card on 3 Nov."})
    notice.refresh_from_db()
    assert (notice.status, notice.staff_note) == ("recorded", "Paid by card on 3 Nov.")
    assert fake_erp.payments == []


def test_without_an_erp_a_confirmed_payment_waits_and_the_invoice_stays_as_it_is(
    admin_client, admin, invoice, django_capture_on_commit_callbacks
):
    notice = report(invoice, admin)
    with django_capture_on_commit_callbacks(execute=True):
        payment_notice_confirm(notice=notice, by=StaffFactory())
    assert erp_deliver_outbox() == 0
    notice.refresh_from_db()
    invoice.refresh_from_db()
    assert notice.status == "confirmed" and invoice.balance == D("121.00")
    assert OutboxMessage.objects.get().status == "pending"  # delivered once an ERP is configured
    page = text(admin_client.get(f"/en/partner/invoices/{invoice.pk}/"))
    assert "payment reported" in page and "Confirmed, will be recorded" in page


def test_the_staff_can_download_the_remittance_file(client, admin_client, invoice):
    upload = SimpleUploadedFile("advice.pdf", pdf_bytes(), content_type="application/pdf")
    admin_client.post(report_url(invoice), {**form_data(), "remittance": upload})
    notice = PaymentNotice.unscoped.get()
    client.force_login(StaffFactory())
    response = client.get(f"/admin/payments/{notice.pk}/remittance/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_invoice_pages_stay_within_their_query_budget_with_reported_payments(
    admin_client, admin, company, django_assert_max_num_queries
):
    admin_client.get("/en/partner/invoices/")
    for index in range(10):
        report(InvoiceFactory(company=company), admin, reference=f"R{index}", amount=D("1.00"))
    with django_assert_max_num_queries(10):
        assert admin_client.get("/en/partner/invoices/").status_code == 200
    invoice = PaymentNotice.unscoped.first().invoice
    with django_assert_max_num_queries(9):
        assert admin_client.get(f"/en/partner/invoices/{invoice.pk}/").status_code == 200


def test_on_hold_is_an_internal_flag_that_the_erp_never_receives_and_a_pull_keeps(client, admin, invoice, fake_erp):
    from integrations.erp.invoices import invoices_apply_page

    notice = report(invoice, admin)
    staff = StaffFactory()
    client.force_login(staff)
    client.post(f"/admin/payments/{notice.pk}/hold/", {"note": "Partner disputes line 2."})
    invoice.refresh_from_db()
    assert invoice.hold_note == "Partner disputes line 2." and invoice.held_at
    assert "On hold (internal)" in text(client.get("/admin/payments/"))
    assert not OutboxMessage.objects.exists() and fake_erp.calls == []
    invoices_apply_page([erp_copy(fake_erp, invoice, amount_to_pay=D("100.00"))])  # a pull changes the balance
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.hold_note) == (D("100.00"), "Partner disputes line 2.")
    assert AuditLogEntry.objects.filter(action="invoice.hold", actor=staff).exists()
    client.force_login(admin.user)
    assert "disputes" not in text(client.get(f"/en/partner/invoices/{invoice.pk}/"))
    client.force_login(staff)
    client.post(f"/admin/payments/{notice.pk}/release/")
    invoice.refresh_from_db()
    assert invoice.hold_note == "" and invoice.held_at is None


def test_the_staff_queue_stays_within_its_query_budget(client, admin, company, django_assert_max_num_queries):
    client.force_login(StaffFactory())
    report(InvoiceFactory(company=company), admin, reference="FIRST")
    client.get("/admin/payments/")
    for index in range(25):
        report(InvoiceFactory(company=company), admin, reference=f"R{index}", amount=D("1.00"))
    # Session, user and Wagtail's menu; the menu's count; the tab counts, page count and one page of notices.
    with django_assert_max_num_queries(12):
        assert client.get("/admin/payments/").status_code == 200


def test_a_payment_the_erp_refuses_is_parked_in_the_staff_sync_view_and_can_be_retried(
    client, admin, invoice, fake_erp, monkeypatch
):
    from partner_area.platform.ports.erp import ErpRejected
    from tests.erp_engine.fake import FakeErpGateway

    erp_copy(fake_erp, invoice)
    working = FakeErpGateway.record_payment

    def refuse(self, *args):
        raise ErpRejected("Tryton has no payment method 'Bank'.")

    monkeypatch.setattr(FakeErpGateway, "record_payment", refuse)
    notice = report(invoice, admin)
    payment_notice_confirm(notice=notice, by=StaffFactory())
    outbox_deliver_due()
    message = OutboxMessage.objects.get()
    assert message.status == "failed"
    client.force_login(StaffFactory())
    page = text(client.get("/admin/erp-sync/"))
    assert (
        f"Record a confirmed payment: invoice {invoice.number} written" in page and invoice.company.legal_name in page
    )
    assert "no payment method" in page
    monkeypatch.setattr(FakeErpGateway, "record_payment", working)
    client.post("/admin/erp-sync/", {"retry": message.pk})
    outbox_deliver_due()
    notice.refresh_from_db()
    assert notice.status == "recorded" and len(fake_erp.payments) == 1
