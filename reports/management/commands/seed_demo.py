"""`manage.py seed_demo`: load the demo LEAs, schools, log-ins, programme years, consultant
leaders and the money (rates, grants, budgets, payments and expenditure returns), for a trial or
a demonstration.

A thin orchestrator: each app's `demo` module seeds its own data, in the order the apps depend
on one another, and this command passes along what the next one needs.
"""

import random
from functools import partial

import factory.random
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import EMAIL_LOCAL_PARTS, DemoLogin, seed_api_token, seed_users
from accounts.models import Role, User
from accounts.twofactor.demo import seed_two_factor
from consultants.demo import seed_consultants
from funding.demo import seed_funding
from funding.grants import gbp
from leadership.demo import DEMO_TODAY, seed_leadership
from leadership.models import ParticipationStatus
from reports.demo import seed_reports
from reports.models import ReportRun
from schools.demo import seed_schools
from schools.tasks import refresh_school_figures

#: One seed for factory-boy's generator and the demo modules' own, so every run draws the same.
DEMO_SEED = 2004


class Command(BaseCommand):
    help = (
        "Create or update the demo data: two LEAs of forty schools each, one log-in per role per "
        "LEA, each LEA's programme last year and this, its consultant leaders with their "
        "matches and visit logs, its money: rates, grants, budgets, payments and "
        "expenditure returns, and its issued reports. Running it again changes nothing. "
        "Refuses to run in production."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it does not run in "
                "production (DJANGO_ENV=production)."
            )
        factory.random.reseed_random(DEMO_SEED)
        rng = random.Random(DEMO_SEED)
        with transaction.atomic():
            seeded_leas = seed_schools(rng=rng)
            logins = seed_users(places=[(seeded.lea, seeded.demo_school) for seeded in seeded_leas])
            programmes = seed_leadership(seeded_leas=seeded_leas, rng=rng)
            consultants = seed_consultants(seeded_leas=seeded_leas, programmes=programmes, rng=rng)
            # The log-ins, and the demo LEAs' other PSCLs and link advisers.
            two_factor = seed_two_factor(
                emails=[login.email for login in logins]
                + list(
                    User.objects.filter(
                        local_authority__in=[seeded.lea for seeded in seeded_leas]
                    ).values_list("email", flat=True)
                )
            )
            funding = seed_funding(seeded_leas=seeded_leas, programmes=programmes)
            reports = seed_reports(programmes=programmes)
            api_email = f"{EMAIL_LOCAL_PARTS[Role.MANAGER]}@northmoor.example.org"
            api_token = seed_api_token(api_email)
            # The audit app is above this one: its part of the demo is named, not imported.
            call_command("seed_audit_demo", stdout=self.stdout)
            # Likewise data protection: a former team member, an old withdrawn application.
            call_command("seed_privacy_demo", stdout=self.stdout)
            schools = [school for seeded in seeded_leas for school in seeded.schools]
            # The figures are derived from what was just written, so refresh once it is committed.
            for school in schools:
                transaction.on_commit(partial(refresh_school_figures.delay, school_id=school.pk))

        for seeded in seeded_leas:
            self.stdout.write(f"{seeded.lea}: {len(seeded.schools)} schools.")
        for programme in programmes:
            statuses = ", ".join(
                f"{programme.current_statuses[status]} {status.label.lower()}"
                for status in ParticipationStatus
                if programme.current_statuses[status]
            )
            self.stdout.write(
                f"{programme.lea} {programme.current_year.name}: {statuses}; "
                f"{programme.previous_year.name} completed."
            )
        for seeded in consultants:
            demo_schools = ", ".join(school.name for school in seeded.demo_pscl_schools)
            self.stdout.write(
                f"{seeded.lea} consultant leaders: {seeded.pscls} PSCLs, "
                f"{seeded.link_advisers} link advisers, {seeded.current_allocations} schools "
                f"matched this year, {seeded.submitted_visits} visits logged and "
                f"{seeded.planned_visits} planned; the demo PSCL supports {demo_schools}."
            )
        for seeded in funding:
            payments = ", ".join(
                f"{count} {label}" for label, count in seeded.payments.items() if count
            )
            returns = "; ".join(
                f"{year}: "
                + ", ".join(f"{count} {label}" for label, count in counts.items() if count)
                for year, counts in seeded.returns.items()
            )
            self.stdout.write(
                f"{seeded.lea} funding {seeded.year_name}: {seeded.grants} grants committing "
                f"{gbp(seeded.committed)} against a budget of {gbp(seeded.budget)} "
                f"({seeded.overrides} override); payments {payments}; "
                f"expenditure returns {returns}."
            )
        for seeded in reports:
            done = sum(
                run.is_done for run in ReportRun.objects.filter(pk__in=[r.pk for r in seeded.runs])
            )
            kinds = ", ".join(run.get_kind_display().lower() for run in seeded.runs)
            self.stdout.write(f"{seeded.lea} reports: {kinds} ({done} of {len(seeded.runs)} done).")
        self.stdout.write(f"The demo's programme data stands as on {DEMO_TODAY:%d %B %Y}.")
        in_process = refresh_school_figures.app.conf.task_always_eager
        self.stdout.write(
            f"Refresh of the derived figures of {len(schools)} schools sent to Celery "
            f"({'run in-process' if in_process else 'queued for a worker'})."
        )
        self.stdout.write(
            f"REST API: /api/docs/; {api_email}'s token is {api_token} "
            f"(curl -H 'Authorization: Token {api_token}' {settings.SITE_URL}/api/schools/)."
        )
        self.stdout.write(
            "Imports: sign in as the admin, Schools, Import data; sample files of each kind are in "
            "schools/tests/data/."
        )
        self.stdout.write("")
        self._write_logins(logins)
        self._write_two_factor(two_factor, [login.email for login in logins])

    def _write_two_factor(self, two_factor, logins: list[str]) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo two-factor sign-in"))
        self.stdout.write(
            "The admin, strategy managers, link advisers and PSCLs give a code after the password."
            f" Add this key to an authenticator app (an account named PLP Admin): {two_factor.key}"
        )
        self.stdout.write("Or give a recovery code (each works once; seed_demo restores it):")
        for email in logins:
            if email in two_factor.recovery_codes:
                self.stdout.write(f"  {email}  {'  '.join(two_factor.recovery_codes[email])}")
        self.stdout.write("Headteachers and governors may set it up from Your account (optional).")

    def _write_logins(self, logins: list[DemoLogin]) -> None:
        header = ("Email", "Role", "LEA or school", "Password")
        rows = [header] + [(x.email, x.role, x.place, x.password) for x in logins]
        widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
        self.stdout.write(self.style.MIGRATE_HEADING("Demo log-ins"))
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
