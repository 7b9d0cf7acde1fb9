from django.core.management.base import BaseCommand

from partner_area.performance.rollups import rollup_rebuild
from partner_area.performance.tree import partner_tree_rebuild


class Command(BaseCommand):
    help = "Rebuild the partner tree's closure table and every monthly roll-up from stored turnover (a repair)."

    def handle(self, *args, **options):
        paths = partner_tree_rebuild()
        rollup_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Partner tree ({paths} paths) and roll-ups rebuilt."))
