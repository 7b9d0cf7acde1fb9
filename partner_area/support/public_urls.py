from django.urls import path

from . import public_views

# Included by portal/urls.py under the language prefix: /en/contact/, /lv/contact/.
urlpatterns = [
    path("", public_views.contact, name="contact"),
    path("sent/", public_views.contact_sent, name="contact_sent"),
]
