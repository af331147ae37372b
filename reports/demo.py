"""Demo data for reports, loaded by `manage.py seed_demo` after the money (`funding.demo`).

For each demo LEA:
- the evaluation thresholds of both programme years, at their defaults;
- the demo link adviser reads a weekly digest; everyone else is emailed at once;
- issued reports, asked for by the strategy manager and produced as any report is (Celery, or
  in-process without REDIS_URL): last year's summer governor progress report and this year's
  autumn one for the demo school, last year's LEA evaluation report, this year's PSCL caseload
  report and funding statement.

Each run has a fixed idempotency key, so seeding again finds the same runs and makes no new
version. The runs are produced when the seed's transaction commits, as of the application's date
(`make run` sets it to the demo's, `PLP_TODAY`).
"""

from dataclasses import dataclass, field

from accounts.demo import EMAIL_LOCAL_PARTS
from accounts.models import Role, User
from consultants.models import Term
from leadership.demo import SeededProgramme
from leadership.models import Participation, ParticipationStatus, ProgrammeYear

from .models import (
    EvaluationThresholds,
    NotificationFrequency,
    NotificationPreference,
    ReportKind,
    ReportRun,
)
from .services.runs import run_request


@dataclass
class SeededReports:
    lea: object
    runs: list[ReportRun] = field(default_factory=list)


def seed_reports(*, programmes: list[SeededProgramme]) -> list[SeededReports]:
    """Create (or find) each demo LEA's thresholds, preferences and issued reports. The runs are
    sent to Celery when the seed's transaction commits."""
    return [_seed_lea(programme) for programme in programmes]


def _user(programme: SeededProgramme, role: Role) -> User:
    domain = f"{programme.lea.name.lower()}.example.org"
    return User.objects.get(email=f"{EMAIL_LOCAL_PARTS[role]}@{domain}")


def _school_of(year: ProgrammeYear, prefer, statuses) -> object:
    """`prefer` if it took part in `year` with one of `statuses`, else the first school (by
    URN) that did."""
    participations = Participation.objects.filter(
        programme_year=year, status__in=statuses
    ).select_related("school")
    chosen = (
        participations.filter(school=prefer).first()
        or participations.order_by("school__urn").first()
    )
    return chosen.school if chosen else None


def _seed_lea(programme: SeededProgramme) -> SeededReports:
    seeded = SeededReports(lea=programme.lea)
    previous, current = programme.previous_year, programme.current_year
    for year in (previous, current):
        EvaluationThresholds.objects.get_or_create(programme_year=year)
    adviser = _user(programme, Role.LINK_ADVISER)
    preference, _ = NotificationPreference.objects.get_or_create(
        user=adviser, defaults={"frequency": NotificationFrequency.WEEKLY}
    )
    if preference.frequency != NotificationFrequency.WEEKLY:
        preference.frequency = NotificationFrequency.WEEKLY
        preference.save(update_fields=["frequency", "updated_at"])

    manager = _user(programme, Role.MANAGER)
    demo_school = _user(programme, Role.GOVERNOR).school
    code = programme.lea.code
    wanted = []
    last_summer = _school_of(previous, demo_school, [ParticipationStatus.COMPLETED])
    if last_summer:
        wanted.append(
            {
                "kind": ReportKind.GOVERNOR,
                "programme_year": previous,
                "term": Term.SUMMER,
                "school": last_summer,
            }
        )
    this_autumn = _school_of(current, demo_school, [ParticipationStatus.ACTIVE])
    if this_autumn:
        wanted.append(
            {
                "kind": ReportKind.GOVERNOR,
                "programme_year": current,
                "term": Term.AUTUMN,
                "school": this_autumn,
            }
        )
    wanted += [
        {"kind": ReportKind.LEA_EVALUATION, "programme_year": previous},
        {"kind": ReportKind.PSCL_CASELOAD, "programme_year": current},
        {"kind": ReportKind.FUNDING_STATEMENT, "programme_year": current},
    ]
    for scope in wanted:
        school = scope.get("school")
        key = "demo:{code}:{kind}:{year}:{term}:{urn}".format(
            code=code,
            kind=scope["kind"],
            year=scope["programme_year"].name,
            term=scope.get("term", ""),
            urn=school.urn if school else "",
        )
        seeded.runs.append(run_request(by=manager, idempotency_key=key, **scope))
    return seeded
