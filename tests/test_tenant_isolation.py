"""Every partner-area page and every /api/v1/ route, walked from the URL resolver, with two active
companies: anonymous people are sent to log in (pages) or refused (API); ids of the other company's
objects answer exactly like missing ids (404); a user without a section grant gets a 403 page saying so
(every member knows the sections exist; it is answered before any id is looked up, so it is the same for
this company's ids and another's), a user on an administrators' page gets 404, and the API answers 403.
A new route is covered automatically; a route with an id parameter the test cannot fill fails
until it is taught below (OBJECT_IDS).

Child tables (support comments and attachments, invoice lines, announcement reads) are covered twice: a route
that takes a child's id answers 404 for every kind of the other company's child (CHILD_IDS: an attachment of the
request and one of a reply), and no page or API answer filled with this company's own ids ever shows the other
company's child rows (their texts carry a marker the walk looks for, and this company's own markers must show)."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from partner_area.accounts.api_tokens import api_token_issue
from partner_area.announcements.models import AnnouncementRead
from partner_area.billing.models import ErpInvoiceState, Invoice, InvoiceLine
from partner_area.companies.models import CompanyContact, Invitation, Role
from partner_area.support.models import SupportAttachment, SupportComment, SupportRequest
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .announcements.helpers import make_announcement
from .materials.helpers import make_material

pytestmark = pytest.mark.django_db

# Routes anyone may open: the public onboarding and authentication pages.
PUBLIC = {
    "partner:register", "partner:register_done", "partner:confirm_email", "partner:resend_confirmation",
    "partner:login", "partner:logout", "partner:password_reset", "partner:password_reset_done",
    "partner:password_reset_confirm", "partner:password_reset_complete", "partner:invitation_accept",
    "api:token", "partner:announcement_unsubscribe", "partner:terms",
}  # fmt: skip
# Routes every logged-in member may open whatever their grants (their own account and status).
EVERY_MEMBER = {
    "partner:home", "partner:status", "partner:account", "partner:password_change",
    "partner:password_change_done", "partner:two_factor", "partner:two_factor_setup", "partner:two_factor_verify",
    "api:me", "api:company", "partner:announcements", "partner:announcement", "partner:announcements_read",
    "partner:company", "api:tokens", "api:token_detail", "partner:api_token_revoke",
}  # fmt: skip
# A person's own account pages: open to anyone logged in, partner or not; they hold no company data.
OWN_ACCOUNT = {
    "api:me", "partner:account", "partner:password_change", "partner:password_change_done",
    "partner:two_factor", "partner:two_factor_setup", "partner:two_factor_verify",
    "api:tokens", "api:token_detail", "partner:api_token_revoke",
}  # fmt: skip

# How to fill each URL parameter with an object of the *other* company (or a harmless value).
OBJECT_IDS = {
    "member_id": lambda other: other["member"].pk,
    "invitation_id": lambda other: other["invitation"].pk,
    "invoice_id": lambda other: other["invoice"].pk,
    "announcement_id": lambda other: other["announcement"].pk,
    "material_id": lambda other: other["material"].pk,
    "request_id": lambda other: other["support_request"].pk,
    "contact_id": lambda other: other["contact"].pk,
    "attachment_id": lambda other: other["support_attachment"].pk,
    "token_id": lambda other: other["api_token"].pk,
    "pk": None,  # must be taught per route name; a bare pk is ambiguous
}
PUBLIC_VALUES = {"token": "x" * 20, "uidb64": "MQ", "section": "dashboard"}
# Parameters naming a row of a child table: every kind of the other company's child must answer 404.
CHILD_IDS = {
    "attachment_id": lambda other: [other["support_attachment"].pk, other["reply_attachment"].pk],
}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".lstrip(":") if entry.name else None
            yield prefix + str(entry.pattern), name, entry


def partner_routes() -> list[tuple[str, str]]:
    """(route template, name) of every partner-area page (English prefix) and every /api/v1/ route."""
    routes = set()
    with translation.override("en"):
        for route, name, _ in _walk(get_resolver()):
            documentation = name in ("api-schema", "api-docs")
            if route.startswith("en/partner/") or (route.startswith("api/v1/") and not documentation):
                assert "(?P<" not in route, f"use path() converters so the walk can fill {route}"
                routes.add(("/" + route, name or route))
    return sorted(routes)


def fill(route: str, other: dict) -> str:
    def value(match):
        key = match.group("name")
        if key in OBJECT_IDS and OBJECT_IDS[key] is not None:
            return str(OBJECT_IDS[key](other))
        if key in PUBLIC_VALUES:
            return PUBLIC_VALUES[key]
        raise AssertionError(f"Teach tests/test_tenant_isolation.py how to fill <{key}> in {route}")

    return re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, route)


@pytest.fixture
def two_companies():
    mine, theirs = CompanyFactory(legal_name="Mine SIA"), CompanyFactory(legal_name="Theirs SIA")
    data = {}
    for key, company in (("mine", mine), ("theirs", theirs)):
        admin = MembershipFactory(company=company, role=Role.ADMIN)
        member = MembershipFactory(company=company, role=Role.USER, sections=["dashboard"])
        invitation = Invitation(company=company, email=f"new@{company.pk}.lv", role=Role.USER, invited_by=admin.user)
        invitation.issue_token()
        invitation.save()
        invoice = Invoice.unscoped.create(
            company=company, erp_id=f"isolation-{key}", number=f"INV-{key}", currency="EUR", total=100, balance=100,
            erp_state=ErpInvoiceState.POSTED,
        )  # fmt: skip
        data[key] = {
            "company": company, "admin": admin, "member": member, "invitation": invitation, "invoice": invoice,
        }  # fmt: skip
        # Announcements and materials meant for this company only.
        data[key]["announcement"] = make_announcement(audience_all=False, audience_companies=[company])
        data[key]["material"] = make_material(audience_all=False, audience_companies=[company])
        data[key]["contact"] = CompanyContact.unscoped.create(company=company, name=f"Contact {key}")
        data[key]["support_request"] = SupportRequest.unscoped.create(
            company=company, requester=admin.user, subject=f"Help {key}", description="Please help."
        )
        data[key]["api_token"], _key = api_token_issue(user=admin.user)
        data[key]["support_attachment"] = SupportAttachment.unscoped.create(
            support_request=data[key]["support_request"], filename="log.txt", content_type="text/plain", size=3
        )
        # A stored file, so that a 404 is the company's doing and not a missing file's.
        data[key]["support_attachment"].file.save("log.txt", ContentFile(b"log"))
        # Child rows whose texts carry the company's marker: a public reply with a file, and an invoice line.
        reply = SupportComment.unscoped.create(
            support_request=data[key]["support_request"], author=admin.user, body=f"Reply {child_marker(key)}"
        )
        data[key]["reply_attachment"] = SupportAttachment.unscoped.create(
            support_request=data[key]["support_request"], comment=reply, filename=f"{child_marker(key)}.txt",
            content_type="text/plain", size=3,
        )  # fmt: skip
        data[key]["reply_attachment"].file.save("reply.txt", ContentFile(b"log"))
        InvoiceLine.unscoped.create(
            invoice=invoice, description=f"Licence {child_marker(key)}", quantity=1, unit_price=100, amount=100
        )
        AnnouncementRead.unscoped.create(announcement=data[key]["announcement"], user=admin.user)
    return data


def child_marker(key: str) -> str:
    return f"child-row-of-{key}"


def _request(client, url: str):
    """The route's own method: GET, else the first of POST, PATCH, DELETE it accepts."""
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(url, {}) if method == "post" else getattr(client, method)(url)
        if response.status_code != 405:
            return response
    raise AssertionError(f"{url} accepts none of GET, POST, PATCH, DELETE")


