from django.contrib.auth import views as auth_views

LoginView = LogoutView = PasswordResetView = PasswordResetDoneView = auth_views.LoginView
PasswordResetConfirmView = PasswordResetCompleteView = PasswordChangeView = PasswordChangeDoneView = (
    auth_views.LoginView
)
