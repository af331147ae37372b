"""Reads of the schools register shared by the pages and the reports.

`school_background` gathers the background file a PSCL gets for a school (DOMAIN.md: "The
background file a PSCL should get for each school") in a fixed number of queries, however many
years of records the school has; `cached_school_background` keeps it in the cache, for the
school page.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import QuerySet

from .models import (
    Inspection,
    KeyStage,
    KeyStage2Target,
    KeyStageResult,
    School,
    Subject,
    TargetDirection,
    ValueAdded,
)


def school_list(*, user) -> QuerySet[School]:
    """The schools `user` may see, sorted by name, with their LEA joined in: a list of any length
    costs the same number of queries."""
    return School.objects.visible_to(user).select_related("local_authority").order_by("name", "urn")


@dataclass(frozen=True)
class YearResults:
    """One row of a school's results table. A figure that was not recorded (or was suppressed)
    is None, never zero, so that the page can say "not available"."""

    year: int
    ks1_english: Decimal | None = None
    ks1_maths: Decimal | None = None
    ks1_cohort: int | None = None
    ks2_english: Decimal | None = None
    ks2_maths: Decimal | None = None
    ks2_cohort: int | None = None
    value_added: Decimal | None = None
    value_added_grade: int | None = None


@dataclass(frozen=True)
class TargetSetting:
    """One setting of a KS2 target: the % of pupils at Level 4+ aimed for, and when it was set."""

    percentage: Decimal
    set_on: date
    note: str = ""


@dataclass(frozen=True)
class TargetSummary:
    """The history of one KS2 target (a year and a subject) and what became of it.

    `direction` compares the latest setting with the first (DOMAIN.md: Action plans, "whether
    each target was raised, kept or lowered"); a target set only once counts as kept. `result` is
    the % the school achieved that year in that subject, None until results exist.
    """

    year: int
    subject: Subject
    settings: tuple[TargetSetting, ...]
    direction: TargetDirection
    result: Decimal | None

    @property
    def first(self) -> Decimal:
        return self.settings[0].percentage

    @property
    def latest(self) -> Decimal:
        return self.settings[-1].percentage

    @property
    def change(self) -> Decimal:
        """Percentage points between the first and the latest setting (negative if lowered)."""
        return self.latest - self.first

    @property
    def result_against_target(self) -> Decimal | None:
        """Percentage points by which the result beat (positive) or missed (negative) the
        latest target; None until results exist."""
        if self.result is None:
            return None
        return self.result - self.latest

    @property
    def is_met(self) -> bool | None:
        if self.result is None:
            return None
        return self.result >= self.latest


@dataclass(frozen=True)
class SchoolBackground:
    """A school's background file: its facts (on `school`), results and value added by year
    (oldest first), KS2 targets with their direction, and inspections (newest first)."""

    school: School
    results: tuple[YearResults, ...]
    targets: tuple[TargetSummary, ...]
    inspections: tuple[Inspection, ...]


def school_background(school: School) -> SchoolBackground:
    """Everything a PSCL's background file shows for `school`, in four queries whatever the
    number of years recorded. The caller has already checked that the user may see `school`."""
    key_stage_results = list(KeyStageResult.objects.filter(school=school).order_by("year"))
    value_added = list(ValueAdded.objects.filter(school=school).order_by("year"))
    targets = list(_targets_of(school))
    inspections = tuple(Inspection.objects.filter(school=school).order_by("-inspected_on"))
    return SchoolBackground(
        school=school,
        results=_results_by_year(key_stage_results, value_added),
        targets=_summarise_targets(targets, _ks2_by_year(key_stage_results)),
        inspections=inspections,
    )


#: How long a school's background stays in the cache. Its key changes with the school's records
#: (`School.records_version`), so this bounds only what a bulk write that forgot to say so
#: could leave behind.
BACKGROUND_CACHE_SECONDS = 60 * 60
#: Raise when `SchoolBackground` or what it holds changes shape, so that no process reads an
#: entry of the old shape.
BACKGROUND_CACHE_VERSION = 1


def cached_school_background(school: School) -> SchoolBackground:
    """`school_background`, kept in the cache (Redis in production, shared by every process)
    under the school's `records_version`, which every change to its results, value added,
    targets or inspections replaces: no query once cached. The school's own facts are never
    cached: the background is given the `school` read for this request."""
    key = f"plp:school-background:{BACKGROUND_CACHE_VERSION}:{school.pk}:{school.records_version}"
    records = cache.get(key)
    if records is None:
        background = school_background(school)
        records = (background.results, background.targets, background.inspections)
        cache.set(key, records, BACKGROUND_CACHE_SECONDS)
        return background
    results, targets, inspections = records
    return SchoolBackground(
        school=school, results=results, targets=targets, inspections=inspections
    )


def target_summaries(school: School) -> tuple[TargetSummary, ...]:
    """Each KS2 target of `school` (by year, then subject) with its settings in order, whether
    the latest setting raised, kept or lowered the first, and the result against it."""
    ks2_results = KeyStageResult.objects.filter(school=school, key_stage=KeyStage.KS2)
    return _summarise_targets(_targets_of(school), _ks2_by_year(ks2_results))


def _targets_of(school: School) -> QuerySet[KeyStage2Target]:
    return KeyStage2Target.objects.filter(school=school).order_by("year", "subject", "set_on", "pk")


def _ks2_by_year(results: Iterable[KeyStageResult]) -> dict[int, KeyStageResult]:
    return {result.year: result for result in results if result.key_stage == KeyStage.KS2}


def _direction(first: Decimal, latest: Decimal) -> TargetDirection:
    if latest > first:
        return TargetDirection.RAISED
    if latest < first:
        return TargetDirection.LOWERED
    return TargetDirection.KEPT


def _summarise_targets(
    targets: Iterable[KeyStage2Target], ks2_by_year: dict[int, KeyStageResult]
) -> tuple[TargetSummary, ...]:
    """`targets` must come ordered by year, subject and date set."""
    grouped: dict[tuple[int, str], list[TargetSetting]] = {}
    for target in targets:
        grouped.setdefault((target.year, target.subject), []).append(
            TargetSetting(percentage=target.percentage, set_on=target.set_on, note=target.note)
        )
    summaries = []
    for (year, subject), settings in grouped.items():
        achieved = ks2_by_year.get(year)
        if achieved is None:
            result = None
        elif subject == Subject.ENGLISH:
            result = achieved.english_percentage
        else:
            result = achieved.maths_percentage
        summaries.append(
            TargetSummary(
                year=year,
                subject=Subject(subject),
                settings=tuple(settings),
                direction=_direction(settings[0].percentage, settings[-1].percentage),
                result=result,
            )
        )
    return tuple(summaries)


def _results_by_year(
    key_stage_results: Iterable[KeyStageResult], value_added: Iterable[ValueAdded]
) -> tuple[YearResults, ...]:
    rows: dict[int, dict] = {}
    for result in key_stage_results:
        prefix = "ks1" if result.key_stage == KeyStage.KS1 else "ks2"
        rows.setdefault(result.year, {}).update(
            {
                f"{prefix}_english": result.english_percentage,
                f"{prefix}_maths": result.maths_percentage,
                f"{prefix}_cohort": result.cohort_size,
            }
        )
    for score in value_added:
        rows.setdefault(score.year, {}).update(
            value_added=score.score, value_added_grade=score.grade
        )
    return tuple(YearResults(year=year, **rows[year]) for year in sorted(rows))
