from django.urls import path

from . import views

# Included by partner_area/companies/urls.py under support/; names live in the "partner" namespace.
urlpatterns = [
    path("", views.support_list, name="support"),
    path("new/", views.support_new, name="support_new"),
    path("quick/", views.support_quick, name="support_quick"),
    path("<int:request_id>/", views.support_detail, name="support_detail"),
    path("<int:request_id>/reply/", views.support_reply, name="support_reply"),
    path("<int:request_id>/solve/", views.support_solve, name="support_solve"),
    path("<int:request_id>/reopen/", views.support_reopen, name="support_reopen"),
    path("attachments/<int:attachment_id>/", views.support_attachment, name="support_attachment"),
]