def test_the_walk_finds_the_partner_area_and_the_api():
    names = {name for _, name in partner_routes()}
    assert {"partner:home", "partner:members", "partner:invoices", "partner:register"} <= names
    # Payment notices: the report form and its API twin are walked with the other company's invoice id.
    assert {"partner:invoice_payment_report", "billing_api:invoice_payment_notices"} <= names
    assert any(route.startswith("/api/v1/") for route, _ in partner_routes())


def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, two_companies):
    for route, name in partner_routes():
        if name in PUBLIC:
            continue
        response = _request(client, fill(route, two_companies["theirs"]))
        if route.startswith("/api/"):
            assert response.status_code in (401, 403), (route, response.status_code)
        else:
            assert response.status_code == 302, (route, response.status_code)
            assert response["Location"].startswith("/en/partner/account/login/"), route


def test_other_companys_ids_answer_404_like_missing_ones(client, two_companies):
    client.force_login(two_companies["mine"]["admin"].user)
    checked = 0
    for route, name in partner_routes():
        if name in PUBLIC or "<" not in route:
            continue
        response = _request(client, fill(route, two_companies["theirs"]))
        assert response.status_code == 404, (route, response.status_code)
        checked += 1
    assert checked >= 1


def _views_by_name() -> dict[str, object]:
    with translation.override("en"):
        return {name: entry.callback for _route, name, entry in _walk(get_resolver()) if name}


