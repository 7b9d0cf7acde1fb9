"""The Support services and selectors the pages and Zendesk sync rely on: visibility, attachments, the
conversation, status changes, and that every write is audited and queued for Zendesk in one transaction."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.http import Http404

from integrations.zendesk.models import Operation, ZendeskOutboxMessage
from partner_area.companies.models import Role
from partner_area.platform.audit.models import AuditLogEntry
from partner_area.support.attachments import validate_attachments
from partner_area.support.models import Source, Status, SupportAttachment, SupportComment, SupportRequest
from partner_area.support.selectors import (
    support_attachment_get,
    support_conversation,
    support_request_get,
    support_requests_for,
)
from partner_area.support.services import (
    support_public_request_create,
    support_reply_add,
    support_request_create,
    support_request_reopen,
    support_request_solve,
)
from tests.factories import MembershipFactory
from tests.materials.helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def office_bytes(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}document.xml", "<x/>")
    return out.getvalue()


def _open(membership, subject="Printer offline", **fields):
    return support_request_create(membership=membership, subject=subject, description="It does not print.", **fields)


# --- visibility ---------------------------------------------------------------------------------------------


def test_a_user_sees_only_their_own_requests_and_files_while_the_org_admin_sees_all(company, user):
    colleague = MembershipFactory(company=company, role=Role.USER, sections=["support"])
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    mine = _open(user, "Mine", attachments=[upload("a.png", png_bytes(), "image/png")])
    theirs = _open(colleague, "Theirs", attachments=[upload("b.png", png_bytes(), "image/png")])
    their_file = theirs.attachments.get()

    assert list(support_requests_for(membership=user)) == [mine]
    assert set(support_requests_for(membership=admin)) == {mine, theirs}
    with pytest.raises(Http404):
        support_request_get(membership=user, request_id=theirs.pk)
    with pytest.raises(Http404):
        support_attachment_get(membership=user, attachment_id=their_file.pk)
    assert support_attachment_get(membership=admin, attachment_id=their_file.pk) == their_file
    assert support_attachment_get(membership=user, attachment_id=mine.attachments.get().pk).filename == "a.png"


def test_another_companys_request_and_files_are_404_even_for_an_admin(user):
    foreign = _open(MembershipFactory(role=Role.ADMIN), attachments=[upload("x.pdf", pdf_bytes())])
    admin = MembershipFactory(company=user.company, role=Role.ADMIN)
    for lookup in (
        lambda: support_request_get(membership=admin, request_id=foreign.pk),
        lambda: support_attachment_get(membership=admin, attachment_id=foreign.attachments.get().pk),
        lambda: support_attachment_get(membership=admin, attachment_id=10**9),
        lambda: support_reply_add(membership=admin, support_request=foreign, body="Hello"),
        lambda: support_request_solve(membership=admin, support_request=foreign),
    ):
        with pytest.raises(Http404):
            lookup()
    assert foreign.comments.count() == 1 and SupportRequest.unscoped.get(pk=foreign.pk).status == Status.RECEIVED


def test_files_of_internal_notes_are_never_served(user):
    support_request = _open(user)
    note = SupportComment.unscoped.create(support_request=support_request, body="internal", public=False)
    hidden = SupportAttachment.unscoped.create(
        support_request=support_request, comment=note, filename="n.txt", content_type="text/plain", size=1
    )
    with pytest.raises(Http404):
        support_attachment_get(membership=user, attachment_id=hidden.pk)


# --- attachments --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        [upload("scan.pdf", pdf_bytes())],
        [upload("shot.png", png_bytes())],
        [upload("notes.txt", "Rindiņa ar garumzīmēm: ā, č\n".encode())],
        [upload("export.csv", b"number;total\n1;2.50\n")],
        [upload("offer.docx", office_bytes("word/"))],
        [upload("prices.xlsx", office_bytes("xl/"))],
    ],
    ids=["pdf", "png", "txt", "csv", "docx", "xlsx"],
)
def test_allowed_attachment_types_pass(files):
    validate_attachments(files)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("setup.exe", b"MZ\x90\x00" * 10)], "files of this type are not accepted"),
        ([upload("fake.pdf", png_bytes())], "does not match its name"),
        ([upload("photo.png", b"%PDF-1.7 not an image")], "does not match its name"),
        ([upload("notes.txt", b"\x00\x01binary")], "does not match its name"),
        ([upload("offer.docx", office_bytes("xl/"))], "does not match its name"),
        ([upload("empty.pdf", b"")], "is empty"),
        ([upload(f"f{n}.txt", b"x") for n in range(6)], "at most 5 files"),
    ],
    ids=["exe", "png-as-pdf", "pdf-as-png", "binary-txt", "xlsx-as-docx", "empty", "six-files"],
)
def test_bad_attachments_are_refused_with_a_clear_message(files, message):
    with pytest.raises(ValidationError) as error:
        validate_attachments(files)
    assert message in " ".join(error.value.messages)


def test_the_size_limit_is_per_file_and_nothing_is_saved(settings, user):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        _open(user, attachments=[upload("big.txt", b"x" * 1001), upload("ok.txt", b"fine")])
    assert "big.txt" in error.value.messages[0] and "1000" in error.value.messages[0]
    assert not SupportRequest.unscoped.exists() and not ZendeskOutboxMessage.objects.exists()


def test_attachments_are_stored_privately_under_a_safe_name(user):
    support_request = _open(user, attachments=[upload("../../etc/Rēķins 1.pdf", pdf_bytes())])
    attachment = support_request.attachments.get()
    assert attachment.filename == "Rēķins 1.pdf" and attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith(f"support/{support_request.pk}/") and ".." not in attachment.file.name
    assert attachment.comment == support_request.comments.get()
    with attachment.file.open("rb") as stored:
        assert stored.read(4) == b"%PDF"


# --- conversation and writes --------------------------------------------------------------------------------


def test_the_conversation_is_public_messages_with_files_in_bounded_queries(user, django_assert_max_num_queries):
    support_request = _open(user, attachments=[upload("a.png", png_bytes())])
    for n in range(5):
        support_reply_add(
            membership=user, support_request=support_request, body=f"reply {n}", attachments=[upload("n.txt", b"x")]
        )
    SupportComment.unscoped.create(support_request=support_request, body="agents only", public=False)
    with django_assert_max_num_queries(3):
        conversation = [(c.body, [a.filename for a in c.attachments.all()]) for c in support_conversation(
            support_request=support_request
        )]  # fmt: skip
    assert conversation[0] == ("It does not print.", ["a.png"]) and len(conversation) == 6
    assert "agents only" not in [body for body, _ in conversation]


def test_every_write_is_audited_and_queued_for_zendesk(user):
    support_request = _open(user, source=Source.HOME)
    support_reply_add(membership=user, support_request=support_request, body="More details")
    support_request_solve(membership=user, support_request=support_request)
    support_request_reopen(membership=user, support_request=support_request)

    audited = AuditLogEntry.objects.filter(target_id=str(support_request.pk)).order_by("pk")
    assert list(audited.values_list("action", flat=True)) == [
        "support.request_create", "support.reply_add", "support.solve", "support.reopen",
    ]  # fmt: skip
    assert [(m.operation, m.payload.get("status")) for m in ZendeskOutboxMessage.objects.order_by("id")] == [
        (Operation.TICKET_CREATE, None), (Operation.COMMENT_CREATE, None),
        (Operation.TICKET_STATUS, "solved"), (Operation.TICKET_STATUS, "open"),
    ]  # fmt: skip
    support_request.refresh_from_db()
    assert support_request.source == Source.HOME and support_request.status == Status.RECEIVED


def test_closed_requests_refuse_replies_and_only_solved_ones_reopen(user):
    support_request = _open(user)
    assert (support_request.can_reply, support_request.can_solve, support_request.can_reopen) == (True, True, False)
    with pytest.raises(ValidationError):
        support_request_reopen(membership=user, support_request=support_request)
    support_request_solve(membership=user, support_request=support_request)
    support_request.refresh_from_db()
    assert (support_request.can_solve, support_request.can_reopen) == (False, True)

    SupportRequest.unscoped.filter(pk=support_request.pk).update(status=Status.CLOSED)
    support_request.refresh_from_db()
    assert (support_request.can_reply, support_request.can_solve, support_request.can_reopen) == (False, False, False)
    with pytest.raises(ValidationError) as error:
        support_reply_add(membership=user, support_request=support_request, body="Still there?")
    assert "open a new request" in error.value.messages[0]
    with pytest.raises(ValidationError):
        support_request_reopen(membership=user, support_request=support_request)
    assert support_request.comments.count() == 1


def test_an_empty_reply_is_refused(user):
    support_request = _open(user)
    with pytest.raises(ValidationError) as error:
        support_reply_add(membership=user, support_request=support_request, body="   ")
    assert "body" in error.value.message_dict
    assert support_request.comments.count() == 1


def test_the_public_contact_form_request_belongs_to_no_company(user):
    support_request = support_public_request_create(
        name="Jānis", email="janis@example.lv", company_name="Bērziņš SIA", message="Do you ship to Tartu?"
    )
    assert (support_request.company, support_request.requester, support_request.source) == (None, None, Source.PUBLIC)
    assert support_request.subject == "Contact form: Bērziņš SIA"
    assert support_conversation(support_request=support_request).get().author_name == "Jānis"
    assert not support_requests_for(membership=MembershipFactory(company=user.company, role=Role.ADMIN)).exists()
    with pytest.raises(ValidationError) as error:
        support_public_request_create(name="", email="not-an-address", company_name="", message="")
    assert {"contact_name", "contact_email", "description"} <= set(error.value.message_dict)


def test_only_the_public_form_may_leave_company_and_requester_empty():
    with pytest.raises(IntegrityError):
        SupportRequest.unscoped.create(source=Source.PORTAL, subject="x", description="y")
