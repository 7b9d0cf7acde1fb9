"""The one upload check (partner_area.platform.uploads) that materials, support attachments and remittance
advices share: what is not yet covered by each caller's own tests."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partner_area.platform import uploads
from partner_area.platform.uploads import CSV, JPEG, PDF, PNG, TEXT, check_upload
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


# -- content that acts when opened (#14 F7), names that lie about themselves, and the oversize message ---------

ZLIB = __import__("zlib")
DOCX_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes(*, members: int = 1, inflated: int = 1000) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * inflated)
        for n in range(members - 1):
            archive.writestr(f"word/media/part{n}.xml", b"<x/>")
    return buffer.getvalue()


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    "active",
    [
        b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        b"<< /Type /Catalog /AA << /O 2 0 R >> >>",
        b"<< /Type /Action /S /Launch /F (cmd.exe) >>",
        b"<< /Type /Catalog /Names << /EmbeddedFiles 3 0 R >> /EmbeddedFile 4 0 R >>",
        b"<< /Type /Catalog /Open#41ction 2 0 R >>",  # a hex escape spells /OpenAction
    ],
)
def test_a_pdf_that_acts_when_opened_is_refused(active):
    upload = SimpleUploadedFile("offer.pdf", pdf_with(active))
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, kinds=[PDF], max_bytes=10**6)
    assert refused.value.code == "active_content"


def test_a_script_hidden_in_a_compressed_object_stream_is_found():
    hidden = ZLIB.compress(b"<< /OpenAction << /S /JavaScript /JS (x) >> >>")
    body = b"<< /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n" % len(hidden) + hidden + b"\nendstream"
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("report.pdf", pdf_with(body)), kinds=[PDF], max_bytes=10**6)
    assert refused.value.code == "active_content"


def test_a_plain_pdf_is_accepted():
    assert check_upload(SimpleUploadedFile("plain.pdf", pdf_bytes()), kinds=[PDF], max_bytes=10**6).kind is PDF


def test_an_office_file_that_inflates_hugely_or_holds_too_many_parts_is_refused():
    bomb = docx_bytes(inflated=200 * 1024 * 1024)  # ~200 KB that unpack to 200 MB
    assert len(bomb) < 300 * 1024
    for content in (bomb, docx_bytes(members=uploads.ARCHIVE_MAX_MEMBERS + 1)):
        with pytest.raises(ValidationError) as refused:
            check_upload(SimpleUploadedFile("brief.docx", content), kinds=[uploads.DOCX], max_bytes=10**7)
        assert refused.value.code == "archive_bomb"
    ordinary = check_upload(SimpleUploadedFile("brief.docx", docx_bytes()), kinds=[uploads.DOCX], max_bytes=10**7)
    assert ordinary.kind is uploads.DOCX


def test_bidirectional_controls_are_taken_out_of_the_name_people_see():
    checked = check_upload(SimpleUploadedFile("invoice\u202efdp.exe.png", png_bytes()), kinds=[PNG], max_bytes=10**6)
    assert checked.name == "invoicefdp.exe.png"
    assert uploads.display_file_name("a\u2066b\u2069c\u200fd") == "abcd"


def test_a_file_just_over_the_limit_says_by_how_much():
    limit = 10 * 1024 * 1024
    upload = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (limit + 1 - len(png_bytes())))
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, kinds=[PNG], max_bytes=limit)
    assert refused.value.params["size"] == "10,485,761 B" and refused.value.params["limit"] == "10,485,760 B"
