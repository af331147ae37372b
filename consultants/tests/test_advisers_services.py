"""The rules of `consultants.services.advisers` against the real database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from consultants.factories import (
    AdviserFactory,
    AttachmentFactory,
    ConflictDeclarationFactory,
    DeclaredConflictFactory,
    LinkAdviserFactory,
)
from consultants.models import (
    Adviser,
    AdviserKind,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConflictKind,
    ConsultantTraining,
    DeclaredConflict,
    TrainingDay,
)
from consultants.selectors.advisers import declarable_schools
from consultants.services.advisers import (
    ConflictRow,
    adviser_attach,
    adviser_create,
    adviser_detach,
    adviser_update,
    capacity_set,
    declaration_save,
    training_record,
)
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def pscl(lea):
    return AdviserFactory(local_authority=lea)


def test_attaching_a_link_adviser_detaches_the_previous_one_and_keeps_the_consultants(
    lea, school, sibling_school
):
    old = AttachmentFactory(school=school, adviser__local_authority=lea).adviser
    AttachmentFactory(school=sibling_school, adviser=old)
    numeracy = LinkAdviserFactory(local_authority=lea, kind=AdviserKind.NUMERACY, user=None)
    AttachmentFactory(school=school, adviser=numeracy)
    new = LinkAdviserFactory(local_authority=lea)

    adviser_attach(adviser=new, school=school)

    assert set(Attachment.objects.filter(school=school).values_list("adviser", flat=True)) == {
        new.pk,
        numeracy.pk,
    }
    # The old link adviser keeps their other school.
    assert Attachment.objects.filter(adviser=old, school=sibling_school).exists()


def test_attaching_a_consultant_keeps_the_link_adviser(lea, school):
    link = AttachmentFactory(school=school, adviser__local_authority=lea).adviser
    literacy = LinkAdviserFactory(local_authority=lea, kind=AdviserKind.LITERACY, user=None)

    adviser_attach(adviser=literacy, school=school)

    assert Attachment.objects.filter(school=school).count() == 2
    assert Attachment.objects.filter(school=school, adviser=link).exists()


@pytest.mark.parametrize("case", ["other_lea", "twice", "inactive"])
def test_attaching_is_refused_and_changes_nothing(lea, other_lea, school, case):
    link = AttachmentFactory(school=school, adviser__local_authority=lea).adviser
    if case == "other_lea":
        adviser = LinkAdviserFactory(local_authority=other_lea)
    elif case == "twice":
        adviser = link
    else:
        adviser = LinkAdviserFactory(local_authority=lea, is_active=False)

    with pytest.raises(ValidationError):
        adviser_attach(adviser=adviser, school=school)

    assert list(Attachment.objects.values_list("adviser", flat=True)) == [link.pk]


def test_detaching_removes_only_that_attachment(lea, school, sibling_school):
    attachment = AttachmentFactory(school=school, adviser__local_authority=lea)
    AttachmentFactory(school=sibling_school, adviser=attachment.adviser)

    adviser_detach(adviser=attachment.adviser, school=school)

    assert list(Attachment.objects.values_list("school", flat=True)) == [sibling_school.pk]


def test_a_declaration_replaces_the_conflicts_declared_before(pscl, year, school, sibling_school):
    ParticipationFactory(programme_year=year, school=school)
    ParticipationFactory(programme_year=year, school=sibling_school)
    earlier = ConflictDeclarationFactory(adviser=pscl, programme_year=year)
    DeclaredConflictFactory(declaration=earlier, school=school, kind=ConflictKind.FAMILY)

    declaration = declaration_save(
        adviser=pscl,
        programme_year=year,
        conflicts=[ConflictRow(school=sibling_school, kind=ConflictKind.FEDERATION)],
        by=pscl.user,
        eligible_schools=declarable_schools(programme_year=year),
        declared_on=datetime.date(2004, 9, 2),
    )

    assert declaration.pk == earlier.pk
    assert declaration.declared_by == pscl.user
    assert declaration.declared_on == datetime.date(2004, 9, 2)
    assert list(DeclaredConflict.objects.values_list("school", "kind")) == [
        (sibling_school.pk, ConflictKind.FEDERATION)
    ]


def test_a_declaration_with_a_bad_row_changes_nothing(pscl, year, school, foreign_school):
    ParticipationFactory(programme_year=year, school=school)
    earlier = ConflictDeclarationFactory(adviser=pscl, programme_year=year)
    DeclaredConflictFactory(declaration=earlier, school=school, kind=ConflictKind.FAMILY)

    with pytest.raises(ValidationError, match="not a school of the PSCL's LEA"):
        declaration_save(
            adviser=pscl,
            programme_year=year,
            conflicts=[
                ConflictRow(school=school, kind=ConflictKind.GOVERNOR),
                ConflictRow(school=foreign_school, kind=ConflictKind.GOVERNOR),
            ],
            by=None,
        )

    assert list(DeclaredConflict.objects.values_list("kind", flat=True)) == [ConflictKind.FAMILY]
    assert ConflictDeclaration.objects.get().declared_on == earlier.declared_on


def test_a_school_not_taking_part_cannot_be_declared(pscl, year, school, sibling_school):
    ParticipationFactory(programme_year=year, school=school)
    ParticipationFactory(
        programme_year=year,
        school=sibling_school,
        status=ParticipationStatus.WITHDRAWN,
        status_reason="Closed.",
    )

    with pytest.raises(ValidationError, match="not taking part"):
        declaration_save(
            adviser=pscl,
            programme_year=year,
            conflicts=[ConflictRow(school=sibling_school, kind=ConflictKind.FAMILY)],
            by=None,
            eligible_schools=declarable_schools(programme_year=year),
        )

    assert not ConflictDeclaration.objects.exists()


def test_only_a_pscl_of_the_year_s_lea_has_a_capacity_training_or_declaration(
    lea, other_lea, pscl, year
):
    link = LinkAdviserFactory(local_authority=lea)
    foreign_year = ProgrammeYearFactory(local_authority=other_lea)

    with pytest.raises(ValidationError):
        capacity_set(adviser=link, programme_year=year, max_schools=4, max_days=Decimal(16))
    with pytest.raises(ValidationError):
        capacity_set(adviser=pscl, programme_year=foreign_year, max_schools=4, max_days=Decimal(1))
    with pytest.raises(ValidationError):
        declaration_save(adviser=link, programme_year=year, conflicts=[], by=None)

    assert not Capacity.objects.exists()
    assert not ConflictDeclaration.objects.exists()


def test_capacity_is_one_per_pscl_and_year(pscl, year):
    capacity_set(adviser=pscl, programme_year=year, max_schools=4, max_days=Decimal("16"))
    capacity_set(adviser=pscl, programme_year=year, max_schools=2, max_days=Decimal("8.5"))

    assert list(Capacity.objects.values_list("max_schools", "max_days")) == [(2, Decimal("8.5"))]


def test_training_records_attended_days_and_refuses_an_unknown_day(pscl, year):
    training_record(
        adviser=pscl,
        programme_year=year,
        attended={TrainingDay.INITIAL_1: datetime.date(2004, 7, 12), TrainingDay.FOURTH: None},
    )

    with pytest.raises(ValidationError):
        training_record(
            adviser=pscl, programme_year=year, attended={"FIFTH": datetime.date(2004, 7, 13)}
        )

    assert list(ConsultantTraining.objects.values_list("day", flat=True)) == [TrainingDay.INITIAL_1]


def test_a_pscl_made_a_link_adviser_loses_the_pscl_profile(pscl):
    pscl.user = None
    pscl.save()

    adviser = adviser_update(adviser=pscl, kind=AdviserKind.LINK_ADVISER)

    assert (adviser.home_school, adviser.years_of_headship, adviser.appointed_on) == (
        None,
        None,
        None,
    )


def test_a_home_school_of_another_lea_is_refused(lea, foreign_school):
    with pytest.raises(ValidationError):
        adviser_create(
            local_authority=lea,
            kind=AdviserKind.PSCL,
            full_name="Out Of Area",
            home_school=foreign_school,
        )

    assert not Adviser.objects.exists()
