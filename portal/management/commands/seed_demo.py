from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms_pages.seed import public_site_seed
from partner_area.accounts.seed import DEMO_PASSWORD, staff_seed
from partner_area.announcements.seed import announcements_seed
from partner_area.billing.seed import billing_seed
from partner_area.companies.seed import partners_seed
from partner_area.materials.seed import materials_seed
from partner_area.performance.seed import performance_seed


class Command(BaseCommand):
    help = "Create the demo content and logins (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates known passwords; run it only in development (or pass --force).")
        public_site_seed()
        logins = staff_seed() + partners_seed(password=DEMO_PASSWORD)
        materials_seed()
        announcements_seed()
        performance_seed()  # clients and turnover for the demo tree, unless an ERP provides them
        billing_seed()  # invoices, likewise
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write("")
        self.stdout.write("  Public site:  http://127.0.0.1:8000/en/  (Latvian: http://127.0.0.1:8000/lv/)")
        self.stdout.write("  Admin:        http://127.0.0.1:8000/admin/")
        self.stdout.write("  Partner login: http://127.0.0.1:8000/en/partner/account/login/")
        self.stdout.write("  Demo logins (e-mail / password):")
        for role, email, password in logins:
            self.stdout.write(f"    {email:<34} {password:<18} {role}")
