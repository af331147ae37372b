"""`visible_to(user)` on every leadership model that has it, for every role, on both sides of two
LEAs: each user gets exactly the rows their place allows (accounts.scoping), once each."""

import pytest
from django.apps import apps

from accounts.models import Role
from leadership.factories import (
    ActionPlanFactory,
    ConcernFactory,
    LeadershipTeamMemberFactory,
    NoteFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
    TrainingEventFactory,
)
from leadership.models import (
    ActionPlan,
    Concern,
    ConcernEscalation,
    ConcernLevel,
    LeadershipTeamMember,
    MemberRole,
    Note,
    Participation,
    ParticipationStatus,
    ProgrammeYear,
    SchoolVisit,
    SelectionFlag,
    TrainingEvent,
)
from schools.factories import SchoolFactory
from tests.actors import ACTORS, LEAS_SEEN, SCHOOLS_SEEN, make_actor

pytestmark = pytest.mark.django_db

SCHOOL_MEMBERS = {"headteacher", "governor", "other_headteacher", "other_governor"}


@pytest.fixture
def places(lea, other_lea, school, sibling_school, foreign_school):
    years = {"own": ProgrammeYearFactory(local_authority=lea)}
    years["other"] = ProgrammeYearFactory(local_authority=other_lea)
    schools = {"own": school, "sibling": sibling_school, "foreign": foreign_school}
    participations = {
        key: ParticipationFactory(
            programme_year=years["other" if key == "foreign" else "own"], school=school_
        )
        for key, school_ in schools.items()
    }
    return {
        "leas": {"own": lea, "other": other_lea},
        "years": years,
        "schools": schools,
        "participations": participations,
    }


def _visible(model, user):
    """The pks `user` sees, checking that none comes twice."""
    pks = list(model.objects.visible_to(user).values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), f"{model.__name__} rows repeated for {user}"
    return set(pks)


#: For every model whose rows belong to one school: how to make two rows for a participation.
SCHOOL_RECORDS = {
    Participation: lambda p: [
        p,
        ParticipationFactory(
            programme_year=ProgrammeYearFactory(
                local_authority=p.programme_year.local_authority, name="2003-04"
            ),
            school=p.school,
            status=ParticipationStatus.COMPLETED,
        ),
    ],
    SelectionFlag: lambda p: [
        SelectionFlagFactory(programme_year=p.programme_year, school=p.school),
        SelectionFlagFactory(
            programme_year=ProgrammeYearFactory(
                local_authority=p.programme_year.local_authority, name="2005-06"
            ),
            school=p.school,
        ),
    ],
    LeadershipTeamMember: lambda p: [
        LeadershipTeamMemberFactory(participation=p, role=MemberRole.HEADTEACHER),
        LeadershipTeamMemberFactory(participation=p, role=MemberRole.DEPUTY),
    ],
    SchoolVisit: lambda p: [
        SchoolVisitFactory(participation=p, host_school=SchoolFactory()),
        SchoolVisitFactory(participation=p, host_school=SchoolFactory(), is_outside_locality=True),
    ],
    ActionPlan: lambda p: [ActionPlanFactory(participation=p)],
    Note: lambda p: [NoteFactory(school=p.school), NoteFactory(school=p.school, text="Second.")],
}


