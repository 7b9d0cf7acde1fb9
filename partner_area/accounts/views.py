from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partner_area.companies.access import membership_for
from partner_area.platform.ratelimits import limit_posts

from .api_tokens import api_token_get, api_token_list, api_token_revoke
from .forms import EmailAuthenticationForm, ProfileForm, QueuedPasswordResetForm


@method_decorator(limit_posts("RATELIMIT_LOGIN", "ip", "post:username"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.request.user.is_staff and membership_for(self.request) is None:
            return "/admin/"
        return str(reverse_lazy("partner:home"))


class LogoutView(auth_views.LogoutView):
    pass


@method_decorator(limit_posts("RATELIMIT_FORMS", "ip", "post:email"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = QueuedPasswordResetForm
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("partner:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("partner:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The lockout page sends people here; the new password must then work at once, not in an hour.
        login_lockout_end(email=form.user.email)
        return response


def login_lockout_end(*, email: str) -> None:
    """Forget the failed logins for this address (however it was typed), ending a django-axes lockout."""
    typed_as = AccessAttempt.objects.filter(username__iexact=email).values_list("username", flat=True)
    for username in {email, *typed_as}:
        axes_reset(username=username)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("partner:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def account(request):
    """The person's own profile: name, phone, language, e-mail preferences; their API tokens."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("partner:account")
    membership = membership_for(request)
    context = {
        "form": form,
        "membership": membership,
        "api_tokens": list(api_token_list(user=request.user)),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def api_token_revoke_view(request, token_id: int):
    """Revoke one of the person's own API tokens (another person's token answers 404)."""
    token = api_token_get(user=request.user, token_id=token_id)
    membership = membership_for(request)
    api_token_revoke(token=token, company=membership.company if membership else None, request=request)
    messages.success(request, _("The API token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(f"{reverse('partner:account')}#api-tokens")
