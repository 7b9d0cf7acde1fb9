"""`manage.py erp_pull`: pull the ERP's changes now, as beat does every ERP_PULL_INTERVAL_SECONDS."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from integrations.erp.models import RejectedRecord
from integrations.erp.pull import PULL_ORDER, applications_check, pull_entities
from partner_area.platform.ports.erp import ErpError, erp_is_configured


class Command(BaseCommand):
    help = (
        "Pull every entity's changes from the ERP now (companies, contacts, invoices, clients, turnover, in that "
        "order, after asking the ERP about applications it could not be asked about at registration), or only the "
        "entities given with --entity. Prints what was applied per entity. Exits 1 when no ERP is configured or it "
        "cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--entity",
            action="append",
            choices=[str(entity) for entity in PULL_ORDER],
            help="Pull only this entity (repeat for several; they run in the pull order).",
        )
        parser.add_argument(
            "--if-configured",
            action="store_true",
            help="Without an ERP configured, say so and exit 0 instead of failing (for start-up scripts).",
        )

    def handle(self, *args, entity=None, if_configured: bool = False, **options):
        if not erp_is_configured():
            if if_configured:
                self.stdout.write("No ERP is configured (ERP_BACKEND): nothing to pull.")
                return
            raise CommandError("No ERP is configured (ERP_BACKEND): nothing to pull from.")
        entities = [name for name in PULL_ORDER if not entity or name in entity]
        started = timezone.now()
        current = "applications"
        try:
            if not entity:
                answered = applications_check()
                if answered:
                    self.stdout.write(f"applications: {answered} asked about again")
            current = entities[0]
            for done, (current, applied) in enumerate(pull_entities(entities), start=1):
                rejected = RejectedRecord.objects.filter(entity=current, created_at__gte=started).count()
                note = f", {rejected} rejected (see the ERP sync page)" if rejected else ""
                self.stdout.write(f"{current}: {applied} applied{note}")
                current = entities[done] if done < len(entities) else current
        except ErpError as error:
            raise CommandError(f"The ERP could not be read while pulling {current}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Pulled {', '.join(entities)}."))
