from django.urls import path

from . import views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/check-your-inbox/", views.register_done, name="register_done"),
    path("terms/", views.partner_terms, name="terms"),
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm_email"),
    path("confirm-email-again/", views.resend_confirmation, name="resend_confirmation"),
    path("status/", views.status, name="status"),
]
