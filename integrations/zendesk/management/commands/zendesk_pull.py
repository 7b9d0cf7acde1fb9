"""`manage.py zendesk_pull`: read Zendesk's incremental ticket export now, as beat does every
ZENDESK_PULL_INTERVAL_SECONDS (integrations/zendesk/pull.py)."""

from django.core.management.base import BaseCommand, CommandError

from integrations.zendesk.client import ZendeskError, ZendeskRateLimited, zendesk_is_configured
from integrations.zendesk.pull import zendesk_pull


class Command(BaseCommand):
    help = (
        "Read Zendesk's incremental ticket export from the saved cursor now and apply the portal's tickets "
        "(status and public comments). Prints how many were applied. Exits 1 when Zendesk is not configured or "
        "cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-pages", type=int, default=20, help="Read at most this many export pages (default 20)."
        )
        parser.add_argument(
            "--if-configured",
            action="store_true",
            help="Without Zendesk configured, say so and exit 0 instead of failing (for start-up scripts).",
        )

    def handle(self, *args, max_pages: int = 20, if_configured: bool = False, **options):
        if not zendesk_is_configured():
            message = "Zendesk is not configured (ZENDESK_SUBDOMAIN, ZENDESK_EMAIL, ZENDESK_API_TOKEN)"
            if if_configured:
                self.stdout.write(f"{message}: nothing to pull.")
                return
            raise CommandError(f"{message}: nothing to pull from.")
        try:
            applied = zendesk_pull(max_pages=max(1, max_pages))
        except ZendeskRateLimited as error:
            raise CommandError(
                f"Zendesk asked to wait {error.retry_after} s (rate limited): try again then."
            ) from error
        except ZendeskError as error:
            raise CommandError(f"Zendesk could not be read: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"tickets: {applied} applied"))
