"""What the mail server has received: e-mails are queued in the request's transaction and sent by a worker once
it commits (partner_area/mail). Tests run inside a transaction that never commits, so the worker's sweep is run
here, as beat would run it, before the mailbox is read."""

from django.core import mail

from partner_area.platform.mail.services import emails_send_due


def sent_mail() -> list:
    emails_send_due()
    return mail.outbox
