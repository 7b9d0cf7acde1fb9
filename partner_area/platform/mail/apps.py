from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "partner_area.platform.mail"
    label = "mail"
    verbose_name = _("Outgoing e-mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partner_area.platform import metrics

        from .models import EmailStatus, OutgoingEmail

        # The mail server is a peer like the ERP: queued e-mails are its outbox (no "waiting" state of its own).
        metrics.outbox_source(
            metrics.OutboxSource(
                peer="mail",
                model=OutgoingEmail,
                pending=EmailStatus.QUEUED,
                failed=EmailStatus.FAILED,
                waiting_field=None,
            )
        )
