"""The editors' screens in the Wagtail admin render: announcements (with workflow and scheduling), materials,
products, the download log, the partner home settings and the material collection permissions."""

import pytest
from django.contrib.auth.models import Group

from partner_area.announcements.editors import announcement_editor_setup
from partner_area.materials.editors import editor_setup
from partner_area.materials.models import PartnerHomeSettings
from tests.announcements.helpers import make_announcement
from tests.factories import StaffFactory

from .helpers import make_material

pytestmark = pytest.mark.django_db


def test_editor_screens_render(client):
    home_settings = PartnerHomeSettings.load()
    announcement = make_announcement(title="Spring news")
    material = make_material(title="Spring brochure")
    client.force_login(StaffFactory())
    pages = {
        "/admin/snippets/announcements/announcement/": "Spring news",
        f"/admin/snippets/announcements/announcement/edit/{announcement.pk}/": "Schedule",
        "/admin/snippets/announcements/announcement/add/": "Audience",
        f"/admin/snippets/materials/material/edit/{material.pk}/": "Who may download it",
        "/admin/snippets/materials/product/": "Products",
        "/admin/snippets/materials/materialcategory/": "Material categories",
        "/admin/snippets/materials/featuredvideo/": "Featured videos",
        "/admin/partner-content/downloads/": "Download log",
        f"/admin/settings/materials/partnerhomesettings/{home_settings.pk}/": "Featured video",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_editors_get_material_permissions_per_collection(client):
    editor_setup()
    client.force_login(StaffFactory())
    editors = Group.objects.get(name="Editors")
    html = client.get(f"/admin/groups/edit/{editors.pk}/").content.decode()
    assert "Material permissions" in html


def test_an_editor_in_the_editors_group_can_upload_and_write_but_not_publish(client):
    editor_setup()
    announcement_editor_setup()
    editor = StaffFactory(is_superuser=False)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/snippets/materials/material/add/").status_code == 200
    assert client.get("/admin/snippets/announcements/announcement/add/").status_code == 200
    announcement = make_announcement(publish=False)
    assert client.get(f"/admin/partner-content/announcements/{announcement.pk}/email/").status_code in (302, 403)
