from django.urls import path

from . import views

urlpatterns = [
    path("company/", views.company_profile, name="company"),
    path("company/contacts/new/", views.company_contact_new, name="company_contact_new"),
    path("company/contacts/<int:contact_id>/", views.company_contact_edit, name="company_contact_edit"),
]
