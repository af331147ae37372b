"""`manage.py apply_retention [--dry-run]`: apply the data retention rules now and print what was
(or, with --dry-run, would be) anonymised or deleted, per kind of record."""

from django.core.management.base import BaseCommand

from privacy.models import RetentionKind
from privacy.services.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise or delete the personal records whose retention period has passed (the rules "
        "are in the Django admin, Data protection). --dry-run counts and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = apply_retention(dry_run=dry_run)
        verb = "would be anonymised or deleted" if dry_run else "anonymised or deleted"
        for kind, count in counts.items():
            self.stdout.write(f"{RetentionKind(kind).label}: {count} {verb}")
        self.stdout.write(f"Total: {sum(counts.values())}")
