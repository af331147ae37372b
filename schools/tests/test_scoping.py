"""`visible_to(user)` on every model of the schools register, for every role, on both sides of
two LEAs: each user gets exactly the rows their place allows (accounts.scoping)."""

import datetime

import pytest

from accounts.models import Role
from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import (
    Inspection,
    KeyStage2Target,
    KeyStageResult,
    LocalAuthority,
    School,
    ValueAdded,
)
from tests.actors import ACTORS, LEAS_SEEN, SCHOOLS_SEEN, make_actor

pytestmark = pytest.mark.django_db

#: Every model whose rows belong to a school, and how to make two rows for a school.
SCHOOL_RECORDS = {
    School: None,
    KeyStageResult: lambda school: [
        KeyStageResultFactory(school=school, year=2004, key_stage=1),
        KeyStageResultFactory(school=school, year=2004, key_stage=2),
    ],
    ValueAdded: lambda school: [
        ValueAddedFactory(school=school, year=2003),
        ValueAddedFactory(school=school, year=2004),
    ],
    Inspection: lambda school: [
        InspectionFactory(school=school, inspected_on=datetime.date(2001, 3, 6)),
        InspectionFactory(school=school, inspected_on=datetime.date(2004, 11, 9)),
    ],
    KeyStage2Target: lambda school: [
        KeyStage2TargetFactory(school=school, subject="ENGLISH"),
        KeyStage2TargetFactory(school=school, subject="MATHS"),
    ],
}


@pytest.fixture
def places(lea, other_lea, school, sibling_school, foreign_school):
    return {
        "leas": {"own": lea, "other": other_lea},
        "schools": {"own": school, "sibling": sibling_school, "foreign": foreign_school},
    }


def _seen(name, table):
    return table.get(name, set())


@pytest.mark.parametrize("model", SCHOOL_RECORDS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("name", ACTORS)
def test_each_user_sees_exactly_the_records_of_the_schools_in_their_scope(name, model, places):
    make_records = SCHOOL_RECORDS[model]
    rows = {}
    for key, school in places["schools"].items():
        rows[key] = [school] if make_records is None else make_records(school)
    # A school of the user's LEA that nobody has singled out: LEA staff see it too.
    extra = SchoolFactory(local_authority=places["leas"]["own"])
    rows["sibling"] += [extra] if make_records is None else make_records(extra)
    user = make_actor(name, places)

    visible = set(model.objects.visible_to(user).values_list("pk", flat=True))

    expected = {row.pk for key in _seen(name, SCHOOLS_SEEN) for row in rows[key]}
    assert visible == expected


@pytest.mark.parametrize("name", ACTORS)
def test_each_user_sees_exactly_the_leas_in_their_scope(name, places):
    user = make_actor(name, places)

    visible = set(LocalAuthority.objects.visible_to(user))

    assert visible == {places["leas"][side] for side in _seen(name, LEAS_SEEN)}


def test_visible_to_can_be_chained_with_other_filters(users, lea, school, sibling_school):
    manager = users[Role.MANAGER]

    small = School.objects.visible_to(manager).small()

    assert list(small) == [school]
    assert sibling_school.number_on_roll > 120
