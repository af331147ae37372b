"""`manage.py seed_privacy_demo`: the data protection part of the demo, run by `seed_demo` (which,
lower in the layers, names it rather than importing it)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from privacy.demo import seed_privacy


class Command(BaseCommand):
    help = (
        "A former member of each demo school's team, an old withdrawn PSCL application, and one "
        "run of the retention rules as of the demo's today. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError(
                "seed_privacy_demo is part of the demo and does not run in production."
            )
        with transaction.atomic():
            seeded = seed_privacy()
        for row in seeded:
            self.stdout.write(
                f"{row.lea} data protection: {row.former_member or 'no one'} has left the demo "
                "school's team (a former member)."
            )
        if seeded and seeded[0].counts:
            changed = ", ".join(f"{kind.lower()} {n}" for kind, n in seeded[0].counts.items() if n)
            self.stdout.write(
                f"Retention rules applied as of the demo's today: {changed or 'nothing'}."
            )
