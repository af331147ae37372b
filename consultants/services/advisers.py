"""Writes about the LEA's advisers: their profile, a PSCL's capacity and training per programme
year, conflicts of interest, and the advisers attached to a school.

The views check who may do each; these functions hold the rules of what may be done.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import clock
from leadership.models import ProgrammeYear
from schools.models import School

from ..models import (
    Adviser,
    AdviserKind,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    DeclaredConflict,
    TrainingDay,
)

#: The fields of an adviser's profile that the add and edit forms set.
ADVISER_FIELDS = (
    "kind",
    "full_name",
    "email",
    "phone",
    "user",
    "home_school",
    "years_of_headship",
    "expertise",
    "appointed_on",
    "is_active",
)
#: The fields only a PSCL has; they are emptied for the other kinds.
PSCL_ONLY_FIELDS = ("home_school", "years_of_headship", "appointed_on")


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


def _profile(adviser: Adviser, fields: dict) -> None:
    unknown = set(fields) - set(ADVISER_FIELDS)
    if unknown:
        raise TypeError(f"Not an adviser's profile field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(adviser, name, value)
    if adviser.kind != AdviserKind.PSCL:
        adviser.home_school = None
        adviser.years_of_headship = None
        adviser.appointed_on = None
    if adviser.home_school_id and adviser.home_school.local_authority_id != (
        adviser.local_authority_id
    ):
        raise ValidationError({"home_school": "The home school must be a school of the LEA."})


@transaction.atomic
def adviser_create(*, local_authority, **fields) -> Adviser:
    """Add an adviser to `local_authority`. A PSCL added here is appointed only when
    `appointed_on` is given (one appointed outside PLP Admin); otherwise the PSCL is appointed
    through recruitment (`consultants.services.recruitment.application_appoint`)."""
    adviser = Adviser(local_authority=local_authority)
    _profile(adviser, fields)
    _save(adviser)
    return adviser


@transaction.atomic
def adviser_update(*, adviser: Adviser, **fields) -> Adviser:
    """Change an adviser's profile. A kind other than PSCL loses the PSCL's profile (home
    school, years of headship, appointment), as the database allows them only for a PSCL."""
    adviser = Adviser.objects.select_for_update().get(pk=adviser.pk)
    _profile(adviser, fields)
    _save(adviser)
    return adviser


def _require_pscl_of_year(adviser: Adviser, programme_year: ProgrammeYear) -> None:
    if not adviser.is_pscl:
        raise ValidationError("Only a PSCL has a capacity, training and a declaration.")
    if programme_year.local_authority_id != adviser.local_authority_id:
        raise ValidationError("The programme year belongs to another LEA.")


@transaction.atomic
def capacity_set(
    *, adviser: Adviser, programme_year: ProgrammeYear, max_schools: int, max_days: Decimal
) -> Capacity:
    """Set how many schools and days `adviser` (a PSCL) can give in `programme_year`: one
    capacity per PSCL and year, created or changed."""
    _require_pscl_of_year(adviser, programme_year)
    capacity = (
        Capacity.objects.select_for_update()
        .filter(adviser=adviser, programme_year=programme_year)
        .first()
    ) or Capacity(adviser=adviser, programme_year=programme_year)
    capacity.max_schools = max_schools
    capacity.max_days = max_days
    _save(capacity)
    return capacity


@transaction.atomic
def training_record(
    *,
    adviser: Adviser,
    programme_year: ProgrammeYear,
    attended: dict[str, datetime.date | None],
) -> list[ConsultantTraining]:
    """Record which of the four training days (DOMAIN.md: three days before work starts, a
    fourth in the autumn term) `adviser` attended in `programme_year`, and when. A day given
    no date was not attended: any record of it is removed. Returns the days attended."""
    _require_pscl_of_year(adviser, programme_year)
    unknown = set(attended) - set(TrainingDay.values)
    if unknown:
        raise ValidationError(f"Unknown training day: {', '.join(sorted(unknown))}.")
    Adviser.objects.select_for_update().filter(pk=adviser.pk).first()
    existing = {
        record.day: record
        for record in ConsultantTraining.objects.filter(
            adviser=adviser, programme_year=programme_year
        )
    }
    kept = []
    for day in TrainingDay.values:
        if day not in attended:
            if day in existing:
                kept.append(existing[day])
            continue
        attended_on = attended[day]
        record = existing.get(day)
        if attended_on is None:
            if record is not None:
                record.delete()
            continue
        record = record or ConsultantTraining(
            adviser=adviser, programme_year=programme_year, day=day
        )
        if record.pk is None or record.attended_on != attended_on:
            record.attended_on = attended_on
            _save(record)
        kept.append(record)
    return kept


@dataclass(frozen=True)
class ConflictRow:
    """One link to a school that a PSCL declares."""

    school: School
    kind: str
    details: str = ""


@transaction.atomic
def declaration_save(
    *,
    adviser: Adviser,
    programme_year: ProgrammeYear,
    conflicts: Iterable[ConflictRow],
    by,
    eligible_schools=None,
    declared_on: datetime.date | None = None,
) -> ConflictDeclaration:
    """Record `adviser`'s declaration of conflicts of interest for `programme_year`: the links
    in `conflicts` replace any declared before (none: "no link to any participating school").
    Dated `declared_on` (today) and signed by `by`. Every school must be of the PSCL's LEA and,
    when `eligible_schools` (a QuerySet of schools) is given, among them."""
    _require_pscl_of_year(adviser, programme_year)
    conflicts = list(conflicts)
    eligible_ids = (
        None if eligible_schools is None else set(eligible_schools.values_list("pk", flat=True))
    )
    seen = set()
    for row in conflicts:
        if row.school.local_authority_id != adviser.local_authority_id:
            raise ValidationError(f"{row.school.name} is not a school of the PSCL's LEA.")
        if eligible_ids is not None and row.school.pk not in eligible_ids:
            raise ValidationError(f"{row.school.name} is not taking part in the programme year.")
        if (row.school.pk, row.kind) in seen:
            raise ValidationError(f"The same link to {row.school.name} is declared twice.")
        seen.add((row.school.pk, row.kind))
    declaration = (
        ConflictDeclaration.objects.select_for_update()
        .filter(adviser=adviser, programme_year=programme_year)
        .first()
    ) or ConflictDeclaration(adviser=adviser, programme_year=programme_year)
    declaration.declared_on = declared_on or clock.today()
    declaration.declared_by = by
    _save(declaration)
    declaration.conflicts.all().delete()
    for row in conflicts:
        _save(
            DeclaredConflict(
                declaration=declaration,
                school=row.school,
                kind=row.kind,
                details=row.details.strip(),
            )
        )
    return declaration


@transaction.atomic
def adviser_attach(
    *, adviser: Adviser, school: School, attached_on: datetime.date | None = None
) -> Attachment:
    """Attach `adviser` to `school`. A school has at most one link adviser: attaching a link
    adviser detaches the school's previous one, in the same transaction. The school's row is
    locked, so that two managers attaching at once leave one link adviser."""
    if adviser.local_authority_id != school.local_authority_id:
        raise ValidationError("The adviser works for another LEA.")
    if not adviser.is_active:
        raise ValidationError(f"{adviser.full_name} no longer works for the LEA.")
    School.objects.select_for_update().filter(pk=school.pk).first()
    if Attachment.objects.filter(adviser=adviser, school=school).exists():
        raise ValidationError(f"{adviser.full_name} is already attached to {school.name}.")
    if adviser.kind == AdviserKind.LINK_ADVISER:
        Attachment.objects.filter(school=school, adviser__kind=AdviserKind.LINK_ADVISER).delete()
    attachment = Attachment(
        adviser=adviser, school=school, attached_on=attached_on or clock.today()
    )
    _save(attachment)
    return attachment


@transaction.atomic
def adviser_detach(*, adviser: Adviser, school: School) -> None:
    """Detach `adviser` from `school` (nothing to do when not attached)."""
    Attachment.objects.filter(adviser=adviser, school=school).delete()
