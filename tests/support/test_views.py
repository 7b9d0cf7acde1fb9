"""The Support section's pages as a partner uses them: opening a request with files, the conversation, replies,
solving and reopening, downloads, and who may see what."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partner_area.companies.models import Role
from partner_area.platform import uploads
from partner_area.support.models import Source, Status, SupportAttachment, SupportComment, SupportRequest
from partner_area.support.services import support_reply_add, support_request_create
from tests.factories import MembershipFactory
from tests.materials.helpers import pdf_bytes, png_bytes
from tests.zendesk.conftest import zendesk  # noqa: F401  the local Zendesk API fixture

pytestmark = pytest.mark.django_db

NEW = reverse("partner:support_new")


@pytest.fixture
def user(company):
    return MembershipFactory(
        company=company, role=Role.USER, sections=["support"], user__first_name="Ilze", user__last_name="Kalniņa"
    )


def pdf(name="invoice copy.pdf", text="Brello"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def png(name="screenshot.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _open(membership, subject="Printer offline", attachments=()):
    return support_request_create(
        membership=membership, subject=subject, description="It does not print.", attachments=list(attachments)
    )


def _url(name, support_request):
    return reverse(f"partner:{name}", kwargs={"request_id": support_request.pk})


def _agent_says(support_request, body, *, public=True):
    return SupportComment.unscoped.create(
        support_request=support_request, author_name="Anna from Brello", body=body, public=public, from_zendesk=True
    )


def _form(**fields):
    data = {"subject": "Cannot export", "category": "technical", "priority": "high", "description": "Steps: 1, 2, 3."}
    return {**data, **fields}


# Opening a request


def test_the_new_form_offers_several_files_with_the_limits_shown(client, user):
    client.force_login(user.user)
    page = client.get(NEW).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="attachments"' in page and " multiple" in page
    assert 'accept=".csv,.docx,.gif,.jpeg,.jpg,.pdf,.png,.txt,.webp,.xlsx"' in page
    assert "Up to 5 files of at most 10.0\xa0MB each. Allowed types: CSV, DOCX" in page


def test_each_attachment_is_sniffed_once_though_the_form_and_the_service_both_check_it(client, user):
    client.force_login(user.user)
    with mock.patch.object(uploads, "sniff", wraps=uploads.sniff) as sniff:
        response = client.post(NEW, _form(attachments=[pdf(), png()]))
    assert response.status_code == 302 and sniff.call_count == 2
    assert SupportAttachment.unscoped.filter(support_request__company=user.company).count() == 2


def test_a_request_with_attachments_is_received_and_shows_its_files(client, user):
    client.force_login(user.user)
    response = client.post(NEW, _form(attachments=[pdf(), png()]))
    support_request = SupportRequest.objects.for_company(user.company).get()
    assert response.status_code == 302 and response["Location"] == _url("support_detail", support_request)
    assert (support_request.status, support_request.source) == (Status.RECEIVED, Source.PORTAL)

    detail = client.get(response["Location"])
    page = detail.content.decode()
    assert "has been received" in " ".join(str(m) for m in detail.context["messages"])
    assert "Steps: 1, 2, 3." in page and "is being passed to our support team" in page
    names = sorted(a.filename for a in SupportAttachment.unscoped.filter(support_request=support_request))
    assert names == ["invoice copy.pdf", "screenshot.png"]
    for attachment in SupportAttachment.unscoped.filter(support_request=support_request):
        assert reverse("partner:support_attachment", kwargs={"attachment_id": attachment.pk}) in page
        assert attachment.filename in page

    listing = client.get(reverse("partner:support")).content.decode()
    assert "Cannot export" in listing and "support-badge--received" in listing and ">Received<" in listing


def test_once_zendesk_has_it_the_request_shows_as_sent_without_the_received_notice(client, user):
    support_request = _open(user, "Accepted by Zendesk")
    SupportRequest.unscoped.filter(pk=support_request.pk).update(status=Status.SENT, zendesk_ticket_id="4711")
    client.force_login(user.user)
    listing = client.get(reverse("partner:support")).content.decode()
    assert "support-badge--sent" in listing and ">Sent<" in listing
    page = client.get(_url("support_detail", support_request)).content.decode()
    assert ">Sent<" in page and "is being passed to our support team" not in page


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (lambda: SimpleUploadedFile("setup.exe", b"MZ\x90\x00" * 100), "files of this type are not accepted"),
        (lambda: SimpleUploadedFile("report.pdf", b"not a pdf at all"), "does not match its name"),
        (lambda: SimpleUploadedFile("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)), "the limit is 10,485,760 B"),
    ],
    ids=["type", "content", "size"],
)
def test_a_bad_file_re_renders_with_the_error_and_keeps_the_text(client, user, upload, error):
    client.force_login(user.user)
    response = client.post(
        NEW, _form(subject="Keep this subject", description="Keep this text", attachments=[upload()])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert error in str(response.context["form"].errors["attachments"])
    assert 'id="id_attachments_error"' in page and "Please correct the fields marked below." in page
    assert 'value="Keep this subject"' in page and "Keep this text</textarea>" in page
    assert not SupportRequest.unscoped.exists() and not SupportAttachment.unscoped.exists()


def test_more_than_five_files_are_refused(client, user):
    client.force_login(user.user)
    response = client.post(NEW, _form(attachments=[pdf(f"page {n}.pdf") for n in range(6)]))
    assert response.status_code == 200
    assert "at most 5 files" in str(response.context["form"].errors["attachments"])
    assert not SupportRequest.unscoped.exists()


FILES_AGAIN = "Choose the files again: for your security the browser does not keep them after an error."


def test_a_plain_form_with_errors_asks_for_the_files_again(client, user):
    client.force_login(user.user)
    page = client.post(NEW, _form(subject="", attachments=[pdf()])).content.decode()
    assert FILES_AGAIN in page


def test_a_plain_form_without_chosen_files_does_not_ask_for_them(client, user):
    client.force_login(user.user)
    page = client.post(NEW, _form(subject="")).content.decode()
    assert FILES_AGAIN not in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_refused_file_says_every_chosen_file_must_be_chosen_again(client, user, htmx):
    client.force_login(user.user)
    files = [pdf("good.pdf"), SimpleUploadedFile("setup.exe", b"MZ\x90\x00" * 100)]
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(NEW, _form(attachments=files), headers=headers)
    page = response.content.decode()
    assert "files of this type are not accepted" in page
    # The picker is rendered afresh (no hx-preserve), so the good file is gone too: the note says so.
    assert FILES_AGAIN in page
    assert 'id="id_attachments_picker" hx-preserve' not in page


def test_with_htmx_success_is_a_full_redirect_and_errors_swap_in_place(client, user):
    client.force_login(user.user)
    ok = client.post(NEW, _form(attachments=[pdf()]), headers={"HX-Request": "true"})
    support_request = SupportRequest.objects.for_company(user.company).get()
    assert ok.status_code == 200 and ok["HX-Redirect"] == _url("support_detail", support_request)

    bad = client.post(NEW, _form(subject="", attachments=[pdf()]), headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "HX-Redirect" not in bad
    page = bad.content.decode()
    assert 'id="support-new-panel"' in page and 'id="id_subject_error"' in page
    assert FILES_AGAIN not in page  # htmx keeps the chosen files (hx-preserve)


# The conversation


def test_the_conversation_shows_agent_replies_but_never_internal_notes(client, user):
    support_request = _open(user, attachments=[pdf()])
    _agent_says(support_request, "Could you send a screenshot?")
    _agent_says(support_request, "INTERNAL: customer is on the old plan", public=False)
    client.force_login(user.user)
    page = client.get(_url("support_detail", support_request)).content.decode()
    assert "It does not print." in page and "Could you send a screenshot?" in page
    assert "Anna from Brello" in page and "Brello support" in page
    assert "INTERNAL" not in page


def test_a_reply_with_a_file_appears_in_the_conversation(client, user):
    support_request = _open(user)
    SupportRequest.unscoped.filter(pk=support_request.pk).update(status=Status.PENDING)
    client.force_login(user.user)
    response = client.post(
        _url("support_reply", support_request), {"body": "Here is the screenshot.", "attachments": [png()]}
    )
    comment = SupportComment.unscoped.filter(support_request=support_request).latest("pk")
    assert response.status_code == 302
    assert response["Location"] == _url("support_detail", support_request) + f"#comment-{comment.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Here is the screenshot." in page and "screenshot.png" in page and f'id="comment-{comment.pk}"' in page
    support_request.refresh_from_db()
    assert support_request.status == Status.OPEN  # answering reopens a ticket that waited for the partner


def test_with_htmx_a_reply_shows_in_place_with_the_message(client, user):
    support_request = _open(user)
    client.force_login(user.user)
    response = client.post(
        _url("support_reply", support_request), {"body": "Thanks, that helped."}, headers={"HX-Request": "true"}
    )
    comment = SupportComment.unscoped.filter(support_request=support_request).latest("pk")
    assert response.status_code == 200 and response["HX-Reswap"] == f"outerHTML show:#comment-{comment.pk}:top"
    page = response.content.decode()
    assert 'id="support-page"' in page and f'id="comment-{comment.pk}"' in page and "Thanks, that helped." in page
    assert "Your reply has been added" in page and "hx-preserve" not in page  # a fresh form, no files kept


def test_an_empty_reply_or_a_bad_file_keeps_the_text_and_saves_nothing(client, user):
    support_request = _open(user)
    client.force_login(user.user)
    before = SupportComment.unscoped.count()
    response = client.post(_url("support_reply", support_request), {"body": ""})
    assert response.status_code == 200 and "body" in response.context["reply_form"].errors
    response = client.post(
        _url("support_reply", support_request),
        {"body": "My typed reply", "attachments": [SimpleUploadedFile("a.exe", b"MZ")]},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "My typed reply</textarea>" in page
    assert "Your reply was not sent." in page
    assert SupportComment.unscoped.count() == before


def test_a_closed_request_hides_the_reply_box_and_refuses_a_reply(client, user):
    support_request = _open(user)
    SupportRequest.unscoped.filter(pk=support_request.pk).update(status=Status.CLOSED)
    client.force_login(user.user)
    page = client.get(_url("support_detail", support_request)).content.decode()
    assert "This request is closed" in page and 'name="body"' not in page
    assert _url("support_reply", support_request) not in page and reverse("partner:support_new") in page
    assert _url("support_solve", support_request) not in page and _url("support_reopen", support_request) not in page

    response = client.post(_url("support_reply", support_request), {"body": "Still there?"})
    page = response.content.decode()
    assert response.status_code == 200 and "can no longer be answered" in page
    assert "Your message (not sent)" in page and "Still there?</textarea>" in page  # kept to copy
    assert not SupportComment.unscoped.filter(body="Still there?").exists()


def test_mark_as_solved_then_reopen(client, user):
    support_request = _open(user)
    client.force_login(user.user)
    page = client.get(_url("support_detail", support_request)).content.decode()
    assert _url("support_solve", support_request) in page and "hx-confirm=" in page
    assert _url("support_reopen", support_request) not in page

    response = client.post(_url("support_solve", support_request), follow=True)
    support_request.refresh_from_db()
    assert support_request.status == Status.SOLVED
    page = response.content.decode()
    assert "marked as solved" in page and _url("support_reopen", support_request) in page
    assert _url("support_solve", support_request) not in page

    response = client.post(_url("support_reopen", support_request), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == _url("support_detail", support_request)
    support_request.refresh_from_db()
    assert support_request.status == Status.RECEIVED  # never reached Zendesk, so it is still on its way


def test_solving_twice_says_why_instead_of_failing(client, user):
    support_request = _open(user)
    client.force_login(user.user)
    client.post(_url("support_solve", support_request))
    response = client.post(_url("support_solve", support_request), follow=True)
    assert response.status_code == 200
    assert "Only an open request can be marked as solved." in response.content.decode()


def test_status_changes_only_by_post(client, user):
    support_request = _open(user)
    client.force_login(user.user)
    assert client.get(_url("support_solve", support_request)).status_code == 405
    response = client.get(_url("support_reply", support_request))  # e.g. reloading after a plain form's errors
    assert (
        response.status_code == 302 and response["Location"] == _url("support_detail", support_request) + "#reply-panel"
    )


# Files


def test_an_attachment_downloads_through_the_authorising_view(client, user):
    support_request = _open(user, attachments=[pdf("Rēķins nr. 5.pdf", text="Invoice 5")])
    attachment = SupportAttachment.unscoped.get(support_request=support_request)
    client.force_login(user.user)
    response = client.get(reverse("partner:support_attachment", kwargs={"attachment_id": attachment.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_agents_file_is_fetched_from_zendesk_on_first_download(client, user, zendesk):  # noqa: F811
    support_request = _open(user)
    answer = _agent_says(support_request, "See the diagram.")
    _token, uploaded = zendesk._upload("diagram.png", png_bytes(), "application/octet-stream")
    attachment = SupportAttachment.unscoped.create(
        support_request=support_request, comment=answer, filename="diagram.png",
        content_type="application/octet-stream", size=uploaded["size"], zendesk_attachment_id=uploaded["id"],
    )  # fmt: skip
    url = reverse("partner:support_attachment", kwargs={"attachment_id": attachment.pk})
    client.force_login(user.user)

    zendesk.fail_next(503, path_contains="attachments")
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == _url("support_detail", support_request)
    assert "not available right now" in response.content.decode()

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    attachment.refresh_from_db()
    assert attachment.file  # kept: the next download is served from private storage


def test_an_attachment_of_an_internal_note_is_not_served(client, user):
    support_request = _open(user)
    note = _agent_says(support_request, "internal", public=False)
    hidden = SupportAttachment.unscoped.create(
        support_request=support_request, comment=note, filename="secret.pdf", content_type="application/pdf", size=3
    )
    client.force_login(user.user)
    assert client.get(reverse("partner:support_attachment", kwargs={"attachment_id": hidden.pk})).status_code == 404


# Who may see what


def test_a_user_cannot_open_a_colleagues_request_while_the_org_admin_can(client, company, user):
    colleague = MembershipFactory(company=company, role=Role.USER, sections=["support"])
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    theirs = _open(colleague, "Colleague's problem", attachments=[pdf()])
    attachment = SupportAttachment.unscoped.get()
    attachment_url = reverse("partner:support_attachment", kwargs={"attachment_id": attachment.pk})

    client.force_login(user.user)
    for name in ("support_detail", "support_reply", "support_solve", "support_reopen"):
        method = client.get if name == "support_detail" else client.post
        assert method(_url(name, theirs)).status_code == 404, name
    assert client.get(attachment_url).status_code == 404

    client.force_login(admin.user)
    page = client.get(_url("support_detail", theirs)).content.decode()
    assert "Colleague&#x27;s problem" in page and "Requested by" in page
    assert client.get(attachment_url).status_code == 200
    listing = client.get(reverse("partner:support")).content.decode()
    assert "Requested by" in listing and str(colleague.user.get_full_name()) in listing


def test_another_companys_request_and_attachment_answer_404(client, user):
    foreign = _open(MembershipFactory(role=Role.ADMIN), attachments=[pdf()])
    foreign_attachment = SupportAttachment.unscoped.get(support_request=foreign)
    client.force_login(MembershipFactory(company=user.company, role=Role.ADMIN).user)
    assert client.get(_url("support_detail", foreign)).status_code == 404
    assert client.post(_url("support_reply", foreign), {"body": "hi"}).status_code == 404
    assert client.post(_url("support_solve", foreign)).status_code == 404
    url = reverse("partner:support_attachment", kwargs={"attachment_id": foreign_attachment.pk})
    assert client.get(url).status_code == 404
    missing = reverse("partner:support_attachment", kwargs={"attachment_id": foreign_attachment.pk + 1000})
    assert client.get(missing).status_code == 404
    assert not SupportComment.unscoped.filter(body="hi").exists()
    foreign.refresh_from_db()
    assert foreign.status == Status.RECEIVED


# Limits


def test_the_detail_query_count_does_not_grow_with_the_conversation(client, user, django_assert_max_num_queries):
    support_request = _open(user, attachments=[pdf()])
    client.force_login(user.user)
    client.get(_url("support_detail", support_request))
    with django_assert_max_num_queries(10):
        small = client.get(_url("support_detail", support_request))
    for n in range(8):
        _agent_says(support_request, f"Answer {n}")
        support_reply_add(membership=user, support_request=support_request, body=f"Reply {n}", attachments=[png()])
    with django_assert_max_num_queries(10):
        large = client.get(_url("support_detail", support_request))
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count('class="attachment-list"') == 9


def test_replies_are_rate_limited(client, user, settings):
    settings.RATELIMIT_SUPPORT_ACTIONS = "2/h"
    support_request = _open(user)
    client.force_login(user.user)
    for n in range(2):
        assert client.post(_url("support_reply", support_request), {"body": f"Reply {n}"}).status_code == 302
    assert client.post(_url("support_reply", support_request), {"body": "One too many"}).status_code == 429
    assert not SupportComment.unscoped.filter(body="One too many").exists()


def test_the_home_contact_form_is_recorded_as_coming_from_the_home(client, user):
    client.force_login(user.user)
    client.post(reverse("partner:support_quick"), {"subject": "Call me", "message": "Please call back."})
    assert SupportRequest.objects.for_company(user.company).get().source == Source.HOME


def test_new_requests_are_rate_limited(client, user, settings):
    settings.RATELIMIT_FORMS = "1/h"
    client.force_login(user.user)
    assert client.post(NEW, _form()).status_code == 302
    assert client.post(NEW, _form(subject="Again")).status_code == 429
    assert SupportRequest.unscoped.count() == 1


def test_the_list_pages_by_25_and_keeps_the_status_filter(client, user):
    for n in range(26):
        _open(user, f"Request {n:02d}")
    client.force_login(user.user)
    first = client.get(reverse("partner:support"), {"status": "received"}).content.decode()
    assert "Request 25" in first and "Request 00" not in first and "Page 1 of 2" in first
    assert "?status=received&amp;page=2" in first
    second = client.get(reverse("partner:support"), {"status": "received", "page": 2}).content.decode()
    assert "Request 00" in second and "Request 25" not in second


def test_pages_are_in_latvian_too(client, user):
    support_request = _open(user)
    client.force_login(user.user)
    for url in (reverse("partner:support"), NEW, _url("support_detail", support_request)):
        latvian = url.replace("/en/", "/lv/", 1)
        response = client.get(latvian)
        assert response.status_code == 200 and '<html lang="lv">' in response.content.decode()
