"""Value for money (issue 5, item 6; DOMAIN.md: Funding, "the LEA must be able to judge value for
money"): for each school holding a place in a programme year and for the LEA, what the
programme cost, the PSCL support days it bought, and, once results arrive, what each percentage
point of change in KS2 English and maths at the expected level cost.

- cost: the school's grant total (supply cover, travel and PSCL support);
- support days delivered: the days of the school's submitted PSCL visits, over every allocation
  of its place (a PSCL who left still delivered their days);
- the baseline is the school's KS2 result of the summer before the programme year starts (2004
  for 2004-05); the result after is the latest one from the summer the year ends (2005) onwards;
- a change of zero or below, or a missing result, has no cost per point: it is shown as such
  and never divided by.
Every figure is a Decimal to the penny (`funding.grants.money`), never a float. Three queries,
whatever the number of schools.
"""

from dataclasses import dataclass
from decimal import Decimal

from consultants.models import Allocation
from leadership.models import Participation, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES
from schools.models import KeyStage, KeyStageResult

from ..grants import money
from ..models import Grant
from ..models.rates import ZERO

#: The KS2 subjects whose change is costed: (attribute of KeyStageResult, label).
SUBJECTS = (("english_percentage", "English"), ("maths_percentage", "Maths"))


def baseline_year(programme_year: ProgrammeYear) -> int:
    """The summer of the KS2 tests before the year starts: 2004 for a year starting in
    September 2004 (a year starting before August takes the summer before)."""
    starts_on = programme_year.starts_on
    return starts_on.year if starts_on.month >= 8 else starts_on.year - 1


def results_year(programme_year: ProgrammeYear) -> int:
    """The first summer whose results count as "after": the summer the year ends (2005)."""
    return programme_year.ends_on.year


@dataclass(frozen=True)
class PointCost:
    """The cost of each percentage point of change in one subject: `cost` over `change`.

    For a school, `baseline` and `latest` are its figures (None when missing); for the LEA,
    `change` is the sum of the changes of the `school_count` schools with both figures and
    `cost` the sum of their grants."""

    subject: str
    cost: Decimal | None
    change: Decimal | None
    school_count: int = 0
    baseline: Decimal | None = None
    baseline_year: int | None = None
    latest: Decimal | None = None
    latest_year: int | None = None

    @property
    def is_missing(self) -> bool:
        return self.change is None

    @property
    def is_no_gain(self) -> bool:
        """A change of zero or below: there is nothing to divide the cost by."""
        return self.change is not None and self.change <= 0

    @property
    def cost_per_point(self) -> Decimal | None:
        if self.cost is None or self.change is None or self.change <= 0:
            return None
        return money(self.cost / self.change)


@dataclass(frozen=True)
class SchoolValue:
    participation: Participation
    #: None until the school's grant is computed.
    grant: Grant | None
    days_delivered: Decimal
    english: PointCost
    maths: PointCost

    @property
    def school(self):
        return self.participation.school

    @property
    def cost(self) -> Decimal | None:
        return self.grant.total if self.grant is not None else None

    @property
    def cost_per_day(self) -> Decimal | None:
        """The grant over the support days delivered; None before any day is delivered."""
        if self.cost is None or self.days_delivered <= 0:
            return None
        return money(self.cost / self.days_delivered)

    @property
    def subjects(self) -> tuple[PointCost, PointCost]:
        return (self.english, self.maths)


@dataclass(frozen=True)
class LeaValue:
    """The LEA's figures over the schools with a grant."""

    school_count: int
    cost: Decimal
    days_delivered: Decimal
    english: PointCost
    maths: PointCost

    @property
    def cost_per_day(self) -> Decimal | None:
        return money(self.cost / self.days_delivered) if self.days_delivered > 0 else None

    @property
    def cost_per_school(self) -> Decimal | None:
        return money(self.cost / self.school_count) if self.school_count else None

    @property
    def subjects(self) -> tuple[PointCost, PointCost]:
        return (self.english, self.maths)


