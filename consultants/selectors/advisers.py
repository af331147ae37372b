"""Reads about the LEA's advisers for the adviser pages: the list, an adviser's page with their
capacity, training and declaration per programme year, and the advisers attached to a school."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from leadership.models import Participation, ParticipationStatus, ProgrammeYear
from schools.models import Inspection, School

from ..models import (
    Adviser,
    AdviserKind,
    Allocation,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    DeclaredConflict,
    TrainingDay,
)

#: The statuses of a participation whose school a PSCL declares links to (identified to
#: completed): every school taking part, or about to, in the year.
DECLARABLE_STATUSES = (
    ParticipationStatus.IDENTIFIED,
    ParticipationStatus.INVITED,
    ParticipationStatus.ACCEPTED,
    ParticipationStatus.ACTIVE,
    ParticipationStatus.COMPLETED,
)


def adviser_list(*, user, kind: str = "", search: str = "") -> QuerySet:
    """The advisers `user` may see, of one `kind` (every kind when empty), whose name contains
    `search`; each with its home school, log-in and `home_leadership_grade` (the leadership
    grade of the home school's latest inspection) loaded in the same query."""
    latest_grade = (
        Inspection.objects.filter(school=OuterRef("home_school"))
        .order_by("-inspected_on")
        .values("leadership_grade")[:1]
    )
    advisers = (
        Adviser.objects.visible_to(user)
        .select_related("home_school", "local_authority", "user")
        .annotate(home_leadership_grade=Subquery(latest_grade))
        .order_by("full_name", "pk")
    )
    if kind:
        advisers = advisers.filter(kind=kind)
    if search.strip():
        advisers = advisers.filter(full_name__icontains=search.strip())
    return advisers


@dataclass
class AdviserYear:
    """A PSCL's programme year: capacity, training days attended and conflicts declaration."""

    programme_year: ProgrammeYear
    capacity: Capacity | None = None
    training: list[tuple[str, str, object]] = field(default_factory=list)
    declaration: ConflictDeclaration | None = None

    @property
    def days_attended(self) -> int:
        return sum(1 for _, _, attended_on in self.training if attended_on)


def adviser_years(*, adviser: Adviser) -> list[AdviserYear]:
    """The programme years of the adviser's LEA, newest first, each with the PSCL's capacity,
    the four training days (label and date attended or None) and the declaration of conflicts
    with its declared links. Four queries, whatever the number of years."""
    years = list(ProgrammeYear.objects.filter(local_authority_id=adviser.local_authority_id))
    capacities = {c.programme_year_id: c for c in Capacity.objects.filter(adviser=adviser)}
    training: dict[int, dict[str, object]] = {}
    for record in ConsultantTraining.objects.filter(adviser=adviser):
        training.setdefault(record.programme_year_id, {})[record.day] = record.attended_on
    declarations = {
        d.programme_year_id: d
        for d in ConflictDeclaration.objects.filter(adviser=adviser)
        .select_related("declared_by")
        .prefetch_related(
            Prefetch("conflicts", queryset=DeclaredConflict.objects.select_related("school"))
        )
    }
    return [
        AdviserYear(
            programme_year=year,
            capacity=capacities.get(year.pk),
            training=[
                (day.value, day.label, training.get(year.pk, {}).get(day.value))
                for day in TrainingDay
            ],
            declaration=declarations.get(year.pk),
        )
        for year in years
    ]


def adviser_attachments(*, adviser: Adviser) -> QuerySet:
    """The schools the adviser is attached to."""
    return Attachment.objects.filter(adviser=adviser).select_related("school")


def adviser_current_allocations(*, adviser: Adviser, user) -> QuerySet:
    """The adviser's current allocations that `user` may see, with days delivered and left."""
    return (
        Allocation.objects.visible_to(user)
        .current()
        .with_days()
        .filter(adviser=adviser)
        .select_related("participation__school", "participation__programme_year")
    )


def declarable_schools(*, programme_year: ProgrammeYear) -> QuerySet:
    """The LEA's schools with a participation in `programme_year`, identified to completed:
    the schools a PSCL declares any link to."""
    return (
        School.objects.filter(
            local_authority_id=programme_year.local_authority_id,
            participations__in=Participation.objects.filter(
                programme_year=programme_year, status__in=DECLARABLE_STATUSES
            ),
        )
        .distinct()
        .order_by("name")
    )


def school_attachments(*, school: School) -> list[Attachment]:
    """The advisers attached to `school`, link adviser first, then by name. One query; a school
    has a handful, put in order here (an ordering by a CASE costs more to build than to run)."""
    attachments = Attachment.objects.filter(school=school).select_related("adviser").order_by()
    return sorted(
        attachments,
        key=lambda attachment: (
            attachment.adviser.kind != AdviserKind.LINK_ADVISER,
            attachment.adviser.full_name.casefold(),
            attachment.pk,
        ),
    )


def attachable_advisers(*, school: School) -> QuerySet:
    """The active link advisers and literacy and numeracy consultants of the school's LEA not
    yet attached to it."""
    return (
        Adviser.objects.filter(
            local_authority_id=school.local_authority_id,
            is_active=True,
            kind__in=[AdviserKind.LINK_ADVISER, AdviserKind.LITERACY, AdviserKind.NUMERACY],
        )
        .exclude(attachments__school=school)
        .order_by("kind", "full_name")
    )
