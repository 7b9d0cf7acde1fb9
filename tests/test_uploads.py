"""The one upload check (partner_area.uploads) that materials, support attachments and remittance advices share:
what is not yet covered by each caller's own tests."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partner_area import uploads
from partner_area.uploads import CSV, JPEG, PDF, PNG, TEXT, check_upload
from tests.materials.helpers import pdf_bytes, png_bytes


def test_a_file_that_passed_is_not_read_again_under_the_same_rules():
    upload = SimpleUploadedFile("advice.pdf", pdf_bytes())
    with mock.patch.object(uploads, "sniff", wraps=uploads.sniff) as sniff:
        first = check_upload(upload, kinds=(PDF, PNG), max_bytes=10_000)
        upload.read(5)
        second = check_upload(upload, kinds=(PDF, PNG), max_bytes=10_000)
    assert sniff.call_count == 1
    assert first == second and second.kind == PDF and second.extension == "pdf"
    assert upload.tell() == 0  # left ready to be stored, as after a full check


def test_other_rules_check_the_file_again():
    upload = SimpleUploadedFile("advice.pdf", pdf_bytes())
    check_upload(upload, kinds=(PDF,), max_bytes=10_000)
    with pytest.raises(ValidationError) as error:
        check_upload(upload, kinds=(PDF,), max_bytes=10)
    assert error.value.code == "file_too_large"
    with pytest.raises(ValidationError) as error:
        check_upload(upload, kinds=(PNG, JPEG), max_bytes=10_000)
    assert error.value.code == "extension_not_allowed"


def test_a_refused_file_is_checked_again_each_time():
    upload = SimpleUploadedFile("photo.png", pdf_bytes())
    for _attempt in range(2):
        with pytest.raises(ValidationError) as error:
            check_upload(upload, kinds=(PDF, PNG), max_bytes=10_000)
        assert error.value.code == "content_mismatch"


def test_the_errors_carry_their_code_and_params_for_callers_that_word_them_their_own_way():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("setup.exe", b"MZ"), kinds=(PDF, PNG), max_bytes=10_000)
    assert error.value.code == "extension_not_allowed"
    assert error.value.params["allowed"] == "pdf, png"
    assert error.value.messages == ["Files of type “.exe” are not accepted. Allowed: pdf, png."]


def test_a_name_given_by_the_caller_is_judged_instead_of_the_files_own():
    upload = SimpleUploadedFile("scan", png_bytes())
    checked = check_upload(upload, kinds=(PNG,), max_bytes=100_000, name="Scan.PNG")
    assert (checked.name, checked.extension, checked.kind) == ("Scan.PNG", "png", PNG)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("notes.txt", "ā, č\n".encode(), TEXT),
        ("export.csv", b"a;b\n1;2\n", CSV),
        ("notes.txt", b"text\x00with a NUL", None),
        ("export.csv", pdf_bytes(), None),
    ],
    ids=["text", "csv", "nul-in-text", "pdf-as-csv"],
)
def test_plain_text_is_judged_by_having_no_binary_content(name, content, kind):
    upload = SimpleUploadedFile(name, content)
    if kind is None:
        with pytest.raises(ValidationError) as error:
            check_upload(upload, kinds=(TEXT, CSV, PDF), max_bytes=100_000)
        assert error.value.code == "content_mismatch"
    else:
        assert check_upload(upload, kinds=(TEXT, CSV, PDF), max_bytes=100_000).kind == kind
