from django.urls import path

from . import views

# Included by partner_area/urls.py under /<lang>/partner/; names live in the "partner" namespace.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_csv, name="dashboard_csv"),
]
