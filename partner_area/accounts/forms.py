from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from partner_area.companies.models import CompanyStatus, Membership
from partner_area.platform.mail.services import email_queue

from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with e-mail and password; people of blocked companies and deactivated members are turned
    away with a clear message (after the password check, so nothing leaks to a guesser)."""

    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or password is not right. Both are case-sensitive except the e-mail."),
        "blocked": _("Your company's access to the partner portal is blocked. Contact partners@brello.example."),
        "deactivated": _("Your access to this company's portal account has ended. Ask your administrator."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # unscoped: at login no company is known yet; this reads the person's own membership, by user
        membership = Membership.unscoped.select_related("company").filter(user=user).first()
        if membership and membership.company.status == CompanyStatus.BLOCKED:
            raise forms.ValidationError(self.error_messages["blocked"], code="blocked")
        if membership and not membership.is_active:
            raise forms.ValidationError(self.error_messages["deactivated"], code="deactivated")


class ProfileForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "preferred_language", "announcement_emails"]
        labels = {"announcement_emails": _("Send me announcements by e-mail")}


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the link queued for a worker (partner_area/mail) instead of sent in the request."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        email_queue(to=to_email, subject=subject, body=loader.render_to_string(email_template_name, context))