@pytest.mark.parametrize("model", SCHOOL_RECORDS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("name", ACTORS)
def test_each_user_sees_exactly_the_programme_rows_of_the_schools_in_their_scope(
    name, model, places
):
    make_rows = SCHOOL_RECORDS[model]
    rows = {key: make_rows(p) for key, p in places["participations"].items()}
    # A school of the user's LEA that nobody has singled out: LEA staff see its rows too.
    extra = ParticipationFactory(
        programme_year=places["years"]["own"],
        school=SchoolFactory(local_authority=places["leas"]["own"]),
    )
    rows["sibling"] += make_rows(extra)
    user = make_actor(name, places)

    visible = _visible(model, user)

    assert visible == {row.pk for key in SCHOOLS_SEEN.get(name, ()) for row in rows[key]}


@pytest.mark.parametrize("name", ACTORS)
def test_each_user_sees_exactly_the_programme_years_of_their_lea(name, places):
    previous = {
        side: ProgrammeYearFactory(local_authority=lea, name="2003-04")
        for side, lea in places["leas"].items()
    }
    user = make_actor(name, places)

    visible = _visible(ProgrammeYear, user)

    assert visible == {
        year.pk
        for side in LEAS_SEEN.get(name, ())
        for year in (places["years"][side], previous[side])
    }


@pytest.mark.parametrize("name", ACTORS)
def test_training_is_seen_by_its_leas_staff_and_by_schools_holding_a_place_that_year(name, places):
    """Headteachers and governors see the training of the years in which their school holds a
    place, not of a year it declined."""
    own_lea = places["leas"]["own"]
    declined_year = ProgrammeYearFactory(local_authority=own_lea, name="2005-06")
    ParticipationFactory(
        programme_year=declined_year,
        school=places["schools"]["own"],
        status=ParticipationStatus.DECLINED,
    )
    ParticipationFactory(programme_year=declined_year, school=places["schools"]["sibling"])
    events = {
        "own_year": [
            TrainingEventFactory(programme_year=places["years"]["own"], session=session)
            for session in (1, 2)
        ],
        "declined_year": [TrainingEventFactory(programme_year=declined_year)],
        "other_year": [TrainingEventFactory(programme_year=places["years"]["other"])],
    }
    seen_by_lea = {"own": {"own_year", "declined_year"}, "other": {"other_year"}}
    expected = {group for side in LEAS_SEEN.get(name, ()) for group in seen_by_lea[side]}
    if name in SCHOOL_MEMBERS:
        expected -= {"declined_year"}
    user = make_actor(name, places)

    visible = _visible(TrainingEvent, user)

    assert visible == {event.pk for group in expected for event in events[group]}


@pytest.mark.parametrize("name", ACTORS)
def test_concerns_are_seen_in_scope_and_by_a_school_only_once_its_governors_are_told(name, places):
    """LEA staff see every concern on the schools in their scope; a school's headteacher and
    governors only those formally notified to its governing body."""
    rows = {}
    for key, school in places["schools"].items():
        internal = ConcernFactory(school=school)
        notified = ConcernFactory(school=school, level=ConcernLevel.GOVERNING_BODY)
        ConcernEscalation.objects.create(
            concern=notified,
            to_level=ConcernLevel.GOVERNING_BODY,
            note="The chair is told formally.",
            letter="Dear Chair of Governors, ...",
        )
        rows[key] = {"internal": internal, "notified": notified}
    kinds = {"notified"} if name in SCHOOL_MEMBERS else {"internal", "notified"}
    user = make_actor(name, places)

    visible = _visible(Concern, user)

    assert visible == {rows[key][kind].pk for key in SCHOOLS_SEEN.get(name, ()) for kind in kinds}


def test_every_leadership_model_with_visible_to_is_covered():
    scoped = {
        model
        for model in apps.get_app_config("leadership").get_models()
        if hasattr(model._default_manager, "visible_to")
    }

    assert scoped == {*SCHOOL_RECORDS, ProgrammeYear, TrainingEvent, Concern}


def test_visible_to_can_be_chained_with_other_filters(users, places):
    places["participations"]["sibling"].status = ParticipationStatus.INVITED
    places["participations"]["sibling"].save()

    holding = Participation.objects.visible_to(users[Role.MANAGER]).holding_places()

    assert list(holding) == [places["participations"]["own"]]


# The rules' `can_see` answers as `visible_to` does --------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_can_see_agrees_with_visible_to_and_queries_only_for_a_pscl(
    name, places, django_assert_max_num_queries
):
    from accounts.scoping import sees_school
    from leadership.rules import can_see
    from schools.models import School

    user = make_actor(name, places)
    for key, school in places["schools"].items():
        expected = School.objects.visible_to(user).filter(pk=school.pk).exists()
        is_pscl = ACTORS[name][0] == Role.CONSULTANT and ACTORS[name][2]
        with django_assert_max_num_queries(1 if is_pscl else 0):
            answer = can_see(user, school)
        assert answer == expected, (name, key)
        assert answer == (key in SCHOOLS_SEEN.get(name, set())), (name, key)
        assert sees_school(user, school) == (None if is_pscl else expected), (name, key)


@pytest.mark.parametrize("name", ACTORS)
def test_a_schools_participations_on_its_page_are_those_visible_to_the_user(
    name, places, django_assert_max_num_queries
):
    """`school_participations` (the school page's, shared by its sections) applies no scope to
    a school the user is known to see, and `visible_to` otherwise: the same rows either way."""
    from leadership.selectors.plans import school_participations
    from schools.models import School

    user = make_actor(name, places)
    for key in places["schools"]:
        school = School.objects.get(pk=places["schools"][key].pk)
        expected = list(Participation.objects.visible_to(user).filter(school=school))
        with django_assert_max_num_queries(1):
            answer = school_participations(school=school, user=user)
        with django_assert_max_num_queries(0):
            assert school_participations(school=school, user=user) is answer
        assert answer == expected, (name, key)
        assert bool(answer) == (key in SCHOOLS_SEEN.get(name, set())), (name, key)
