"""Reads of the programme year shared by its pages and the home page: the year's places and
counts, the selection list with the criteria each school meets, a participation's history and
its invitation letter.

Each selector runs a fixed number of queries, whatever the number of schools or participations.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject

from schools.models import KeyStage2Progress, School, SchoolLink

from ..models import (
    Participation,
    ParticipationStatus,
    ParticipationTransition,
    ProgrammeYear,
)
from ..models.programme import PLACE_HOLDING_STATUSES, SelectionMeasure
from ..models.teams import (
    EXPECTED_SCHOOL_BASED_DAYS,
    EXPECTED_TRAINING_DAYS,
    EXPECTED_VISITING_DAYS,
)
from ..services.programme import allowed_next_statuses

Status = ParticipationStatus

#: A school "took part" in a year when it held a place in it, even if it later withdrew.
TOOK_PART_STATUSES = (*PLACE_HOLDING_STATUSES, Status.WITHDRAWN)

#: The selection criteria (DOMAIN.md: Selecting schools), by number.
CRITERION_NOT_YET_PROGRESSING = 1
CRITERION_VALUE_ADDED = 2
CRITERION_LEA_JUDGEMENT = 3
CRITERIA = {
    CRITERION_NOT_YET_PROGRESSING: "Took part last year, not yet making the progress it could",
    CRITERION_VALUE_ADDED: "Did not take part last year, value added below the threshold",
    CRITERION_LEA_JUDGEMENT: "The LEA judges the programme would help it reach its targets",
}


def _number(value: Decimal) -> str:
    """A decimal as people write it: 100.0 as "100", 98.50 as "98.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Programme years and their places ---------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class ProgrammeYearFigures:
    """A programme year's places and its participations counted by status.

    Places open are the funded places less the reserve still held; a place is taken by each
    participation that holds one (accepted, active or completed).
    """

    programme_year: ProgrammeYear
    places_taken: int
    by_status: tuple[StatusCount, ...]

    @property
    def funded_places(self) -> int:
        return self.programme_year.funded_places

    @property
    def reserve_places(self) -> int:
        return self.programme_year.reserve_places

    @property
    def reserve_released(self) -> int:
        return self.programme_year.reserve_released

    @property
    def reserve_held(self) -> int:
        return self.reserve_places - self.reserve_released

    @property
    def places_open(self) -> int:
        return self.programme_year.places_open

    @property
    def places_left(self) -> int:
        return max(self.places_open - self.places_taken, 0)

    @property
    def participation_count(self) -> int:
        return sum(row.count for row in self.by_status)

    def count_of(self, status: str) -> int:
        return next(row.count for row in self.by_status if row.status == status)


def programme_year_list(*, user) -> QuerySet[ProgrammeYear]:
    """The programme years `user` may see (an admin's of every LEA), newest first within each
    LEA, each with `places_taken`, in one query."""
    return (
        ProgrammeYear.objects.visible_to(user)
        .select_related("local_authority")
        .annotate(
            places_taken=Count(
                "participations", filter=Q(participations__status__in=PLACE_HOLDING_STATUSES)
            )
        )
        .order_by("local_authority__name", "-starts_on", "pk")
    )


