from django.urls import path

from . import views

# Included by partner_area/urls.py under /<lang>/partner/; names live in the "partner" namespace.
urlpatterns = [
    path("materials/", views.materials, name="materials"),
    path("materials/<int:material_id>/download/", views.material_download, name="material_download"),
    path("materials/<int:material_id>/thumbnail/", views.material_thumbnail, name="material_thumbnail"),
]
