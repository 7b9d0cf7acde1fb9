from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from partner_area.platform.mail.services import email_queue


def send_portal_email(*, to, template: str, context: dict) -> None:
    """Queue templates/emails/<template>_subject.txt + <template>.txt, rendered now in the recipient's language;
    a worker sends it once the transaction commits (partner_area/mail: SMTP being down never fails a request)."""
    language = getattr(to, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "recipient": to, "site_url": settings.WAGTAILADMIN_BASE_URL, "language": language}
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    email_queue(to=to.email, subject=subject, body=body)
