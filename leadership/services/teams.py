"""Writes for leadership teams and their time, training events and their registers, and
school-to-school visits (DOMAIN.md: Time and support each school gets).

Every function runs in one transaction and validates with `full_clean` before it saves. Changes
to a team, its time and its visits lock the participation row first, so that two people editing
the same team (the headteacher and the strategy manager) are served one after the other.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateformat import format as format_date

from accounts.models import Role, User
from schools.models import School

from ..models import (
    LeadershipTeamMember,
    MemberRole,
    Participation,
    ParticipationStatus,
    ProgrammeYear,
    SchoolActivity,
    SchoolVisit,
    TrainingAttendance,
    TrainingEvent,
)

#: A team, its time and its visits change only while the school has accepted or taken up its
#: place; before that there is no team, after it the record is closed.
TEAM_EDITABLE_STATUSES = (ParticipationStatus.ACCEPTED, ParticipationStatus.ACTIVE)
#: The participations whose teams go on a training register.
REGISTER_STATUSES = (ParticipationStatus.ACCEPTED, ParticipationStatus.ACTIVE)

#: Fields of a register line that a bulk write sets by construction; checking them one line at
#: a time would cost a query per line.
_REGISTER_LINE_REFERENCES = ["event", "member", "consultant"]


def _editable_participation(participation: Participation) -> Participation:
    """Lock `participation` for the rest of the transaction and check its team may change."""
    locked = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("programme_year", "school")
        .get(pk=participation.pk)
    )
    if locked.status not in TEAM_EDITABLE_STATUSES:
        raise ValidationError(
            "The team, its time and its visits can be changed only while the school has "
            f"accepted or taken up its place. This place is {locked.get_status_display().lower()}."
        )
    return locked


def _check_in_year(day: datetime.date, year: ProgrammeYear, field: str) -> None:
    if not year.starts_on <= day <= year.ends_on:
        raise ValidationError(
            {
                field: f"Enter a date in the programme year {year.name}, "
                f"{format_date(year.starts_on, 'j F Y')} to {format_date(year.ends_on, 'j F Y')}."
            }
        )


def _check_member(member: LeadershipTeamMember) -> None:
    """Say which field breaks the team's rules, before the database constraints would. The
    rules hold among current members: former members are archived."""
    others = (
        LeadershipTeamMember.objects.active()
        .filter(participation=member.participation)
        .exclude(pk=member.pk)
    )
    if member.role == MemberRole.HEADTEACHER:
        head = others.filter(role=MemberRole.HEADTEACHER).first()
        if head is not None:
            raise ValidationError(
                {"role": f"This team already has a headteacher, {head.full_name}."}
            )
    if others.filter(full_name__iexact=member.full_name).exists():
        raise ValidationError({"full_name": f"{member.full_name} is already in this team."})


@transaction.atomic
def team_member_add(
    *, participation: Participation, full_name: str, role: str, email: str = ""
) -> LeadershipTeamMember:
    """Add a member to the school's leadership team. A team has one headteacher and no two
    members of the same name."""
    locked = _editable_participation(participation)
    member = LeadershipTeamMember(
        participation=locked, full_name=full_name.strip(), role=role, email=email.strip()
    )
    _check_member(member)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def team_member_update(
    *, member: LeadershipTeamMember, full_name: str, role: str, email: str = ""
) -> LeadershipTeamMember:
    """Change a current member's name, role or email address, under the same rules as adding
    one."""
    locked = _editable_participation(member.participation)
    member = LeadershipTeamMember.objects.active().get(pk=member.pk, participation=locked)
    member.full_name = full_name.strip()
    member.role = role
    member.email = email.strip()
    _check_member(member)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def team_member_remove(*, member: LeadershipTeamMember, by: User | None = None) -> None:
    """Record that a member has left the team: they are archived ("former members"), not
    deleted, so their register lines, school-based activity, visits and cover claims stay as
    history, and the team's size and rules count only current members. Removing a former
    member again changes nothing."""
    locked = _editable_participation(member.participation)
    LeadershipTeamMember.objects.get(pk=member.pk, participation=locked).archive(by)


@transaction.atomic
def activity_log(
    *, member: LeadershipTeamMember, done_on: datetime.date, days: Decimal, description: str
) -> SchoolActivity:
    """Record school-based programme time a member gave (meetings with the PSCL, planning,
    observing teaching, feedback), dated within the programme year."""
    locked = _editable_participation(member.participation)
    _check_in_year(done_on, locked.programme_year, "done_on")
    activity = SchoolActivity(
        member=LeadershipTeamMember.objects.active().get(pk=member.pk, participation=locked),
        done_on=done_on,
        days=days,
        description=description.strip(),
    )
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def training_event_create(
    *,
    programme_year: ProgrammeYear,
    session: int,
    held_on: datetime.date,
    venue: str,
    capacity: int,
) -> TrainingEvent:
    """Schedule one delivery of session 1, 2 or 3, on a day within the programme year."""
    _check_in_year(held_on, programme_year, "held_on")
    event = TrainingEvent(
        programme_year=programme_year,
        session=session,
        held_on=held_on,
        venue=venue.strip(),
        capacity=capacity,
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def training_event_update(
    *, event: TrainingEvent, session: int, held_on: datetime.date, venue: str, capacity: int
) -> TrainingEvent:
    """Change an event's session, date, venue or capacity. A capacity below the number already
    on the register is allowed: the register page warns about it."""
    event = (
        TrainingEvent.objects.select_for_update(of=("self",))
        .select_related("programme_year")
        .get(pk=event.pk)
    )
    _check_in_year(held_on, event.programme_year, "held_on")
    event.session = session
    event.held_on = held_on
    event.venue = venue.strip()
    event.capacity = capacity
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def register_build(*, event: TrainingEvent) -> int:
    """Put on the event's register every member of every team whose school has accepted or
    taken up its place in the event's year, and every active PSCL of the LEA (PSCLs are
    recommended to attend, DOMAIN.md). Lines already there are kept as they are, marks
    included, so building twice adds nothing. Returns the number of lines added."""
    event = (
        TrainingEvent.objects.select_for_update(of=("self",))
        .select_related("programme_year")
        .get(pk=event.pk)
    )
    lines = event.register.values_list("member_id", "consultant_id")
    listed_members = {member_id for member_id, _ in lines if member_id is not None}
    listed_consultants = {user_id for _, user_id in lines if user_id is not None}
    member_ids = (
        LeadershipTeamMember.objects.active()
        .filter(
            participation__programme_year_id=event.programme_year_id,
            participation__status__in=REGISTER_STATUSES,
        )
        .values_list("pk", flat=True)
    )
    consultant_ids = User.objects.filter(
        role=Role.CONSULTANT,
        local_authority_id=event.programme_year.local_authority_id,
        is_active=True,
    ).values_list("pk", flat=True)
    new_lines = [
        TrainingAttendance(event=event, member_id=pk)
        for pk in member_ids
        if pk not in listed_members
    ] + [
        TrainingAttendance(event=event, consultant_id=pk)
        for pk in consultant_ids
        if pk not in listed_consultants
    ]
    for line in new_lines:
        # Under the event's lock the set differences above are the uniqueness check, and
        # each line names exactly one person by construction.
        line.full_clean(
            exclude=_REGISTER_LINE_REFERENCES, validate_unique=False, validate_constraints=False
        )
    TrainingAttendance.objects.bulk_create(new_lines)
    return len(new_lines)


@transaction.atomic
def register_mark(*, event: TrainingEvent, present_line_ids: Iterable[int]) -> int:
    """Mark the whole register at once: the lines named are present, every other line of the
    event absent. A line that is not on this event's register is refused and nothing changes.
    Returns the number present."""
    event = TrainingEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    present = set(present_line_ids)
    lines = list(event.register.all())
    unknown = present - {line.pk for line in lines}
    if unknown:
        raise ValidationError("Some of the people marked are not on this event's register.")
    for line in lines:
        line.is_present = line.pk in present
        line.full_clean(
            exclude=_REGISTER_LINE_REFERENCES, validate_unique=False, validate_constraints=False
        )
    TrainingAttendance.objects.bulk_update(lines, ["is_present"])
    return len(present)


def _check_visit(
    visit: SchoolVisit, participation: Participation, members: list[LeadershipTeamMember]
) -> None:
    if visit.host_school_id == participation.school_id:
        raise ValidationError(
            {"host_school": "Choose another school: a team visits a school other than its own."}
        )
    _check_in_year(visit.visited_on, participation.programme_year, "visited_on")
    if not members:
        raise ValidationError({"members": "Choose the team members who went on the visit."})
    if any(member.participation_id != participation.pk for member in members):
        raise ValidationError({"members": "Choose members of this school's team."})
    went_before = set(visit.members.values_list("pk", flat=True)) if visit.pk else set()
    if any(member.is_archived and member.pk not in went_before for member in members):
        raise ValidationError({"members": "Choose current members of this school's team."})


@transaction.atomic
def school_visit_record(
    *,
    participation: Participation,
    visited_on: datetime.date,
    host_school: School,
    members: Iterable[LeadershipTeamMember],
    purpose: str,
    days: Decimal = Decimal("1.0"),
    is_outside_locality: bool = False,
) -> SchoolVisit:
    """Record a visit by members of the team to another school, anywhere in England. Visits
    outside the school's locality are the ones the travel grant pays for (DOMAIN.md: Funding)."""
    locked = _editable_participation(participation)
    members = list(members)
    visit = SchoolVisit(
        participation=locked,
        visited_on=visited_on,
        host_school=host_school,
        purpose=purpose.strip(),
        days=days,
        is_outside_locality=is_outside_locality,
    )
    _check_visit(visit, locked, members)
    visit.full_clean()
    visit.save()
    visit.members.set(members)
    return visit


@transaction.atomic
def school_visit_update(
    *,
    visit: SchoolVisit,
    visited_on: datetime.date,
    host_school: School,
    members: Iterable[LeadershipTeamMember],
    purpose: str,
    days: Decimal,
    is_outside_locality: bool,
) -> SchoolVisit:
    """Correct a recorded visit, under the same rules as recording one."""
    locked = _editable_participation(visit.participation)
    members = list(members)
    visit = SchoolVisit.objects.active().get(pk=visit.pk, participation=locked)
    visit.visited_on = visited_on
    visit.host_school = host_school
    visit.purpose = purpose.strip()
    visit.days = days
    visit.is_outside_locality = is_outside_locality
    _check_visit(visit, locked, members)
    visit.full_clean()
    visit.save()
    visit.members.set(members)
    return visit


@transaction.atomic
def school_visit_archive(*, visit: SchoolVisit, by: User | None = None) -> None:
    """Take a visit recorded in error out of the team's visits and the travel grant's count. It
    is archived, not deleted, so that the record (and its history) stays."""
    locked = _editable_participation(visit.participation)
    SchoolVisit.objects.get(pk=visit.pk, participation=locked).archive(by)
