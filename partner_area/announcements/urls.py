from django.urls import path

from . import views

# Included by partner_area/urls.py under /<lang>/partner/; names live in the "partner" namespace.
urlpatterns = [
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/read/", views.announcements_read, name="announcements_read"),
    path("announcements/<int:announcement_id>/", views.announcement, name="announcement"),
    path("announcements/unsubscribe/<str:token>/", views.announcement_unsubscribe, name="announcement_unsubscribe"),
]
