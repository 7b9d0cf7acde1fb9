from django.urls import path

from partner_area.organizations.views import section_page

# Included by partner_area/urls.py under /<lang>/partner/; names live in the "partner" namespace.
urlpatterns = [
    path("materials/", section_page, {"section": "materials"}, name="materials"),
]
