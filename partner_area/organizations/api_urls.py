from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("auth/token", api.TokenView.as_view(), name="token"),
    path("me", api.MeView.as_view(), name="me"),
    path("company", api.CompanyView.as_view(), name="company"),
]