def _main(content: bytes) -> str:
    """The page's <main> (the header around it carries a fresh CSRF token and script nonce on every request)."""
    return re.search(r"<main.*?</main>", content.decode(), re.S).group()


def test_a_user_without_grants_gets_403_section_pages_404_admin_pages_and_403_api(client, two_companies):
    company = two_companies["mine"]["company"]
    bare = MembershipFactory(company=company, role=Role.USER, sections=[])
    client.force_login(bare.user)
    # partner_required marks its views with the section they belong to; the others here are administrators' pages
    # (and the home's figures fragment, 404 when the member may see no figures).
    views = _views_by_name()
    sections_checked = 0
    for route, name in partner_routes():
        if name in PUBLIC or name in EVERY_MEMBER or name == "partner:logout":
            continue
        response = _request(client, fill(route, two_companies["mine"]))
        if route.startswith("/api/"):
            assert response.status_code == 403, (route, response.status_code)
        elif not getattr(views[name], "partner_section", None):
            assert response.status_code == 404, (route, response.status_code)
        else:
            assert response.status_code == 403, (route, response.status_code)
            assert "You don't have access to" in response.content.decode(), route
            sections_checked += 1
            if "<" in route:  # another company's id gets the very same answer: no way to probe which ids exist
                theirs = _request(client, fill(route, two_companies["theirs"]))
                assert theirs.status_code == 403, route
                assert _main(theirs.content) == _main(response.content), route
    assert sections_checked >= 10


def test_a_logged_in_stranger_without_a_company_sees_no_partner_data(client, two_companies):
    client.force_login(UserFactory())
    for route, name in partner_routes():
        if name in PUBLIC or name in OWN_ACCOUNT or name == "partner:logout":
            continue
        response = _request(client, fill(route, two_companies["theirs"]))
        assert response.status_code in (403, 404, 302), (route, response.status_code)
        if response.status_code == 302:
            assert "/partner/" in response["Location"]


def test_other_companys_child_rows_answer_404_by_id(client, two_companies):
    client.force_login(two_companies["mine"]["admin"].user)
    checked = set()
    for route, _name in partner_routes():
        for key, ids in CHILD_IDS.items():
            if f":{key}>" not in route:
                continue
            for child_id in ids(two_companies["theirs"]):
                url = re.sub(rf"<(?:\w+:)?{key}>", str(child_id), route)
                response = _request(client, fill(url, two_companies["theirs"]))
                assert response.status_code == 404, (route, child_id, response.status_code)
            for child_id in ids(two_companies["mine"]):  # the same kinds of child of this company do answer
                url = re.sub(rf"<(?:\w+:)?{key}>", str(child_id), route)
                assert _request(client, fill(url, two_companies["mine"])).status_code == 200, (route, child_id)
            checked.add(key)
    assert checked == set(CHILD_IDS)


def test_no_page_or_api_answer_shows_another_companys_child_rows(client, two_companies):
    """Every GET route, filled with this company's own ids, as its administrator: the other company's comments,
    attachments and invoice lines never appear, while this company's own do (so the walk can see child rows)."""
    client.force_login(two_companies["mine"]["admin"].user)
    shows_own = set()
    for route, name in partner_routes():
        if name in PUBLIC or name == "partner:logout":
            continue
        response = client.get(fill(route, two_companies["mine"]))
        if response.status_code != 200 or not hasattr(response, "content"):
            continue
        body = response.content.decode(errors="replace")
        assert child_marker("theirs") not in body, route
        if child_marker("mine") in body:
            shows_own.add(name)
    # The request's conversation (reply and its file), and the invoice's lines on its page and in the API.
    assert {"partner:support_detail", "partner:invoice_detail", "billing_api:invoice"} <= shows_own
