"""The data protection part of the demo, run by `seed_demo` through `manage.py
seed_privacy_demo` (seed_demo is lower in the layers and names this app rather than importing it).

In each demo LEA: an English co-ordinator of the demo school's team who left in October (a
former member, archived), and a PSCL applicant who withdrew in May 2003, long enough before the
demo's today (26 November 2004) for the twelve-month rule to have removed their details; then
the retention job is run once as of that day, so that the data protection page shows its
counts. Running it again changes nothing."""

import datetime
from dataclasses import dataclass

from accounts.demo import EMAIL_LOCAL_PARTS
from accounts.models import Role, User
from consultants.models import Application, ApplicationStatus, ApplicationStep
from leadership.demo import DEMO_TODAY
from leadership.models import LeadershipTeamMember, MemberRole, Participation, ProgrammeYear

from .models import RetentionRun
from .services.retention import HANDLERS, apply_retention, rules_in_force

FORMER_MEMBER = "Helen Marsh"
LEFT_AT = datetime.datetime(2004, 10, 29, 16, 0, tzinfo=datetime.UTC)
WITHDRAWN_APPLICANT = "Derek Fenwick"
APPLIED_ON = datetime.date(2003, 4, 28)
WITHDREW_AT = datetime.datetime(2003, 5, 14, 10, 0, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class SeededPrivacy:
    lea: str
    former_member: str
    counts: dict


def _demo_people():
    """(headteacher, manager) of each demo LEA, by the demo's log-in addresses."""
    heads = User.objects.filter(
        role=Role.HEADTEACHER, email__startswith=f"{EMAIL_LOCAL_PARTS[Role.HEADTEACHER]}@"
    ).select_related("school__local_authority")
    for head in heads:
        lea = head.school.local_authority
        manager = User.objects.filter(
            email=f"{EMAIL_LOCAL_PARTS[Role.MANAGER]}@{lea.name.lower()}.example.org"
        ).first()
        yield head, manager


def _former_member(head: User, manager: User | None) -> LeadershipTeamMember | None:
    participation = Participation.objects.filter(
        school=head.school, programme_year__name="2004-05"
    ).first()
    if participation is None:
        return None
    member, _ = LeadershipTeamMember.objects.get_or_create(
        participation=participation,
        full_name=FORMER_MEMBER,
        defaults={
            "role": MemberRole.ENGLISH_COORDINATOR,
            "email": f"h.marsh@{head.school.name.lower().replace(' ', '-')}.sch.uk",
        },
    )
    member.archive(manager, at=LEFT_AT)
    return member


def _withdrawn_application(head: User) -> None:
    year = ProgrammeYear.objects.filter(
        local_authority=head.school.local_authority, name="2003-04"
    ).first()
    if (
        year is None
        or Application.objects.filter(
            programme_year=year, received_on=APPLIED_ON, status=ApplicationStatus.WITHDRAWN
        ).exists()
    ):
        return
    application = Application.objects.create(
        programme_year=year,
        full_name=WITHDRAWN_APPLICANT,
        email=f"derek.fenwick@{head.school.local_authority.name.lower()}.example.org",
        phone="01632 960123",
        years_of_headship=9,
        received_on=APPLIED_ON,
        letter_text="I have led a two-form entry primary school for nine years.",
        status=ApplicationStatus.WITHDRAWN,
    )
    ApplicationStep.objects.create(
        application=application,
        from_status=ApplicationStatus.RECEIVED,
        to_status=ApplicationStatus.WITHDRAWN,
        notes="Withdrew: appointed to a headship in another LEA.",
        changed_at=WITHDREW_AT,
    )


def seed_privacy() -> list[SeededPrivacy]:
    seeded = []
    for head, manager in _demo_people():
        member = _former_member(head, manager)
        _withdrawn_application(head)
        seeded.append(
            SeededPrivacy(
                lea=head.school.local_authority.name,
                former_member=member.full_name if member else "",
                counts={},
            )
        )
    # Run once, and again only when something is due (a database seeded afresh), so that a
    # second seed adds no run.
    due = any(HANDLERS[rule.kind](rule.cutoff(DEMO_TODAY), True) for rule in rules_in_force())
    counts = {}
    if due or not RetentionRun.objects.filter(as_of=DEMO_TODAY, is_dry_run=False).exists():
        counts = apply_retention(today=DEMO_TODAY)
    return [SeededPrivacy(row.lea, row.former_member, counts) for row in seeded]
