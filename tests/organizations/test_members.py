"""Org admin: managing their own company's members and invitations."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partner_area.accounts.models import User
from partner_area.companies.models import Invitation, Membership, Role
from partner_area.members import services
from partner_area.platform.audit.models import AuditLogEntry
from tests.factories import CompanyFactory, InvitationFactory, MembershipFactory
from tests.mailbox import sent_mail

pytestmark = pytest.mark.django_db

MEMBERS_URL = "/en/partner/members/"
INVITE_URL = "/en/partner/members/invite/"
LINK = re.compile(r"http://testserver/en/partner/invitations/(?P<token>[^/\s]+)/")
NEW_PASSWORD = "plum-orchard-77-lantern"


def accept_url(token: str) -> str:
    return f"/en/partner/invitations/{token}/"


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def acceptance_data(**overrides) -> dict:
    return {
        "first_name": "Ilze",
        "last_name": "Bērziņa",
        "phone": "+371 29 123 456",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "website_url": "",
        **overrides,
    }


@pytest.fixture
def admin():
    return MembershipFactory(admin=True)


@pytest.fixture
def admin_client(admin):
    return client_for(admin)


def test_members_page_lists_people_and_open_invitations(admin, admin_client):
    colleague = MembershipFactory(company=admin.company, can_invoices=True)
    InvitationFactory(company=admin.company, email="new.colleague@partner-sia.lv")
    response = admin_client.get(MEMBERS_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert colleague.user.email in content
    assert "Invoices" in content
    assert "new.colleague@partner-sia.lv" in content
    assert "Invite a colleague" in content


def test_opening_the_invite_address_directly_leads_to_the_invite_form(admin_client):
    response = admin_client.get(INVITE_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{MEMBERS_URL}#invite-heading"
    assert "Invite a colleague" in admin_client.get(response["Location"]).content.decode()


def test_invite_sends_an_email_with_a_working_link(admin, admin_client):
    response = admin_client.post(
        INVITE_URL, {"email": "New.Colleague@partner-sia.lv", "role": "user", "sections": ["invoices", "support"]}
    )
    assert response.status_code == 302
    assert response["Location"] == MEMBERS_URL
    invitation = Invitation.objects.for_company(admin.company).get()
    assert invitation.email == "new.colleague@partner-sia.lv"
    assert invitation.sections == ["invoices", "support"]
    assert invitation.invited_by == admin.user
    assert len(sent_mail()) == 1
    message = sent_mail()[0]
    assert message.to == ["new.colleague@partner-sia.lv"]
    assert admin.company.legal_name in message.subject
    token = LINK.search(message.body)["token"]
    page = Client().get(accept_url(token))
    assert page.status_code == 200
    assert admin.company.legal_name in page.content.decode()
    assert AuditLogEntry.objects.filter(action="invitation.create", company=admin.company).exists()


def test_invitations_for_admins_store_no_section_grants(admin):
    invitation = services.invitation_create(
        membership=admin, email="boss@partner-sia.lv", role=Role.ADMIN, sections=["invoices"], request=_request()
    )
    assert invitation.role == Role.ADMIN
    assert not invitation.can_invoices
    assert invitation.sections == ["dashboard", "invoices", "support", "materials"]


def test_accepting_creates_a_logged_in_member_with_the_invited_role_and_grants(admin):
    invitation = InvitationFactory(company=admin.company, invited_by=admin.user, can_invoices=True, can_materials=True)
    client = Client()
    response = client.post(accept_url(invitation.token), acceptance_data())
    assert response.status_code == 302
    assert response["Location"] == "/en/partner/"
    user = User.objects.get(email=invitation.email)
    assert user.first_name == "Ilze"
    assert user.email_confirmed_at is not None
    assert user.check_password(NEW_PASSWORD)
    membership = user.membership
    assert membership.company == admin.company
    assert membership.role == Role.USER
    assert membership.sections == ["invoices", "materials"]
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Welcome to the Brello 360 Partner Portal" in home.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditLogEntry.objects.filter(action="invitation.accept", actor=user).exists()


def test_an_invitation_link_works_only_once(admin):
    invitation = InvitationFactory(company=admin.company)
    assert Client().post(accept_url(invitation.token), acceptance_data()).status_code == 302
    second = Client().post(accept_url(invitation.token), acceptance_data(first_name="Someone"))
    assert second.status_code == 410
    assert "already been used" in second.content.decode()
    assert User.objects.filter(email=invitation.email).count() == 1
    with pytest.raises(services.InvitationUnavailable):
        services.invitation_accept(token=invitation.token, first_name="A", last_name="B", password=NEW_PASSWORD)


def test_an_expired_invitation_is_refused(admin):
    invitation = InvitationFactory(company=admin.company)
    Invitation.unscoped.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = Client().get(accept_url(invitation.token))
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert Client().post(accept_url(invitation.token), acceptance_data()).status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_revoked_invitation_is_refused(admin, admin_client):
    invitation = InvitationFactory(company=admin.company)
    response = admin_client.post(reverse("partner:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    page = Client().get(accept_url(invitation.token))
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert Client().post(accept_url(invitation.token), acceptance_data()).status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()
    assert AuditLogEntry.objects.filter(action="invitation.revoke", target_id=str(invitation.pk)).exists()


def test_an_unknown_token_answers_not_found():
    page = Client().get(accept_url("not-a-real-token"))
    assert page.status_code == 404
    assert "not valid" in page.content.decode()


def test_resending_issues_a_new_link_and_the_old_one_stops_working(admin, admin_client):
    invitation = InvitationFactory(company=admin.company)
    Invitation.unscoped.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = admin_client.post(reverse("partner:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    assert len(sent_mail()) == 1
    new_token = LINK.search(sent_mail()[0].body)["token"]
    assert new_token != invitation.token
    assert Client().get(accept_url(invitation.token)).status_code == 404
    assert Client().get(accept_url(new_token)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert AuditLogEntry.objects.filter(action="invitation.resend", target_id=str(invitation.pk)).exists()


def test_accept_form_errors_re_render(admin):
    invitation = InvitationFactory(company=admin.company)
    response = Client().post(accept_url(invitation.token), acceptance_data(password2="something-else-entirely"))
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    response = Client().post(accept_url(invitation.token), acceptance_data(password1="12345", password2="12345"))
    assert response.status_code == 200
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("someone@example.com", "cannot receive mail"),
    ],
)
def test_invite_form_with_a_bad_email_re_renders_with_the_error(admin_client, email, error):
    response = admin_client.post(INVITE_URL, {"email": email, "role": "user"})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert len(sent_mail()) == 0


def test_inviting_someone_with_an_account_elsewhere_answers_as_for_anyone_and_tells_only_the_invitee(
    admin, admin_client, client
):
    other = MembershipFactory(user__email="taken@partner-sia.lv")
    taken = admin_client.post(INVITE_URL, {"email": "Taken@partner-sia.lv", "role": "user", "sections": ["support"]})
    free = admin_client.post(INVITE_URL, {"email": "free@partner-sia.lv", "role": "user", "sections": ["support"]})
    # Nothing tells the admin that the address belongs to another company's member.
    assert taken.status_code == free.status_code == 302
    assert Invitation.objects.for_company(admin.company).count() == 2
    link = LINK.search(next(m for m in sent_mail() if m.to == ["taken@partner-sia.lv"]).body)
    accept = client.post(accept_url(link["token"]), acceptance_data())
    assert "An account with this e-mail already exists" in accept.content.decode()  # told to its owner
    assert other.user.email == "taken@partner-sia.lv"


def test_inviting_someone_already_in_your_company_says_so(admin, admin_client):
    MembershipFactory(company=admin.company, user__email="colleague@partner-sia.lv")
    response = admin_client.post(
        INVITE_URL, {"email": "Colleague@partner-sia.lv", "role": "user", "sections": ["support"]}
    )
    assert response.status_code == 200
    errors = response.context["invite_form"].errors["email"]
    assert errors == ["colleague@partner-sia.lv is already a member of your company."]
    assert "one company only" not in response.content.decode()
    assert not Invitation.objects.for_company(admin.company).exists()
    assert len(sent_mail()) == 0


def test_inviting_a_deactivated_colleague_points_to_reactivation(admin, admin_client):
    MembershipFactory(company=admin.company, user__email="gone@partner-sia.lv", is_active=False)
    response = admin_client.post(INVITE_URL, {"email": "gone@partner-sia.lv", "role": "user", "sections": ["support"]})
    assert response.status_code == 200
    assert "already a member of your company, but deactivated" in response.content.decode()


def test_inviting_yourself_says_you_are_already_a_member(admin):
    with pytest.raises(ValidationError) as refused:
        services.invitation_create(
            membership=admin, email=admin.user.email.upper(), role=Role.ADMIN, sections=[], request=_request()
        )
    assert refused.value.message_dict == {"email": [f"{admin.user.email} is already a member of your company."]}


def test_inviting_an_address_with_a_pending_invitation_is_refused(admin, admin_client):
    InvitationFactory(company=admin.company, email="waiting@partner-sia.lv")
    response = admin_client.post(
        INVITE_URL, {"email": "waiting@partner-sia.lv", "role": "user", "sections": ["support"]}
    )
    assert response.status_code == 200
    assert "already has a pending invitation" in response.content.decode()
    assert Invitation.objects.for_company(admin.company).count() == 1


def test_changing_role_is_audited_with_before_and_after(admin, admin_client):
    member = MembershipFactory(company=admin.company, can_invoices=True)
    response = admin_client.post(reverse("partner:member_edit", args=[member.pk]), {"role": "admin"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.ADMIN
    entry = AuditLogEntry.objects.get(action="member.role_change", target_id=str(member.pk))
    assert entry.details == {
        "before": {"role": "user", "sections": ["invoices"]},
        "after": {"role": "admin", "sections": []},
    }
    assert entry.actor == admin.user


def test_changing_grants_is_audited(admin, admin_client):
    member = MembershipFactory(company=admin.company, can_invoices=True)
    response = admin_client.post(
        reverse("partner:member_edit", args=[member.pk]), {"role": "user", "sections": ["support", "materials"]}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.sections == ["support", "materials"]
    entry = AuditLogEntry.objects.get(action="member.role_change", target_id=str(member.pk))
    assert entry.details["before"]["sections"] == ["invoices"]
    assert entry.details["after"]["sections"] == ["support", "materials"]


def test_the_edit_page_shows_the_current_role_and_grants(admin, admin_client):
    member = MembershipFactory(company=admin.company, can_support=True)
    response = admin_client.get(reverse("partner:member_edit", args=[member.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial == {"role": "user", "sections": ["support"]}


def test_demoting_an_admin_without_choosing_sections_is_refused_on_the_field(admin, admin_client):
    other = MembershipFactory(company=admin.company, admin=True)
    response = admin_client.post(reverse("partner:member_edit", args=[other.pk]), {"role": "user"})
    assert response.status_code == 200
    assert response.context["form"].errors["sections"] == ["Choose at least one section this person may open."]
    other.refresh_from_db()
    assert other.role == Role.ADMIN
    assert not AuditLogEntry.objects.filter(action="member.role_change").exists()


def test_demoting_an_admin_keeps_the_sections_chosen_for_them(admin, admin_client):
    other = MembershipFactory(company=admin.company, admin=True)
    response = admin_client.post(
        reverse("partner:member_edit", args=[other.pk]), {"role": "user", "sections": ["dashboard", "support"]}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.role == Role.USER and other.sections == ["dashboard", "support"]
    assert client_for(other).get("/en/partner/dashboard/").status_code == 200


def test_a_user_left_with_no_sections_is_refused_by_the_service_too(admin):
    member = MembershipFactory(company=admin.company, can_invoices=True)
    with pytest.raises(ValidationError) as refused:
        services.member_update(membership=admin, member=member, role=Role.USER, sections=[], request=_request())
    assert refused.value.message_dict == {"sections": ["Choose at least one section this person may open."]}
    member.refresh_from_db()
    assert member.sections == ["invoices"]


def test_inviting_a_user_without_sections_is_refused(admin_client, admin):
    response = admin_client.post(INVITE_URL, {"email": "new@partner-sia.lv", "role": "user"})
    assert response.status_code == 200
    assert "Choose at least one section this person may open." in response.content.decode()
    assert not Invitation.objects.for_company(admin.company).exists()
    assert len(sent_mail()) == 0


def test_the_last_admin_cannot_demote_themselves(admin, admin_client):
    response = admin_client.post(
        reverse("partner:member_edit", args=[admin.pk]), {"role": "user", "sections": ["support"]}
    )
    assert response.status_code == 200
    assert "the last active administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert not AuditLogEntry.objects.filter(action="member.role_change").exists()


def test_the_last_admin_cannot_be_deactivated(admin, admin_client):
    with pytest.raises(ValidationError, match="the last active administrator"):
        services.member_deactivate(membership=admin, member=admin, request=_request(admin.user))
    response = admin_client.post(reverse("partner:member_deactivate", args=[admin.pk]), follow=True)
    assert "the last active administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_an_inactive_admin_does_not_count_as_the_other_admin(admin):
    MembershipFactory(company=admin.company, admin=True, is_active=False)
    with pytest.raises(ValidationError, match="the last active administrator"):
        services.member_update(membership=admin, member=admin, role=Role.USER, sections=["support"], request=_request())


def test_an_admin_may_step_down_when_another_admin_remains(admin, admin_client):
    MembershipFactory(company=admin.company, admin=True)
    response = admin_client.post(
        reverse("partner:member_edit", args=[admin.pk]), {"role": "user", "sections": ["support"]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/partner/"
    admin.refresh_from_db()
    assert admin.role == Role.USER
    assert admin_client.get(MEMBERS_URL).status_code == 404


def test_two_admins_cannot_demote_each_other_down_to_none(admin):
    other = MembershipFactory(company=admin.company, admin=True)
    services.member_update(membership=admin, member=other, role=Role.USER, sections=["support"], request=_request())
    # `other` acts on what its browser last showed: it is no longer an admin, and `admin` is the last one.
    with pytest.raises(ValidationError):
        services.member_update(membership=other, member=admin, role=Role.USER, sections=["support"], request=_request())
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


@pytest.mark.django_db(transaction=True)
def test_concurrent_demotions_leave_one_admin():
    first = MembershipFactory(admin=True)
    second = MembershipFactory(company=first.company, admin=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(acting, target):
        try:
            barrier.wait()
            services.member_update(
                membership=acting, member=target, role=Role.USER, sections=["support"], request=_request()
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first, second)),
        threading.Thread(target=demote, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    admins = Membership.objects.for_company(first.company).filter(role=Role.ADMIN, is_active=True)
    assert admins.count() == 1


def test_a_deactivated_member_is_sent_to_the_login_page(admin, admin_client):
    member = MembershipFactory(company=admin.company, can_dashboard=True)
    member_client = client_for(member)
    assert member_client.get("/en/partner/").status_code == 200
    response = admin_client.post(reverse("partner:member_deactivate", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    response = member_client.get("/en/partner/")
    assert response.status_code == 302
    assert response["Location"] == "/en/partner/account/login/"
    assert AuditLogEntry.objects.filter(action="member.deactivate", target_id=str(member.pk)).exists()


def test_a_deactivated_member_can_be_reactivated(admin, admin_client):
    member = MembershipFactory(company=admin.company, is_active=False)
    response = admin_client.post(reverse("partner:member_reactivate", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active
    assert AuditLogEntry.objects.filter(action="member.reactivate", target_id=str(member.pk)).exists()


def _members_urls(member_id: int, invitation_id: int) -> list[tuple[str, str]]:
    return [
        ("get", MEMBERS_URL),
        ("post", INVITE_URL),
        ("get", reverse("partner:member_edit", args=[member_id])),
        ("post", reverse("partner:member_edit", args=[member_id])),
        ("post", reverse("partner:member_deactivate", args=[member_id])),
        ("post", reverse("partner:member_reactivate", args=[member_id])),
        ("post", reverse("partner:invitation_resend", args=[invitation_id])),
        ("post", reverse("partner:invitation_revoke", args=[invitation_id])),
    ]


def test_users_without_the_admin_role_get_not_found_on_every_members_url(admin):
    user = MembershipFactory(company=admin.company, can_dashboard=True, can_invoices=True)
    invitation = InvitationFactory(company=admin.company)
    client = client_for(user)
    for method, url in _members_urls(admin.pk, invitation.pk):
        assert getattr(client, method)(url, {"role": "admin", "email": "x@partner-sia.lv"}).status_code == 404, url
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.ADMIN
    assert Invitation.objects.for_company(admin.company).get().status == "pending"


def test_another_companys_member_and_invitation_ids_answer_not_found(admin_client):
    foreign_member = MembershipFactory(company=CompanyFactory())
    foreign_invitation = InvitationFactory(company=foreign_member.company)
    for method, url in _members_urls(foreign_member.pk, foreign_invitation.pk)[2:]:
        assert getattr(admin_client, method)(url, {"role": "admin"}).status_code == 404, url
    missing = _members_urls(999_999, 999_999)[2:]
    for method, url in missing:
        assert getattr(admin_client, method)(url, {"role": "admin"}).status_code == 404, url
    foreign_member.refresh_from_db()
    assert foreign_member.is_active and foreign_member.role == Role.USER
    assert len(sent_mail()) == 0


def test_members_page_queries_do_not_grow_with_members(admin, admin_client, django_assert_max_num_queries):
    MembershipFactory.create_batch(19, company=admin.company, can_invoices=True)
    InvitationFactory.create_batch(5, company=admin.company)
    with django_assert_max_num_queries(12):
        response = admin_client.get(MEMBERS_URL)
    assert response.status_code == 200
    assert len(response.context["members"]) == 20


def test_action_urls_refuse_get(admin, admin_client):
    member = MembershipFactory(company=admin.company)
    assert admin_client.get(reverse("partner:member_deactivate", args=[member.pk])).status_code == 405
    member.refresh_from_db()
    assert member.is_active


def _request(user=None):
    from django.test import RequestFactory

    request = RequestFactory().post("/en/partner/members/")
    request.user = user or _Anonymous()
    return request


class _Anonymous:
    is_authenticated = False


# -- invitation e-mails are capped and carry nothing a partner typed (#14 F4) -----------------------------------


def _invite(client, n: int):
    return client.post(INVITE_URL, {"email": f"person{n}@partner-sia.lv", "role": "user", "sections": ["support"]})


def test_invitations_from_the_members_page_are_limited_per_person_and_shared_with_resends(
    admin, admin_client, settings
):
    settings.RATELIMIT_INVITATIONS = "3/h"
    assert [_invite(admin_client, n).status_code for n in range(2)] == [302, 302]
    invitation = Invitation.objects.for_company(admin.company).first()
    assert admin_client.post(f"/en/partner/members/invitations/{invitation.pk}/resend/").status_code == 302
    refused = _invite(admin_client, 3)
    assert refused.status_code == 429 and refused.has_header("Retry-After")
    assert len(sent_mail()) == 3  # two invitations and one resend; the fourth was never sent


def test_a_company_sends_at_most_its_daily_cap_of_invitations_whoever_sends_them(admin, admin_client, settings):
    settings.RATELIMIT_INVITATIONS_PER_COMPANY = "2/d"
    second_admin = client_for(MembershipFactory(admin=True, company=admin.company))
    assert _invite(admin_client, 1).status_code == 302
    assert _invite(second_admin, 2).status_code == 302
    assert _invite(second_admin, 3).status_code == 429
    other_company = client_for(MembershipFactory(admin=True))
    assert _invite(other_company, 4).status_code == 302  # another company has its own cap


def test_the_invitation_mail_carries_no_text_the_inviter_typed(admin, admin_client):
    admin.user.first_name = "URGENT – confirm your bank details at https://evil.example"
    admin.user.save()
    _invite(admin_client, 1)
    (message,) = sent_mail()
    assert "evil.example" not in message.body and "URGENT" not in message.body
    assert admin.company.legal_name in message.body
