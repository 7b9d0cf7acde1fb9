"""The materials library: grouping, search and filters, the "new" badge, downloads through the authorising
view with a log, 404 outside the audience, upload validation and thumbnails, and the editor's upload."""

import io
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partner_area.companies.models import Role
from partner_area.materials.models import Material, MaterialDownload, MaterialsVisit
from partner_area.materials.selectors import materials_for, materials_grouped
from partner_area.materials.validators import safe_file_name, validate_material_file
from partner_area.platform import uploads
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

from .helpers import make_category, make_material, make_product, pdf_bytes, pdf_upload, png_bytes

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_materials_are_grouped_by_product_then_category(member):
    crm, hr = make_product(name="CRM", sort_order=1), make_product(name="HR", sort_order=2)
    brochures, prices = make_category(name="Brochures", sort_order=1), make_category(name="Price lists", sort_order=2)
    make_material(title="CRM price list", category=prices, products=[crm])
    make_material(title="CRM brochure", category=brochures, products=[crm])
    make_material(title="Suite brochure", category=brochures, products=[crm, hr])
    make_material(title="Company logo", category=brochures)

    def outline(groups):
        return [
            (
                group.product.name if group.product else ("several" if group.several else None),
                [(c.category.name, [m.title for m in c.materials]) for c in group.categories],
            )
            for group in groups
        ]

    # A material about several products shows once, in its own group, not once per product.
    assert outline(materials_grouped(materials_for(membership=member))) == [
        ("CRM", [("Brochures", ["CRM brochure"]), ("Price lists", ["CRM price list"])]),
        ("several", [("Brochures", ["Suite brochure"])]),
        (None, [("Brochures", ["Company logo"])]),
    ]
    # Narrowed to one product, it is one of that product's materials.
    assert outline(materials_grouped(materials_for(membership=member), only_product=hr.slug)) == [
        ("HR", [("Brochures", ["Suite brochure"])]),
        (None, [("Brochures", ["Company logo"])]),
    ]


