"""`manage.py erp_check`: compare the portal with the ERP (integrations/erp/check.py) and report what differs."""

from django.core.management.base import BaseCommand, CommandError

from integrations.erp.check import erp_check
from partner_area.platform.ports.erp import ErpError, erp_is_configured


class Command(BaseCommand):
    help = (
        "Compare every linked company, contact person and invoice with the ERP, and look for registration numbers "
        "held twice. Reports differences and changes nothing. Exit code 1 when something differs that no queued "
        "delivery or later ERP change explains (with --strict: anything at all)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--strict", action="store_true", help="Count in-flight differences as failures too.")

    def handle(self, *args, strict: bool = False, **options):
        if not erp_is_configured():
            raise CommandError("No ERP is configured (ERP_BACKEND).")
        try:
            differences = erp_check()
        except ErpError as error:
            raise CommandError(f"The ERP could not be read: {error}") from error
        for difference in differences:
            self.stdout.write(str(difference))
        settled = [difference for difference in differences if not difference.in_flight]
        self.stdout.write(
            f"{len(differences)} differences ({len(differences) - len(settled)} in flight)."
            if differences
            else "No differences: the portal and the ERP agree."
        )
        if settled or (strict and differences):
            raise SystemExit(1)
