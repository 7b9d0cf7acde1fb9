"""What a partner may do with support requests, their files and replies: other companies' and colleagues'
requests answer 404, and bad input is a message, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partner_area.companies.models import Role
from partner_area.support.models import Status, SupportAttachment, SupportRequest
from tests.factories import MembershipFactory
from tests.materials.helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["support_detail", "support_reply", "support_solve", "support_reopen"])
def test_foreign_support_request_posts_are_404_and_change_nothing(client, two_partners, name):
    client.force_login(two_partners["mine"]["admin"].user)
    theirs = two_partners["theirs"]["request"]
    url = reverse(f"partner:{name}", kwargs={"request_id": theirs.pk})
    response = client.post(url, {"body": "Hijack"})
    assert response.status_code in (404, 405)
    theirs.refresh_from_db()
    assert theirs.status == Status.RECEIVED
    assert theirs.comments.count() == 1


@pytest.mark.parametrize("name", ["support_detail", "support_reply", "support_solve", "support_reopen"])
def test_a_user_cannot_act_on_a_colleagues_request(client, two_partners, name):
    mine = two_partners["mine"]
    support_request = mine["request"]
    status = Status.SOLVED if name == "support_reopen" else Status.OPEN
    SupportRequest.unscoped.filter(pk=support_request.pk).update(status=status)
    client.force_login(mine["user"].user)
    response = client.post(reverse(f"partner:{name}", kwargs={"request_id": support_request.pk}), {"body": "Mine now"})
    assert response.status_code in (404, 405)
    assert client.get(reverse("partner:support_detail", kwargs={"request_id": support_request.pk})).status_code == 404
    assert support_request.comments.count() == 1


def test_a_user_cannot_download_a_colleagues_or_another_companys_attachment(client, two_partners):
    client.force_login(two_partners["mine"]["user"].user)
    for attachment in (two_partners["mine"]["attachment"], two_partners["theirs"]["attachment"]):
        url = reverse("partner:support_attachment", kwargs={"attachment_id": attachment.pk})
        assert client.get(url).status_code == 404
    # The org admin of the company does get the file of their colleague's request, but never the other company's.
    client.force_login(two_partners["mine"]["admin"].user)
    own = client.get(
        reverse("partner:support_attachment", kwargs={"attachment_id": two_partners["mine"]["attachment"].pk})
    )
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"\x89PNG")
    foreign = reverse("partner:support_attachment", kwargs={"attachment_id": two_partners["theirs"]["attachment"].pk})
    assert client.get(foreign).status_code == 404


def test_a_member_without_the_support_grant_sees_no_support(client, two_partners):
    bare = MembershipFactory(company=two_partners["mine"]["company"], role=Role.USER, sections=["dashboard"])
    client.force_login(bare.user)
    assert client.get(reverse("partner:support")).status_code == 403
    url = reverse("partner:support_attachment", kwargs={"attachment_id": two_partners["mine"]["attachment"].pk})
    assert client.get(url).status_code == 403
    assert client.post(reverse("partner:support_new"), {"subject": "x", "description": "y"}).status_code == 403


def test_a_support_file_whose_content_does_not_match_its_name_is_refused(client, two_partners):
    client.force_login(two_partners["mine"]["user"].user)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    data = {"subject": "Lying file", "category": "question", "priority": "normal", "description": "See file"}
    response = client.post(reverse("partner:support_new"), {**data, "attachments": [fake]})
    assert response.status_code == 200
    assert "does not match its name" in response.content.decode()
    assert not SupportRequest.unscoped.filter(subject="Lying file").exists()


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=99999999999999999999", "?page=-1", "?status=bogus", "?status=open&page=0"]
)
def test_support_list_survives_odd_query_strings(client, two_partners, query):
    client.force_login(two_partners["mine"]["admin"].user)
    assert client.get(reverse("partner:support") + query).status_code == 200


def test_an_empty_reply_is_a_form_error_not_a_500(client, two_partners):
    mine = two_partners["mine"]
    client.force_login(mine["colleague"].user)
    url = reverse("partner:support_reply", kwargs={"request_id": mine["request"].pk})
    response = client.post(url, {})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert mine["request"].comments.count() == 1


def test_a_reply_to_a_closed_request_is_refused_with_a_message(client, two_partners):
    mine = two_partners["mine"]
    SupportRequest.unscoped.filter(pk=mine["request"].pk).update(status=Status.CLOSED)
    client.force_login(mine["colleague"].user)
    url = reverse("partner:support_reply", kwargs={"request_id": mine["request"].pk})
    response = client.post(url, {"body": "Still broken"})
    assert response.status_code == 200
    assert "can no longer be answered" in response.content.decode()
    reopen = client.post(reverse("partner:support_reopen", kwargs={"request_id": mine["request"].pk}), follow=True)
    assert reopen.status_code == 200
    mine["request"].refresh_from_db()
    assert mine["request"].status == Status.CLOSED


def test_too_many_support_files_are_refused(client, two_partners, settings):
    settings.SUPPORT_ATTACHMENT_MAX_FILES = 2
    client.force_login(two_partners["mine"]["user"].user)
    files = [SimpleUploadedFile(f"s{n}.png", png_bytes(), content_type="image/png") for n in range(3)]
    data = {"subject": "Many", "category": "question", "priority": "normal", "description": "Files"}
    response = client.post(reverse("partner:support_new"), {**data, "attachments": files})
    assert response.status_code == 200
    assert "at most 2 files" in response.content.decode()
    assert not SupportRequest.unscoped.filter(subject="Many").exists()


def test_an_agents_file_while_zendesk_is_unreachable_is_a_message_not_a_500(client, two_partners, settings):
    settings.ZENDESK_SUBDOMAIN, settings.ZENDESK_EMAIL, settings.ZENDESK_API_TOKEN = "", "", ""
    mine = two_partners["mine"]
    agent_file = SupportAttachment.unscoped.create(
        support_request=mine["request"], filename="answer.pdf", content_type="application/pdf", size=10,
        zendesk_attachment_id=777,
    )  # fmt: skip
    client.force_login(mine["admin"].user)
    response = client.get(reverse("partner:support_attachment", kwargs={"attachment_id": agent_file.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("partner:support_detail", kwargs={"request_id": mine["request"].pk})


def test_a_ticked_clear_box_on_support_attachments_is_no_file(client, two_partners):
    client.force_login(two_partners["mine"]["user"].user)
    data = {"subject": "Clear box", "category": "question", "priority": "normal", "description": "No files"}
    response = client.post(reverse("partner:support_new"), {**data, "attachments-clear": "on"})
    assert response.status_code == 302
    assert not SupportRequest.unscoped.get(subject="Clear box").attachments.exists()
