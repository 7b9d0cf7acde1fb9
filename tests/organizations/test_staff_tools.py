"""Staff review and manage partner companies in the Wagtail admin ("Partners" menu)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus, CompanyStatusChange, StaffNote, Tier
from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.audit.services import audit_record
from tests.factories import CompanyFactory, MembershipFactory
from tests.mailbox import sent_mail
from tests.organizations.factories_staff import application, editor

pytestmark = pytest.mark.django_db

APPLICATIONS = reverse("partner_applications:index")
PROFILES = reverse("partner_profiles:index")
AUDIT_LOG = reverse("partner_audit_log:index")


def detail_url(company, listing="partner_profiles"):
    return reverse(f"{listing}:inspect", args=[company.pk])


def action_url(company, action, listing="partner_profiles"):
    return reverse(f"{listing}:status_action", kwargs={"pk": company.pk, "action": action})


def bulk_url(action, *companies):
    ids = "&".join(f"id={company.pk}" for company in companies)
    return f"{reverse('wagtail_bulk_action', args=['organizations', 'company', action])}?{ids}&next={APPLICATIONS}"


def listed(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def table_rows(response) -> str:
    """The listing's rows, without the filter choices above them."""
    results = listed(response).split('id="listing-results"', 1)[1]
    return results.split("<tbody", 1)[1].split("</tbody>", 1)[0]


# Listings


def test_applications_list_only_pending_companies_whose_first_admin_confirmed_their_email(client, manager):
    application(legal_name="Review SIA", status=CompanyStatus.PENDING_REVIEW)
    application(legal_name="Verify SIA", status=CompanyStatus.PENDING_VERIFICATION)
    application(legal_name="Unconfirmed SIA", confirmed=False)
    application(legal_name="Active SIA", status=CompanyStatus.ACTIVE)
    application(legal_name="Rejected SIA", status=CompanyStatus.REJECTED)

    page = listed(client.get(APPLICATIONS))

    assert "Review SIA" in page and "Verify SIA" in page
    assert "Unconfirmed SIA" not in page and "Active SIA" not in page and "Rejected SIA" not in page
    assert "Pending review: <strong>1</strong>" in page
    assert "Pending verification: <strong>1</strong>" in page


def test_the_menu_shows_how_many_applications_wait(client, manager):
    application()
    application()
    application(confirmed=False)

    page = listed(client.get(reverse("wagtailadmin_home")))

    assert "Partner applications (2)" in page
    assert "Partner profiles" in page and "Audit log" in page


def test_profiles_list_every_company_with_its_upline_and_member_count(client, manager):
    upline = CompanyFactory(legal_name="Upline AS", country="EE")
    sub_partner = CompanyFactory(legal_name="Sub UAB", country="LT", parent=upline, tier=Tier.GOLD)
    MembershipFactory.create_batch(3, company=sub_partner)
    application(legal_name="Waiting SIA", confirmed=False)

    page = listed(client.get(PROFILES, {"ordering": "legal_name"}))

    assert "Upline AS" in page and "Sub UAB" in page and "Waiting SIA" in page
    assert "Lithuania" in page and "Gold" in page
    assert "Active: <strong>2</strong>" in page


def test_profiles_filter_by_status_country_and_tier(client, manager):
    CompanyFactory(legal_name="Riga Gold SIA", country="LV", tier=Tier.GOLD)
    CompanyFactory(legal_name="Tallinn Silver AS", country="EE", tier=Tier.SILVER)
    application(legal_name="Pending SIA", country="LV")

    by_status = listed(client.get(PROFILES, {"status": "pending_review"}))
    by_country = listed(client.get(PROFILES, {"country": "EE"}))
    by_tier = listed(client.get(PROFILES, {"tier": ["gold", "silver"], "status": "active"}))

    assert "Pending SIA" in by_status and "Riga Gold SIA" not in by_status
    assert "Tallinn Silver AS" in by_country and "Riga Gold SIA" not in by_country
    assert "Riga Gold SIA" in by_tier and "Tallinn Silver AS" in by_tier and "Pending SIA" not in by_tier


def test_profiles_filter_by_upline_and_registration_date(client, manager):
    upline = CompanyFactory(legal_name="Upline AS")
    CompanyFactory(legal_name="Sub UAB", parent=upline)
    old = CompanyFactory(legal_name="Old SIA")
    Company.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    today = timezone.localdate()

    by_upline = listed(client.get(PROFILES, {"parent": upline.pk}))
    recent = listed(client.get(PROFILES, {"created_at_from": (today - timedelta(days=30)).isoformat()}))

    assert "Sub UAB" in by_upline and "Old SIA" not in by_upline
    assert "Sub UAB" in recent and "Old SIA" not in recent


def test_search_finds_a_company_by_registration_number_written_with_spaces(client, manager):
    CompanyFactory(legal_name="Numbered SIA", registration_number="40003123456")
    CompanyFactory(legal_name="Other SIA")

    page = listed(client.get(PROFILES, {"q": "40003 123-456"}))

    assert "Numbered SIA" in page and "Other SIA" not in page


