"""Writes of rates and grants. `grant_compute` is the only writer of a `Grant`; it applies the
rule in `funding.grants` to the school's number on roll and the year's rates. A grant with a
paid instalment is never recomputed: what was paid stays as it was offered."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leadership.models import Participation, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..grants import GrantFigures, GrantRates, grant_figures
from ..models import FundingRates, Grant, Payment, PaymentKind, PaymentStatus

#: The rates a strategy manager edits, and the programme year's own numbers edited beside them.
RATE_FIELDS = (
    "daily_supply_rate",
    "supply_days_per_person",
    "funded_people_large",
    "funded_people_small",
    "travel_grant",
    "pscl_day_rate",
    "returns_due_on",
)
YEAR_FIELDS = ("small_school_max_pupils", "pscl_days_per_school")
GRANT_FIELDS = tuple(GrantFigures.__dataclass_fields__)


def rates_for(programme_year: ProgrammeYear) -> FundingRates:
    """The year's funding rates, created with the defaults (DOMAIN.md's 2004-05 figures) the
    first time they are asked for."""
    rates, _created = FundingRates.objects.get_or_create(programme_year=programme_year)
    return rates


def grant_rates(rates: FundingRates, programme_year: ProgrammeYear) -> GrantRates:
    return GrantRates(
        size_threshold=programme_year.small_school_max_pupils,
        funded_people_large=rates.funded_people_large,
        funded_people_small=rates.funded_people_small,
        supply_days_per_person=rates.supply_days_per_person,
        daily_supply_rate=rates.daily_supply_rate,
        travel_grant=rates.travel_grant,
        pscl_days_per_school=programme_year.pscl_days_per_school,
        pscl_day_rate=rates.pscl_day_rate,
    )


def figures_for(participation: Participation) -> GrantFigures:
    """What `participation`'s grant is under today's rates and roll (nothing is saved).
    Raises ValidationError when the school's number on roll is unknown."""
    school = participation.school
    if school.number_on_roll is None:
        raise ValidationError(
            f"{school.name} has no number on roll, so its grant cannot be worked out. "
            "Record the number on roll first.",
            code="no_roll",
        )
    year = participation.programme_year
    return grant_figures(pupils=school.number_on_roll, rates=grant_rates(rates_for(year), year))


def is_paid(grant: Grant) -> bool:
    return Payment.objects.filter(
        participation_id=grant.participation_id,
        kind=PaymentKind.SCHOOL_GRANT,
        status=PaymentStatus.PAID,
    ).exists()


@dataclass(frozen=True)
class GrantChange:
    participation: Participation
    old_total: Decimal | None
    new_total: Decimal | None
    skipped_reason: str = ""

    @property
    def changed(self) -> bool:
        return not self.skipped_reason and self.old_total != self.new_total


@transaction.atomic
def grant_compute(*, participation: Participation, now=None) -> GrantChange:
    """Work out `participation`'s grant and save it (kept in the grant's history). A grant with
    a paid instalment is left as it is, and the change says so."""
    now = now or timezone.now()
    grant = Grant.objects.select_for_update().filter(participation=participation).first()
    old_total = grant.total if grant else None
    if grant is not None and is_paid(grant):
        return GrantChange(participation, old_total, old_total, skipped_reason="already paid")
    figures = figures_for(participation)
    values = {name: getattr(figures, name) for name in GRANT_FIELDS}
    if grant is None:
        grant = Grant(participation=participation, computed_at=now, **values)
    else:
        if all(getattr(grant, name) == value for name, value in values.items()):
            return GrantChange(participation, old_total, old_total)
        for name, value in values.items():
            setattr(grant, name, value)
        grant.computed_at = now
    grant.full_clean()
    grant.save()
    return GrantChange(participation, old_total, grant.total)


def grants_recompute(*, participations) -> list[GrantChange]:
    """Recompute the grants of `participations` (those holding a place); a school without a
    number on roll is reported, not fatal."""
    changes = []
    for participation in participations:
        try:
            changes.append(grant_compute(participation=participation))
        except ValidationError as error:
            changes.append(
                GrantChange(
                    participation,
                    getattr(getattr(participation, "grant", None), "total", None),
                    None,
                    skipped_reason=" ".join(error.messages),
                )
            )
    return changes


def _place_holders(programme_year: ProgrammeYear):
    return (
        Participation.objects.filter(
            programme_year=programme_year, status__in=PLACE_HOLDING_STATUSES
        )
        .select_related("school", "programme_year")
        .order_by("school__name")
    )


@transaction.atomic
def rates_update(*, programme_year: ProgrammeYear, values: dict) -> list[GrantChange]:
    """Save the year's rates (and its size threshold and PSCL days per school), then recompute
    every grant not yet paid. Returns what happened to each grant, so the page can say which
    changed and which were left because they are paid."""
    year = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    rates = FundingRates.objects.select_for_update().get(pk=rates_for(year).pk)
    for name in RATE_FIELDS:
        if name in values:
            setattr(rates, name, values[name])
    rates.full_clean()
    rates.save()
    year_changed = False
    for name in YEAR_FIELDS:
        if name in values and getattr(year, name) != values[name]:
            setattr(year, name, values[name])
            year_changed = True
    if year_changed:
        year.full_clean()
        year.save(update_fields=list(YEAR_FIELDS))
    return grants_recompute(participations=_place_holders(year))


def grants_refresh_for_school(*, school) -> list[GrantChange]:
    """Recompute the unpaid grants of `school`'s places whose roll differs from the school's
    number on roll now (a school whose roll changes is recomputed, with history)."""
    return grants_refresh_for_schools(schools=[school])


def grants_refresh_for_schools(*, schools) -> list[GrantChange]:
    """`grants_refresh_for_school` for many schools at once (an import's batch): one query finds
    the places whose grant was worked out for another roll, whatever the number of schools."""
    participations = (
        Participation.objects.filter(
            school__in=[school.pk for school in schools],
            school__number_on_roll__isnull=False,
            status__in=PLACE_HOLDING_STATUSES,
            grant__isnull=False,
        )
        .exclude(grant__pupils=F("school__number_on_roll"))
        .select_related("school", "programme_year")
    )
    return grants_recompute(participations=participations)
