import pytest
from django.urls import reverse

from partner_area.companies.models import Role
from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.sections import Section, home_figures
from partner_area.support.models import Status, SupportRequest
from partner_area.support.selectors import support_requests_for
from partner_area.support.services import support_request_create
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _create(membership, subject="Printer offline"):
    return support_request_create(membership=membership, subject=subject, description="It does not print.")


def test_a_new_request_is_received_listed_and_audited(client, user):
    client.force_login(user.user)
    response = client.post(
        reverse("partner:support_new"),
        {"subject": "Cannot log in", "category": "technical", "priority": "high", "description": "Details"},
        follow=True,
    )
    assert response.status_code == 200
    support_request = SupportRequest.objects.for_company(user.company).get()
    assert (support_request.status, support_request.requester, support_request.category) == (
        Status.RECEIVED, user.user, "technical",
    )  # fmt: skip
    assert "received" in " ".join(str(m) for m in response.context["messages"])
    assert AuditLogEntry.objects.filter(action="support.request_create", target_id=str(support_request.pk)).exists()

    listing = client.get(reverse("partner:support"))
    assert "Cannot log in" in listing.content.decode()
    assert "Received" in listing.content.decode()


def test_bad_input_re_renders_with_errors_and_saves_nothing(client, user):
    client.force_login(user.user)
    response = client.post(
        reverse("partner:support_new"),
        {"subject": "", "category": "nonsense", "priority": "normal", "description": "x" * 5001},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"subject", "category", "description"} <= set(form.errors)
    assert 'class="errorlist"' in response.content.decode()
    assert not SupportRequest.unscoped.exists()


def test_a_user_sees_only_their_own_and_an_admin_the_whole_company(client, company, user):
    colleague = MembershipFactory(company=company, role=Role.USER, sections=["support"])
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    mine, theirs = _create(user, "Mine"), _create(colleague, "Colleague's")

    assert list(support_requests_for(membership=user)) == [mine]
    assert set(support_requests_for(membership=admin)) == {mine, theirs}

    client.force_login(user.user)
    assert client.get(reverse("partner:support_detail", kwargs={"request_id": theirs.pk})).status_code == 404
    assert client.get(reverse("partner:support_detail", kwargs={"request_id": mine.pk})).status_code == 200
    assert "Colleague&#x27;s" not in client.get(reverse("partner:support")).content.decode()

    client.force_login(admin.user)
    assert client.get(reverse("partner:support_detail", kwargs={"request_id": theirs.pk})).status_code == 200
    assert "Colleague&#x27;s" in client.get(reverse("partner:support")).content.decode()


def test_another_companys_or_a_missing_id_is_404(client, user):
    other_admin = MembershipFactory(role=Role.ADMIN)
    foreign = _create(other_admin)
    client.force_login(MembershipFactory(company=user.company, role=Role.ADMIN).user)
    for request_id in (foreign.pk, foreign.pk + 1000):
        assert client.get(reverse("partner:support_detail", kwargs={"request_id": request_id})).status_code == 404


def test_without_the_support_grant_every_page_is_403(client, company):
    bare = MembershipFactory(company=company, role=Role.USER, sections=["materials"])
    client.force_login(bare.user)
    assert client.get(reverse("partner:support")).status_code == 403
    assert client.get(reverse("partner:support_new")).status_code == 403
    assert client.post(reverse("partner:support_quick"), {"subject": "a", "message": "b"}).status_code == 403
    assert "home-support-heading" not in client.get(reverse("partner:home")).content.decode()
    assert not SupportRequest.unscoped.exists()


def test_the_status_filter(client, user):
    received, solved = _create(user, "Still waiting"), _create(user, "All done")
    SupportRequest.unscoped.filter(pk=solved.pk).update(status=Status.SOLVED)
    client.force_login(user.user)
    page = client.get(reverse("partner:support"), {"status": "solved"}).content.decode()
    assert "All done" in page and "Still waiting" not in page
    empty = client.get(reverse("partner:support"), {"status": "closed"}).content.decode()
    assert "No requests with this status" in empty
    assert received.pk


def test_the_list_is_empty_at_first(client, user):
    client.force_login(user.user)
    assert "No support requests yet" in client.get(reverse("partner:support")).content.decode()


def test_the_home_contact_form_creates_a_request(client, user):
    client.force_login(user.user)
    home = client.get(reverse("partner:home")).content.decode()
    assert "home-support-heading" in home and reverse("partner:support_quick") in home

    response = client.post(reverse("partner:support_quick"), {"subject": "Call me", "message": "Please call back."})
    assert response.status_code == 302 and response["Location"] == reverse("partner:home")
    support_request = SupportRequest.objects.for_company(user.company).get()
    assert (support_request.subject, support_request.description, support_request.status) == (
        "Call me", "Please call back.", Status.RECEIVED,
    )  # fmt: skip
    followed = client.get(response["Location"])
    assert "received" in " ".join(str(m) for m in followed.context["messages"])


def test_the_home_contact_form_shows_errors(client, user):
    client.force_login(user.user)
    response = client.post(reverse("partner:support_quick"), {"subject": "", "message": ""})
    assert response.status_code == 200
    assert {"subject", "message"} <= set(response.context["form"].errors)
    assert not SupportRequest.unscoped.exists()


def test_the_home_figure_counts_open_requests(user):
    _create(user, "one")
    solved = _create(user, "two")
    SupportRequest.unscoped.filter(pk=solved.pk).update(status=Status.SOLVED)
    blocks = {block["section"]: block for block in home_figures(membership=user)}
    assert [figure.value for figure in blocks[Section.SUPPORT]["figures"]] == ["1"]


def test_the_list_query_count_is_bounded(client, company, django_assert_max_num_queries):
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    for n in range(3):
        _create(MembershipFactory(company=company, role=Role.USER, sections=["support"]), f"Request {n}")
    client.force_login(admin.user)
    client.get(reverse("partner:support"))
    with django_assert_max_num_queries(8):
        small = client.get(reverse("partner:support"))
    for n in range(10):
        _create(admin, f"More {n}")
    with django_assert_max_num_queries(8):
        large = client.get(reverse("partner:support"))
    assert small.status_code == large.status_code == 200