def test_search_finds_an_application_by_member_email_once(client, manager):
    company = application(legal_name="Mail SIA", admin_email="ilze@mail-sia.lv")
    MembershipFactory(company=company, user__email="janis@mail-sia.lv")
    application(legal_name="Other SIA")

    page = listed(client.get(APPLICATIONS, {"q": "mail-sia.lv"}))

    assert "Mail SIA" in page and "Other SIA" not in page
    assert page.count(detail_url(company, "partner_applications")) == 2  # title link + "Inspect" item, one row


def test_search_reads_names_with_or_without_latvian_accents_and_finds_members_by_name(client, manager):
    company = application(legal_name="Ceļojums Testa SIA", admin_email="info@celojums.lv")
    MembershipFactory(company=company, user__first_name="Ilze", user__last_name="Kalniņa")
    application(legal_name="Other SIA")

    for query in ("celojums", "Ceļojums", "CEĻOJ", "kalnina", "Kalniņa", "Ilze Kalnina"):
        page = listed(client.get(APPLICATIONS, {"q": query}))
        assert "Ceļojums Testa SIA" in page and "Other SIA" not in page, query
    assert "Ceļojums Testa SIA" not in listed(client.get(APPLICATIONS, {"q": "Kalniņš"}))


# Detail page


def test_detail_page_shows_the_company_its_members_history_and_the_allowed_actions(client, manager):
    company = application(legal_name="Detail SIA", admin_email="ilze@detail.lv")

    page = listed(client.get(detail_url(company, "partner_applications")))

    assert "Detail SIA" in page and company.registration_number in page
    assert "ilze@detail.lv" in page and "Organisation admin" in page
    assert "Pending review" in page
    for action in ("approve", "reject", "block"):
        assert action_url(company, action, "partner_applications") in page
    assert action_url(company, "unblock", "partner_applications") not in page


def test_a_staff_note_is_stored_and_audited(client, manager):
    company = application()

    response = client.post(detail_url(company), {"text": "Called the CEO, documents are fine."})

    assert response.status_code == 302
    note = StaffNote.objects.get(company=company)
    assert note.author == manager and note.text == "Called the CEO, documents are fine."
    entry = AuditLogEntry.objects.get(action="company.note")
    assert entry.company == company and entry.actor == manager and entry.actor_is_staff
    assert "Called the CEO" in listed(client.get(detail_url(company)))


# Decisions


def test_approving_on_the_confirmation_page_activates_records_and_emails(
    client, manager, django_capture_on_commit_callbacks
):
    company = application(admin_email="ilze@approve.lv")

    question = listed(client.get(action_url(company, "approve", "partner_applications")))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(company, "approve", "partner_applications"))

    assert f"Approve {company.legal_name}?" in question
    assert response.status_code == 302
    assert response["Location"] == detail_url(company, "partner_applications")
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE and company.approved_at is not None
    change = CompanyStatusChange.objects.filter(company=company).first()
    assert (change.from_status, change.to_status, change.changed_by) == ("pending_review", "active", manager)
    assert AuditLogEntry.objects.filter(action="company.approve", company=company, actor=manager).exists()
    assert [message.to for message in sent_mail()] == [["ilze@approve.lv"]]
    assert "approved" in listed(client.get(response["Location"]))


def test_rejecting_without_a_reason_shows_an_error_and_changes_nothing(
    client, manager, django_capture_on_commit_callbacks
):
    company = application()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(company, "reject"), {"reason": "  "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    company.refresh_from_db()
    assert company.status == CompanyStatus.PENDING_REVIEW
    assert not AuditLogEntry.objects.filter(action="company.reject").exists()
    assert sent_mail() == []


def test_rejecting_with_a_reason_emails_the_reason(client, manager, django_capture_on_commit_callbacks):
    company = application(admin_email="ilze@reject.lv")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(company, "reject"), {"reason": "Not an IT reseller."})

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == CompanyStatus.REJECTED and company.status_reason == "Not an IT reseller."
    assert len(sent_mail()) == 1
    assert sent_mail()[0].to == ["ilze@reject.lv"] and "Not an IT reseller." in sent_mail()[0].body