def test_search_and_filters_narrow_the_page(client, member):
    crm, hr = make_product(name="CRM"), make_product(name="HR")
    training = make_category(name="Training")
    make_material(title="CRM onboarding course", category=training, products=[crm], language="lv")
    make_material(title="HR handbook", description="Payroll basics", products=[hr], language="en")
    client.force_login(member.user)

    def titles(**params):
        html = client.get("/en/partner/materials/", params).content.decode()
        return [t for t in ("CRM onboarding course", "HR handbook") if t in html]

    assert titles() == ["CRM onboarding course", "HR handbook"]
    assert titles(product=crm.slug) == ["CRM onboarding course"]
    assert titles(category=training.slug) == ["CRM onboarding course"]
    assert titles(language="en") == ["HR handbook"]
    assert titles(q="payroll") == ["HR handbook"]
    assert titles(q="nothing-like-this") == []
    partial = client.get("/en/partner/materials/", {"product": hr.slug}, headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="material-results"')


def test_new_badge_marks_what_came_since_the_last_visit(client, member):
    seen = make_material(title="Seen before")
    MaterialsVisit.unscoped.create(user=member.user, last_visit_at=timezone.now() - timedelta(days=2))
    Material.objects.filter(pk=seen.pk).update(created_at=timezone.now() - timedelta(days=3))
    make_material(title="Fresh")
    client.force_login(member.user)
    html = client.get("/en/partner/materials/").content.decode()
    assert html.count(">New</span>") == 1
    fresh_card = html[html.index("Fresh") - 300 : html.index("Fresh") + 200]
    assert "New" in fresh_card
    # A reload within the same visit keeps the badge; the home's count follows the last opening.
    assert client.get("/en/partner/materials/").content.decode().count(">New</span>") == 1


def test_download_streams_the_file_and_is_logged(client, member):
    material = make_material(title="Price list", upload=pdf_upload("Cenu lapa 2026 (final).pdf", text="prices"))
    client.force_login(member.user)
    response = client.get(f"/en/partner/materials/{material.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cenu-lapa-2026-final.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = MaterialDownload.unscoped.get()
    assert (entry.material, entry.user, entry.company, entry.role) == (material, member.user, member.company, "user")


def test_editors_see_download_counts(client, member):
    material = make_material(title="Counted brochure")
    client.force_login(member.user)
    for _ in range(2):
        client.get(f"/en/partner/materials/{material.pk}/download/")
    client.force_login(StaffFactory())
    listing = client.get("/admin/snippets/materials/material/").content.decode()
    assert "Counted brochure" in listing
    assert Material.objects.filter(pk=material.pk).first().downloads.count() == 2
    log = client.get("/admin/partner-content/downloads/").content.decode()
    assert member.user.email in log


def test_another_companys_restricted_file_answers_404(client, member):
    theirs = make_material(audience_all=False, audience_companies=[CompanyFactory()], upload=pdf_upload("theirs.pdf"))
    admins_only = make_material(admins_only=True)
    client.force_login(member.user)
    for material in (theirs, admins_only):
        assert client.get(f"/en/partner/materials/{material.pk}/download/").status_code == 404
        assert client.get(f"/en/partner/materials/{material.pk}/thumbnail/").status_code == 404
    assert "theirs" not in client.get("/en/partner/materials/").content.decode()
    assert MaterialDownload.unscoped.count() == 0


def test_without_the_materials_grant_the_library_is_403(client):
    material = make_material()
    no_grant = MembershipFactory(role=Role.USER, sections=["dashboard"])
    client.force_login(no_grant.user)
    assert client.get("/en/partner/materials/").status_code == 403
    assert client.get(f"/en/partner/materials/{material.pk}/download/").status_code == 403


def test_images_and_pdfs_get_thumbnails_other_files_an_icon(client, member):
    image = make_material(upload=SimpleUploadedFile("logo.png", png_bytes()))
    pdf = make_material(upload=pdf_upload("sheet.pdf"))
    document = make_material(upload=SimpleUploadedFile("terms.docx", docx_bytes()))
    assert image.thumbnail and pdf.thumbnail and not document.thumbnail
    assert (image.file_kind, pdf.file_kind, document.file_kind) == ("image", "pdf", "document")
    client.force_login(member.user)
    preview = client.get(f"/en/partner/materials/{image.pk}/thumbnail/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/webp"
    html = client.get("/en/partner/materials/").content.decode()
    assert "file-icon--document" in html


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("brochure.pdf", b"MZ\x90\x00 this is a windows program", "content_mismatch"),
        ("photo.png", pdf_bytes(), "content_mismatch"),
        ("tool.exe", b"MZ\x90\x00", "extension_not_allowed"),
        ("notes", b"%PDF-1.4", "extension_not_allowed"),
        ("empty.pdf", b"", "empty_file"),
    ],
)
def test_uploads_are_checked_by_content_not_just_extension(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_material_file(SimpleUploadedFile(name, content))
    assert error.value.code == code


def test_uploads_over_the_size_limit_are_refused(settings):
    settings.MATERIALS_MAX_UPLOAD_SIZE = 1000
    with pytest.raises(ValidationError) as error:
        validate_material_file(SimpleUploadedFile("big.pdf", pdf_bytes() + b"\0" * 1000))
    assert error.value.code == "file_too_large"


def test_good_uploads_pass_and_names_are_sanitised():
    assert validate_material_file(SimpleUploadedFile("a.docx", docx_bytes())).key == "document"
    assert validate_material_file(SimpleUploadedFile("a.PNG", png_bytes())).key == "image"
    assert safe_file_name("../../etc/Šķūnis brošūra <2026>.PDF", extension="pdf") == "skunis-brosura-2026.pdf"
    assert safe_file_name("C:\\Users\\x\\....pdf", extension="pdf") == "file.pdf"


def test_an_editor_uploads_a_material_in_the_wagtail_admin(client):
    category, product = make_category(name="Brochures"), make_product(name="CRM")
    client.force_login(StaffFactory())
    data = {
        "title": "CRM brochure 2026",
        "description": "Two pages",
        "file": SimpleUploadedFile("CRM brochure.pdf", pdf_bytes()),
        "products": [product.pk],
        "category": category.pk,
        "language": "en",
        "version": "1.0",
        "version_date": "2026-01-15",
        "collection": Material._meta.get_field("collection").get_default(),
        "audience_all": "on",
    }
    response = client.post("/admin/snippets/materials/material/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    material = Material.objects.get(title="CRM brochure 2026")
    assert material.file_name == "crm-brochure.pdf" and material.file_kind == "pdf" and material.thumbnail
    assert list(material.products.all()) == [product]

    data.update(title="Fake", file=SimpleUploadedFile("fake.pdf", b"not a pdf at all"))
    refused = client.post("/admin/snippets/materials/material/add/", data)
    assert refused.status_code == 200
    assert "does not match" in refused.content.decode()
    assert not Material.objects.filter(title="Fake").exists()


def test_an_uploaded_material_is_sniffed_once_though_the_form_and_the_service_both_check_it(client):
    category = make_category()
    client.force_login(StaffFactory())
    data = {
        "title": "Price list",
        "file": SimpleUploadedFile("prices.pdf", pdf_bytes()),
        "category": category.pk,
        "language": "en",
        "version_date": "2026-01-15",
        "collection": Material._meta.get_field("collection").get_default(),
        "audience_all": "on",
    }
    with mock.patch.object(uploads, "sniff", wraps=uploads.sniff) as sniff:
        response = client.post("/admin/snippets/materials/material/add/", data)
    assert response.status_code == 302 and sniff.call_count == 1
    assert Material.objects.get(title="Price list").file_kind == "pdf"


def test_an_empty_audience_is_refused_in_the_admin(client):
    category = make_category()
    client.force_login(StaffFactory())
    data = {
        "title": "For nobody",
        "file": SimpleUploadedFile("x.pdf", pdf_bytes()),
        "category": category.pk,
        "language": "en",
        "version_date": "2026-01-15",
        "collection": Material._meta.get_field("collection").get_default(),
    }
    response = client.post("/admin/snippets/materials/material/add/", data)
    assert response.status_code == 200
    assert "at least one tier" in response.content.decode()