@dataclass(frozen=True)
class ValueForMoney:
    programme_year: ProgrammeYear
    baseline_year: int
    results_year: int
    schools: list[SchoolValue]
    lea: LeaValue


def _point_cost(subject: str, cost, years: dict, base_year: int, after_year: int) -> PointCost:
    """`years` maps each KS2 year of the school to its figure in the subject (None missing)."""
    baseline = years.get(base_year)
    after = sorted(
        (year for year, value in years.items() if year >= after_year and value is not None),
        reverse=True,
    )
    latest_year = after[0] if after else None
    latest = years[latest_year] if latest_year is not None else None
    change = latest - baseline if baseline is not None and latest is not None else None
    return PointCost(
        subject=subject,
        cost=cost,
        change=change,
        school_count=1 if change is not None else 0,
        baseline=baseline,
        baseline_year=base_year,
        latest=latest,
        latest_year=latest_year,
    )


def _lea_point_cost(subject: str, costs: list[PointCost]) -> PointCost:
    counted = [c for c in costs if c.change is not None and c.cost is not None]
    if not counted:
        return PointCost(subject=subject, cost=None, change=None)
    return PointCost(
        subject=subject,
        cost=sum((c.cost for c in counted), ZERO),
        change=sum((c.change for c in counted), Decimal("0.0")),
        school_count=len(counted),
    )


def value_for_money(programme_year: ProgrammeYear) -> ValueForMoney:
    """Value for money of `programme_year`, a row per school holding a place (by name) and the
    LEA's totals. Three queries."""
    participations = list(
        Participation.objects.filter(
            programme_year=programme_year, status__in=PLACE_HOLDING_STATUSES
        )
        .select_related("school", "grant")
        .order_by("school__name", "school__urn")
    )
    days: dict[int, Decimal] = {}
    for participation_id, delivered in (
        Allocation.objects.filter(participation__in=[p.pk for p in participations])
        .with_days()
        .order_by()
        .values_list("participation_id", "days_delivered")
    ):
        days[participation_id] = days.get(participation_id, ZERO) + delivered
    base_year, after_year = baseline_year(programme_year), results_year(programme_year)
    results: dict[int, dict[str, dict[int, Decimal | None]]] = {}
    for school_id, year, english, maths in (
        KeyStageResult.objects.filter(
            school__in=[p.school_id for p in participations],
            key_stage=KeyStage.KS2,
            year__gte=base_year,
        )
        .order_by()
        .values_list("school_id", "year", "english_percentage", "maths_percentage")
    ):
        by_subject = results.setdefault(
            school_id, {"english_percentage": {}, "maths_percentage": {}}
        )
        by_subject["english_percentage"][year] = english
        by_subject["maths_percentage"][year] = maths

    schools = []
    for participation in participations:
        grant = getattr(participation, "grant", None)
        cost = grant.total if grant is not None else None
        school_results = results.get(participation.school_id, {})
        english, maths = (
            _point_cost(label, cost, school_results.get(field, {}), base_year, after_year)
            for field, label in SUBJECTS
        )
        schools.append(
            SchoolValue(
                participation=participation,
                grant=grant,
                days_delivered=days.get(participation.pk, ZERO),
                english=english,
                maths=maths,
            )
        )
    funded = [row for row in schools if row.grant is not None]
    lea = LeaValue(
        school_count=len(funded),
        cost=sum((row.cost for row in funded), ZERO),
        days_delivered=sum((row.days_delivered for row in funded), ZERO),
        english=_lea_point_cost("English", [row.english for row in funded]),
        maths=_lea_point_cost("Maths", [row.maths for row in funded]),
    )
    return ValueForMoney(
        programme_year=programme_year,
        baseline_year=base_year,
        results_year=after_year,
        schools=schools,
        lea=lea,
    )
