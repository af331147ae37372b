"""`manage.py seed_audit_demo`: the audit's part of the demo, run by `seed_demo` (which, lower
in the layers, names it rather than importing it)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.demo import seed_audit


class Command(BaseCommand):
    help = (
        "Give the demo's seeded history its authors and write a fortnight of readings of "
        "confidential performance data, for the audit pages. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError(
                "seed_audit_demo is part of the demo and does not run in production."
            )
        with transaction.atomic():
            seeded = seed_audit()
        for row in seeded:
            self.stdout.write(
                f"{row.lea} audit: {row.attributed} history records given their author, "
                f"{row.readings} readings of performance data logged."
            )