def programme_year_figures(programme_year: ProgrammeYear) -> ProgrammeYearFigures:
    """`programme_year`'s places and its participations counted by status, in one query. The
    counts are the whole year's: they name no school."""
    counts = dict(
        Participation.objects.filter(programme_year=programme_year)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    by_status = tuple(StatusCount(s.value, s.label, counts.get(s.value, 0)) for s in Status)
    taken = sum(counts.get(status, 0) for status in PLACE_HOLDING_STATUSES)
    return ProgrammeYearFigures(
        programme_year=programme_year, places_taken=taken, by_status=by_status
    )


def _status_order():
    return Case(
        *(When(status=status, then=Value(n)) for n, status in enumerate(Status)),
        output_field=IntegerField(),
    )


def programme_year_participations(
    *, programme_year: ProgrammeYear, user
) -> QuerySet[Participation]:
    """The participations of `programme_year` whose school `user` may see, in the workflow's
    order of status, then by school name, with their school."""
    return (
        Participation.objects.visible_to(user)
        .filter(programme_year=programme_year)
        .select_related("school")
        .annotate(status_order=_status_order())
        .order_by("status_order", "school__name", "pk")
    )


def current_programme_years(*, today: datetime.date) -> QuerySet[ProgrammeYear]:
    """Programme years ordered so that, within an LEA, the current one comes first: the year
    whose dates include `today`, else the latest to start."""
    return ProgrammeYear.objects.annotate(
        is_current=Case(
            When(starts_on__lte=today, ends_on__gte=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-is_current", "-starts_on", "-pk")


def current_programme_year(*, local_authority_id: int, today: datetime.date):
    """The LEA's current programme year (see `current_programme_years`), or None."""
    return (
        current_programme_years(today=today)
        .filter(local_authority_id=local_authority_id)
        .select_related("local_authority")
        .first()
    )


def current_participation(*, school: School, today: datetime.date) -> Participation | None:
    """`school`'s participation in its LEA's current programme year, with the year, or None
    when it has none in that year (or the LEA has no year yet)."""
    current = current_programme_years(today=today).filter(
        local_authority_id=school.local_authority_id
    )
    return (
        Participation.objects.filter(
            school=school, programme_year=Subquery(current.values("pk")[:1])
        )
        .select_related("programme_year")
        .first()
    )


def previous_programme_year(programme_year: ProgrammeYear) -> ProgrammeYear | None:
    """The LEA's programme year before `programme_year`: the latest of the same LEA that starts
    before it, or None."""
    return (
        ProgrammeYear.objects.filter(
            local_authority_id=programme_year.local_authority_id,
            starts_on__lt=programme_year.starts_on,
        )
        .order_by("-starts_on", "-pk")
        .first()
    )


# Selection ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionMet:
    number: int
    text: str


class SelectionSchool(NamedTuple):
    """What the selection page shows of a school (a row of the query, not a model instance:
    the largest LEA has hundreds of candidates)."""

    pk: int
    urn: int
    name: str
    number_on_roll: int | None


@dataclass(frozen=True)
class SelectionCandidate:
    """A school not yet placed in the year (no participation, or one still identified), the
    criteria it meets and the facts behind them."""

    school: SelectionSchool
    criteria: tuple[CriterionMet, ...]
    #: Its status in the LEA's previous programme year, None if it had no participation.
    last_year_status: str | None
    #: Its participation in this year when it is identified, None when it has none.
    participation_id: int | None
    flag_reason: str | None
    #: The school's latest figure of the year's selection measure (its predecessor's when it
    #: has none of its own), None if there is none.
    measure_value: Decimal | None = None

    @property
    def criterion_numbers(self) -> tuple[int, ...]:
        return tuple(met.number for met in self.criteria)

    @property
    def declined_last_year(self) -> bool:
        return self.last_year_status == Status.DECLINED

    @property
    def is_approached_first(self) -> bool:
        """DOMAIN.md: approach first schools that declined last year but still meet a
        criterion."""
        return self.declined_last_year and bool(self.criteria)

    @property
    def is_flagged(self) -> bool:
        return self.flag_reason is not None

    def sort_key(self):
        value_added = self.measure_value
        return (
            not self.is_approached_first,
            -len(self.criteria),
            value_added is None,
            value_added if value_added is not None else Decimal(0),
            self.school.name,
            self.school.pk,
        )


@dataclass(frozen=True)
class Selection:
    """The selection page's list for a programme year, and the year before it (None if the
    LEA had none)."""

    programme_year: ProgrammeYear
    previous_year: ProgrammeYear | None
    candidates: tuple[SelectionCandidate, ...]


SIZE_SMALL = "small"
SIZE_LARGE = "large"


def school_list_for_selection(
    programme_year: ProgrammeYear,
    *,
    criterion: int | None = None,
    meets_any: bool = False,
    size: str | None = None,
    declined_last_year: bool = False,
    text: str = "",
) -> Selection:
    """The LEA's schools not yet placed in `programme_year`, each with the selection criteria
    it meets, computed from the data:

    1. it took part in the LEA's previous programme year and that participation is marked not
       yet progressing;
    2. it did not take part in the previous year and its latest value added is below the year's
       threshold;
    3. the LEA flagged it for this year (a SelectionFlag, with its reason).

    Sorted by need: schools that declined last year and still meet a criterion first, then by
    the number of criteria met, then by value added, lowest first (none last), then by name.
    Optional filters: a criterion met (0 for "none met"), meeting any criterion, size by the
    year's own threshold ("small" or "large"), declined last year, and text in the name or the
    URN. Two queries, whatever the number of schools.
    """
    previous = previous_programme_year(programme_year)
    # A school has at most one participation a year and one flag a year (unique constraints):
    # left joins, which PostgreSQL plans and Django compiles faster than a subquery for each.
    # Only the fields the page shows are loaded, as rows (SelectionSchool) rather than models.
    # The query is put together in one alias(), one filter() and one annotate(): each call
    # copies the query so far, which cost more than the query itself (bench/README.md).
    relations = {
        "this_year": FilteredRelation(
            "participations", condition=Q(participations__programme_year=programme_year)
        ),
        "flag": FilteredRelation(
            "selection_flags", condition=Q(selection_flags__programme_year=programme_year)
        ),
    }
    conditions = [Q(this_year__isnull=True) | Q(this_year__status=Status.IDENTIFIED)]
    annotations = {"identified_id": F("this_year__pk"), "flag_reason": F("flag__reason")}
    # The URNs the GIAS links make predecessors of each school (one subquery, used twice).
    predecessor_urns = _predecessor_urns(OuterRef(OuterRef("urn")))
    if previous is None:
        annotations.update(
            last_year_status=Value(None, output_field=CharField()),
            last_year_not_yet_progressing=Value(False, output_field=BooleanField()),
            predecessor=Value(None, output_field=JSONField()),
        )
    else:
        relations["last_year"] = FilteredRelation(
            "participations", condition=Q(participations__programme_year=previous)
        )
        # A school that reopened under a new URN (GIAS links) carries its predecessor's place in
        # last year's programme (issue 7): a took-part status wins over a decline.
        predecessors_last_year = (
            Participation.objects.filter(school__urn__in=predecessor_urns, programme_year=previous)
            .annotate(rank=Case(When(status__in=TOOK_PART_STATUSES, then=0), default=1))
            .order_by("rank", "-pk")
        )
        annotations.update(
            last_year_status=F("last_year__status"),
            last_year_not_yet_progressing=F("last_year__is_not_yet_progressing"),
            # Its status and its flag in one subquery (a JSON object), not one each.
            predecessor=Subquery(
                predecessors_last_year.values(
                    taken=JSONObject(status="status", nyp="is_not_yet_progressing")
                )[:1],
                output_field=JSONField(),
            ),
        )
    annotations["measure_value"] = _latest_measure(
        programme_year.selection_measure, predecessor_urns
    )
    if size == SIZE_SMALL:
        conditions.append(Q(number_on_roll__lte=programme_year.small_school_max_pupils))
    elif size == SIZE_LARGE:
        conditions.append(Q(number_on_roll__gt=programme_year.small_school_max_pupils))
    text = text.strip()
    if text:
        condition = Q(name__icontains=text)
        if text.isdecimal() and len(text) <= 9:
            condition |= Q(urn=int(text))
        conditions.append(condition)
    schools = (
        School.objects.alias(**relations)
        .filter(*conditions, local_authority_id=programme_year.local_authority_id)
        .annotate(**annotations)
        .order_by("name", "pk")
    )

    rows = schools.values_list(
        *SelectionSchool._fields,
        "identified_id",
        "flag_reason",
        "last_year_status",
        "last_year_not_yet_progressing",
        "predecessor",
        "measure_value",
        named=True,
    )
    candidates = []
    for row in rows:
        candidate = _candidate(row, programme_year, previous)
        if declined_last_year and not candidate.declined_last_year:
            continue
        if meets_any and not candidate.criteria:
            continue
        if criterion is not None:
            numbers = candidate.criterion_numbers
            if (criterion == 0 and numbers) or (criterion != 0 and criterion not in numbers):
                continue
        candidates.append(candidate)
    candidates.sort(key=SelectionCandidate.sort_key)
    return Selection(
        programme_year=programme_year, previous_year=previous, candidates=tuple(candidates)
    )


def _predecessor_urns(new_urn):
    """The URNs that the GIAS links make predecessors of the school `new_urn` (an OuterRef), in
    either direction of the file ("Predecessor..." from the new school, "Successor..." from the
    old one), as one subquery for `urn__in`; one step of links only. One subquery (rather than
    an EXISTS per direction, OR-ed) lets PostgreSQL join it on the indexes of the links and the
    URNs, instead of testing every school or participation against the links."""
    from_new = Q(urn=new_urn, link_type__startswith="Predecessor")
    return (
        SchoolLink.objects.filter(
            from_new | Q(linked_urn=new_urn, link_type__startswith="Successor")
        )
        .annotate(old_urn=Case(When(from_new, then=F("linked_urn")), default=F("urn")))
        .values("old_urn")
    )


#: The KeyStage2Progress field of each progress-score measure.
_PROGRESS_FIELDS = {
    SelectionMeasure.KS2_READING: "reading_progress",
    SelectionMeasure.KS2_WRITING: "writing_progress",
    SelectionMeasure.KS2_MATHS: "maths_progress",
}


def _latest_measure(measure: str, predecessor_urns):
    """The school's latest figure of `measure`, or its predecessor's (GIAS links) when it has
    none: a school's results follow it to its new URN. `predecessor_urns`: `_predecessor_urns`
    of the school, from a subquery. Subqueries, no extra query."""
    if measure in _PROGRESS_FIELDS:
        field = _PROGRESS_FIELDS[measure]
        figures = KeyStage2Progress.objects.filter(**{f"{field}__isnull": False}).order_by("-year")
        own = figures.filter(school=OuterRef("pk"))
        inherited = figures.filter(school__urn__in=predecessor_urns)
        return Coalesce(Subquery(own.values(field)[:1]), Subquery(inherited.values(field)[:1]))
    inherited = (
        School.objects.filter(
            urn__in=predecessor_urns,
            latest_value_added__isnull=False,
        )
        .order_by("-latest_value_added_year")
        .values("latest_value_added")
    )
    return Coalesce("latest_value_added", Subquery(inherited[:1]))


def _candidate(
    row, programme_year: ProgrammeYear, previous: ProgrammeYear | None
) -> SelectionCandidate:
    """The candidate of one row of `school_list_for_selection`'s query."""
    last_year_status = row.last_year_status
    not_yet_progressing = row.last_year_not_yet_progressing
    if last_year_status is None and row.predecessor is not None:
        last_year_status = row.predecessor["status"]
        not_yet_progressing = row.predecessor["nyp"]
    took_part = last_year_status in TOOK_PART_STATUSES
    criteria = []
    if took_part and not_yet_progressing:
        criteria.append(
            CriterionMet(
                CRITERION_NOT_YET_PROGRESSING,
                f"took part in {previous.name} and is not yet making the progress it could",
            )
        )
    threshold = programme_year.value_added_threshold
    value = row.measure_value
    if not took_part and value is not None and value < threshold:
        criteria.append(
            CriterionMet(
                CRITERION_VALUE_ADDED,
                f"{_MEASURE_WORDS[programme_year.selection_measure]} {value} "
                f"(below {_number(threshold)})",
            )
        )
    if row.flag_reason is not None:
        criteria.append(CriterionMet(CRITERION_LEA_JUDGEMENT, f"LEA judgement: {row.flag_reason}"))
    return SelectionCandidate(
        school=SelectionSchool(row.pk, row.urn, row.name, row.number_on_roll),
        criteria=tuple(criteria),
        last_year_status=last_year_status,
        participation_id=row.identified_id,
        flag_reason=row.flag_reason,
        measure_value=value,
    )


#: How a criterion 2 reason names each measure.
_MEASURE_WORDS = {
    SelectionMeasure.VALUE_ADDED: "value added",
    SelectionMeasure.KS2_READING: "KS2 reading progress",
    SelectionMeasure.KS2_WRITING: "KS2 writing progress",
    SelectionMeasure.KS2_MATHS: "KS2 maths progress",
}


# A participation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipationPage:
    """A participation with its year and school, its transitions oldest first (with who made
    each), and the statuses it may move to next."""

    participation: Participation
    transitions: tuple[ParticipationTransition, ...]
    next_statuses: tuple[Status, ...]


def participation_page(participation: Participation) -> ParticipationPage:
    """What the participation page shows, in one query beyond the participation itself (which
    the caller loads with its year and school)."""
    transitions = tuple(
        ParticipationTransition.objects.filter(participation=participation)
        .select_related("changed_by")
        .order_by("changed_at", "pk")
    )
    return ParticipationPage(
        participation=participation,
        transitions=transitions,
        next_statuses=tuple(allowed_next_statuses(participation.status)),
    )


@dataclass(frozen=True)
class InvitationLetter:
    """What an invitation letter states (DOMAIN.md: The programme; Time and support each school
    gets). `team_size` is the team funded for the school's size by the year's threshold, None
    when its roll is not known (the letter then gives both sizes)."""

    participation: Participation
    school: School
    programme_year: ProgrammeYear
    is_small: bool | None
    team_size: int | None
    training_days: Decimal = EXPECTED_TRAINING_DAYS
    visiting_days: Decimal = EXPECTED_VISITING_DAYS
    school_based_days: Decimal = EXPECTED_SCHOOL_BASED_DAYS

    @property
    def training_half_days(self) -> int:
        return int(self.training_days * 2)

    @property
    def days_per_member(self) -> Decimal:
        return self.training_days + self.visiting_days + self.school_based_days


def invitation_letter(participation: Participation) -> InvitationLetter:
    """The invitation letter for `participation` (loaded with its year, school and the
    school's LEA); no query."""
    programme_year = participation.programme_year
    school = participation.school
    if school.number_on_roll is None:
        is_small, team_size = None, None
    else:
        is_small = school.number_on_roll <= programme_year.small_school_max_pupils
        team_size = programme_year.small_team_size if is_small else programme_year.large_team_size
    return InvitationLetter(
        participation=participation,
        school=school,
        programme_year=programme_year,
        is_small=is_small,
        team_size=team_size,
    )