def test_blocking_and_unblocking_a_partner(client, manager, django_capture_on_commit_callbacks):
    company = application(status=CompanyStatus.ACTIVE)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(company, "block"), {"reason": "Unpaid invoices."})
    company.refresh_from_db()
    blocked_page = listed(client.get(detail_url(company)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(company, "unblock"), {"reason": "Invoices paid."})
    company.refresh_from_db()

    assert action_url(company, "unblock") in blocked_page and action_url(company, "block") not in blocked_page
    assert company.status == CompanyStatus.ACTIVE
    history = list(CompanyStatusChange.objects.filter(company=company).values_list("to_status", "reason")[:2])
    assert history == [("active", "Invoices paid."), ("blocked", "Unpaid invoices.")]
    assert [entry.action for entry in AuditLogEntry.objects.filter(company=company)[:2]] == [
        "company.unblock",
        "company.block",
    ]
    assert len(sent_mail()) == 2


def test_an_action_the_status_does_not_allow_is_refused(client, manager):
    company = application(status=CompanyStatus.ACTIVE)

    response = client.get(action_url(company, "unblock"), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(company)
    assert "cannot be changed this way while it is Active" in response.content.decode()


# Bulk actions


def test_bulk_approving_two_applications(client, manager, django_capture_on_commit_callbacks):
    first, second = application(), application()
    untouched = application()

    confirmation = listed(client.get(bulk_url("approve", first, second)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(bulk_url("approve", first, second))

    assert "Approve these 2 applications?" in confirmation
    assert response.status_code == 302 and response["Location"] == APPLICATIONS
    statuses = dict(Company.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == CompanyStatus.ACTIVE
    assert statuses[untouched.pk] == CompanyStatus.PENDING_REVIEW
    assert AuditLogEntry.objects.filter(action="company.approve").count() == 2
    assert len(sent_mail()) == 2


def test_bulk_reject_applies_one_required_reason_to_all(client, manager, django_capture_on_commit_callbacks):
    first, second = application(), application()
    active = CompanyFactory(legal_name="Already Active SIA")

    confirmation = listed(client.get(bulk_url("reject", first, second, active)))
    without_reason = client.post(bulk_url("reject", first, second), {"reason": ""})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(bulk_url("reject", first, second, active), {"reason": "Outside our sales regions."})

    assert "Already Active SIA (Active)" in confirmation  # listed as left alone
    assert without_reason.status_code == 200 and "This field is required." in without_reason.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    active.refresh_from_db()
    assert first.status == second.status == CompanyStatus.REJECTED
    assert first.status_reason == second.status_reason == "Outside our sales regions."
    assert active.status == CompanyStatus.ACTIVE
    assert len(sent_mail()) == 2 and all("Outside our sales regions." in m.body for m in sent_mail())


# Who may use the staff tools


def test_editors_do_not_see_the_partners_menu_nor_open_its_pages(client):
    company = application()
    client.force_login(editor())

    home = listed(client.get(reverse("wagtailadmin_home")))
    responses = [
        client.get(APPLICATIONS),
        client.get(PROFILES),
        client.get(AUDIT_LOG),
        client.get(detail_url(company)),
        client.get(action_url(company, "approve")),
        client.post(action_url(company, "approve")),
        client.post(detail_url(company), {"text": "sneaky"}),
        client.post(bulk_url("approve", company)),
    ]

    assert "Partner applications" not in home and "Audit log" not in home
    assert all(r.status_code == 302 and r["Location"] == reverse("wagtailadmin_home") for r in responses)
    company.refresh_from_db()
    assert company.status == CompanyStatus.PENDING_REVIEW and not StaffNote.objects.exists()


# Audit log


def test_the_audit_log_is_newest_first_and_filters_by_action(client, manager):
    company = CompanyFactory(legal_name="Logged SIA")
    audit_record(actor=manager, action="company.note", company=company, target=company)
    audit_record(actor=manager, action="company.block", company=company, target=company)
    audit_record(action="member.invited", company=company)

    rows = table_rows(client.get(AUDIT_LOG))
    blocks = table_rows(client.get(AUDIT_LOG, {"action": "company.block"}))

    # Known actions read as words; an unknown code is shown as it is.
    assert rows.index("member.invited") < rows.index("Company blocked") < rows.index("Staff note added")
    assert "Company blocked" in blocks and "member.invited" not in blocks
    assert "Logged SIA" in blocks


def test_the_audit_log_filters_by_staff_and_company(client, manager):
    ours, other = CompanyFactory(legal_name="Ours SIA"), CompanyFactory(legal_name="Other SIA")
    audit_record(actor=manager, action="company.approve", company=ours, target=ours)
    audit_record(action="member.invited", company=other)

    staff_only = table_rows(client.get(AUDIT_LOG, {"actor_is_staff": "true"}))
    for_other = table_rows(client.get(AUDIT_LOG, {"company": other.pk}))

    assert "Company approved" in staff_only and "member.invited" not in staff_only
    assert "member.invited" in for_other and "Company approved" not in for_other


# Performance


def test_the_profiles_listing_needs_the_same_few_queries_for_30_companies(
    client, manager, django_assert_max_num_queries
):
    upline = CompanyFactory()
    for company in CompanyFactory.create_batch(30, parent=upline):
        MembershipFactory(company=company, admin=True)
    client.get(PROFILES)  # warm the per-process caches (content types, site root)

    with django_assert_max_num_queries(16):
        page = listed(client.get(PROFILES))

    assert page.count("<tr") >= 31
