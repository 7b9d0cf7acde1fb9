from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_portal_email(*, to, template: str, context: dict) -> None:
    """Send templates/emails/<template>_subject.txt + <template>.txt in the recipient's language."""
    language = getattr(to, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "recipient": to, "site_url": settings.WAGTAILADMIN_BASE_URL, "language": language}
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to.email])
