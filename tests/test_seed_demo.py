"""`manage.py seed_demo`: what it builds (schools, log-ins, each LEA's programme last year and this,
its consultant leaders: consultants/tests/test_demo.py tells their story, and its money:
funding/tests/test_demo.py), that running it again changes nothing, and that it refuses
production."""

import datetime
import io
import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.test import Client, RequestFactory, TestCase, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from simple_history.models import HistoricalChanges

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role, User
from config.celery import app as celery_app
from consultants.models import Adviser, Allocation, Application, SupportEvaluation, Visit
from funding.demo import EVIDENCE_PDF, evidence_token
from funding.models import (
    BudgetOverride,
    CoverClaim,
    ExpenditureReturn,
    Grant,
    Payment,
    ReturnEvidence,
)
from leadership.demo import DEMO_TODAY
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Concern,
    ConcernLevel,
    LeadershipTeamMember,
    MemberRole,
    Note,
    Participation,
    ParticipationStatus,
    PlanReview,
    PriorityArea,
    ProgrammeYear,
    SchoolActivity,
    SchoolVisit,
    SelectionFlag,
    TrainingAttendance,
    TrainingEvent,
)
from reports.models import (
    EvaluationThresholds,
    Notification,
    NotificationFrequency,
    ReportBatch,
    ReportKind,
    ReportRun,
    RunStatus,
)
from schools.factories import value_added_grade
from schools.models import (
    Inspection,
    InspectionType,
    KeyStage,
    KeyStage2Target,
    KeyStageResult,
    LocalAuthority,
    OfstedCategory,
    School,
    Subject,
    ValueAdded,
)

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "admin@plp.example.org": (Role.ADMIN, None),
    **{
        f"{local}@{lea.lower()}.example.org": (role, code)
        for code, lea in (("991", "Northmoor"), ("992", "Southvale"))
        for local, role in (
            ("manager", Role.MANAGER),
            ("adviser", Role.LINK_ADVISER),
            ("pscl", Role.CONSULTANT),
            ("head", Role.HEADTEACHER),
            ("governor", Role.GOVERNOR),
        )
    },
}


def _seed() -> str:
    """Run the command as `make run` does: the figures refresh once the seed commits."""
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@contextmanager
def _tasks_in_process():
    """Celery runs tasks in-process, as it does without REDIS_URL: the refresh is checked here,
    the broker and worker in tests/test_celery_worker.py."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """The demo data, seeded once for this module in a transaction rolled back after its last
    test; each test runs in a savepoint of it, so a test that changes the data changes it for
    itself only. The evidence files go to a MEDIA_ROOT of their own."""
    with (
        tempfile.TemporaryDirectory() as media_root,
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media_root,
            # As `make run` seeds: the reports describe the demo's date.
            PLP_TODAY=DEMO_TODAY,
        ),
        _tasks_in_process(),
        transaction.atomic(),
    ):
        yield _seed()
        transaction.set_rollback(True)


SEEDED_APPS = ("accounts", "schools", "leadership", "consultants", "funding", "reports")


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every model of the seeded apps (audit history and many-to-many tables
    included), by model."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for app in SEEDED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


#: The natural key of the rows the leadership tables point to outside their app.
NATURAL_KEYS = {User: ("email",), School: ("urn",), LocalAuthority: ("code",)}


#: Fields drawn afresh on every creation, so left out of the comparison of two seeds: the secret
#: in the address of a PSCL's calendar feed, and a plan's cache version (accounts.versioning).
RANDOM_FIELDS = {"calendar_token", "contents_version"}
#: Fields that name a row's id, which a second seed of an empty database draws afresh: the path
#: of a stored evidence file names its return. (The file's token does not change.)
ID_DERIVED_FIELDS = {"file"}
#: Values that name a row's id: the address that replaces an applicant's once the retention
#: rules have anonymised the application (privacy.services.retention).
ID_DERIVED_VALUE = re.compile(r"^removed-application-\d+@invalid$")


def _without_id(value):
    if isinstance(value, str) and ID_DERIVED_VALUE.match(value):
        return "removed-application-<id>@invalid"
    return value


def _programme_rows() -> dict[str, list[tuple]]:
    """Every row of the leadership, consultants and funding tables (many-to-many included, audit
    history not), each foreign key replaced by the natural key of the row it points to, so that
    two seeds of empty databases compare equal whatever ids they drew."""
    programme = [
        model
        for app in ("leadership", "consultants", "funding")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not issubclass(model, HistoricalChanges)
    ]
    rows = {
        model: {row["id"]: row for row in model._default_manager.values()}
        for model in [*programme, *NATURAL_KEYS]
    }

    def natural(model, pk):
        if pk is None:
            return None
        row = rows[model][pk]
        if model in NATURAL_KEYS:
            return tuple(row[name] for name in NATURAL_KEYS[model])
        return tuple(
            natural(field.related_model, row[field.attname])
            if field.is_relation
            else _without_id(row[field.attname])
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in RANDOM_FIELDS | ID_DERIVED_FIELDS
        )

    return {
        model._meta.label: sorted((natural(model, pk) for pk in rows[model]), key=repr)
        for model in programme
    }


def test_seeding_builds_northmoor_and_southvale_with_forty_schools_each():
    leas = LocalAuthority.objects.order_by("code")

    assert [(lea.code, lea.name) for lea in leas] == [("991", "Northmoor"), ("992", "Southvale")]
    for lea in leas:
        assert School.objects.in_lea(lea).count() == 40
        assert School.objects.in_lea(lea).values("name").distinct().count() == 40


def test_demo_schools_span_both_size_bands_with_rolls_of_120_and_121():
    for lea in LocalAuthority.objects.all():
        schools = School.objects.in_lea(lea)
        rolls = set(schools.values_list("number_on_roll", flat=True))

        assert schools.small().count() >= 5
        assert schools.large().count() >= 5
        assert {120, 121} <= rolls


def test_demo_schools_have_postcodes_and_grid_references_clustered_by_lea():
    boxes = {}
    for lea in LocalAuthority.objects.all():
        schools = School.objects.in_lea(lea)
        areas = {school.postcode[:2] for school in schools}
        eastings = [school.easting for school in schools]
        northings = [school.northing for school in schools]

        assert len(areas) == 1
        assert all(len(school.postcode.split(" ")[1]) == 3 for school in schools)
        assert max(eastings) - min(eastings) < 50_000
        assert max(northings) - min(northings) < 50_000
        boxes[lea.code] = (min(northings), max(northings))
    assert boxes["992"][1] < boxes["991"][0]


def test_every_demo_school_has_ks1_and_ks2_results_for_2002_to_2006():
    expected = {(year, stage) for year in range(2002, 2007) for stage in KeyStage.values}

    for school in School.objects.all():
        assert set(school.results.values_list("year", "key_stage")) == expected
    missing = KeyStageResult.objects.filter(english_percentage=None)
    assert 0 < missing.count() < KeyStageResult.objects.count() / 10


def test_ks2_results_rise_on_average_from_2002_to_2006():
    def mean_english(year):
        values = KeyStageResult.objects.filter(key_stage=KeyStage.KS2, year=year)
        values = [v for v in values.values_list("english_percentage", flat=True) if v is not None]
        return sum(values) / len(values)

    assert Decimal(60) < mean_english(2002) < mean_english(2006) < Decimal(90)


def test_value_added_lies_around_100_with_the_grade_its_score_earns():
    scores = ValueAdded.objects.exclude(score=None)

    assert set(ValueAdded.objects.values_list("year", flat=True)) == set(range(2002, 2007))
    assert ValueAdded.objects.count() == 80 * 5
    assert all(Decimal("96.5") <= va.score <= Decimal("103.5") for va in scores)
    assert scores.filter(score__lt=100).exists()
    assert scores.filter(score__gt=100).exists()
    assert all(va.grade == value_added_grade(va.score) for va in ValueAdded.objects.all())
    assert ValueAdded.objects.filter(score=None, grade=None).exists()


def test_every_demo_school_has_one_or_two_section_10_inspections():
    for school in School.objects.all():
        inspections = school.inspections.all()

        assert 1 <= len(inspections) <= 2
        assert {i.inspection_type for i in inspections} == {InspectionType.SECTION_10}
    assert Inspection.objects.values("school").distinct().count() == 80


def test_a_few_demo_schools_are_in_an_ofsted_category():
    for lea in LocalAuthority.objects.all():
        in_category = School.objects.in_lea(lea).in_ofsted_category()

        assert 1 <= in_category.count() <= 4
        assert all(school.latest_value_added < 100 for school in in_category)


def test_ks2_targets_for_2005_and_2006_were_raised_kept_or_lowered():
    directions = set()
    for school in School.objects.all():
        for year in (2005, 2006):
            for subject in Subject.values:
                settings = list(
                    school.targets.filter(year=year, subject=subject)
                    .order_by("set_on")
                    .values_list("percentage", flat=True)
                )
                assert 1 <= len(settings) <= 2
                if len(settings) == 2:
                    first, last = settings
                    directions.add(
                        "raised" if last > first else "lowered" if last < first else "kept"
                    )

    assert directions == {"raised", "kept", "lowered"}
    assert set(KeyStage2Target.objects.values_list("year", flat=True)) == {2005, 2006}


def test_seeding_refreshes_every_schools_latest_value_added():
    for school in School.objects.all():
        latest = school.value_added.exclude(score=None).order_by("-year").first()

        assert (school.latest_value_added, school.latest_value_added_year) == (
            latest.score,
            latest.year,
        )


def test_seeding_creates_one_demo_user_per_role_per_lea_an_admin_and_the_advisers_log_ins():
    users = {
        user.email: (
            user.role,
            user.local_authority or (user.school and user.school.local_authority),
        )
        for user in User.objects.select_related("local_authority", "school__local_authority")
    }
    codes = {email: (role, lea and lea.code) for email, (role, lea) in users.items()}
    advisers = {
        email: value
        for email, value in codes.items()
        if email not in DEMO_ACCOUNTS and Adviser.objects.filter(user__email=email).exists()
    }

    assert {email: codes.get(email) for email in DEMO_ACCOUNTS} == DEMO_ACCOUNTS
    # Besides the demo log-ins, only the other PSCLs and link advisers of each LEA sign in.
    assert set(codes) == set(DEMO_ACCOUNTS) | set(advisers)
    assert Counter(advisers.values()) == {
        (Role.CONSULTANT, "991"): 8,
        (Role.LINK_ADVISER, "991"): 2,
        (Role.CONSULTANT, "992"): 8,
        (Role.LINK_ADVISER, "992"): 2,
    }
    admin = User.objects.get(email="admin@plp.example.org")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.exclude(pk=admin.pk).filter(is_staff=True).exists()
    assert all(user.full_name.count(" ") >= 1 for user in User.objects.all())


def test_demo_headteacher_and_governor_belong_to_millfield_in_northmoor():
    head = User.objects.get(email="head@northmoor.example.org")
    governor = User.objects.get(email="governor@northmoor.example.org")

    assert head.school.name == "Millfield Primary School"
    assert head.school.local_authority.code == "991"
    assert governor.school == head.school
    assert head.full_name == head.school.headteacher_name
    southvale_head = User.objects.get(email="head@southvale.example.org")
    assert southvale_head.school.local_authority.code == "992"
    assert User.objects.get(email="governor@southvale.example.org").school == southvale_head.school


def test_every_demo_user_signs_in_with_the_demo_password():
    for email in DEMO_ACCOUNTS:
        request = RequestFactory().post("/")

        user = authenticate(request, username=email, password=DEMO_PASSWORD)

        assert user is not None and user.email == email
    refused = authenticate(
        RequestFactory().post("/"), username="head@northmoor.example.org", password="wrong"
    )
    assert refused is None


def test_running_the_seed_twice_changes_nothing():
    before = _snapshot()
    history_rows = School.history.count()

    _seed()

    assert School.history.count() == history_rows
    assert _snapshot() == before


def test_seeding_an_empty_database_again_gives_the_same_values():
    def values():
        # Natural keys instead of ids; password hashes are salted afresh, so left out.
        return (
            sorted(User.objects.values_list("email", "full_name", "role", "school__urn")),
            sorted(School.objects.values_list("urn", "name", "number_on_roll", "postcode")),
            sorted(
                KeyStageResult.objects.values_list(
                    "school__urn", "year", "key_stage", "english_percentage"
                )
            ),
            sorted(ValueAdded.objects.values_list("school__urn", "year", "score")),
            sorted(
                KeyStage2Target.objects.values_list(
                    "school__urn", "year", "subject", "set_on", "percentage"
                )
            ),
            sorted(Inspection.objects.values_list("school__urn", "inspected_on", "overall_grade")),
            _programme_rows(),
        )

    first = values()
    for model in (Notification, ReportRun, ReportBatch, EvaluationThresholds):
        model.objects.all().delete()
    for model in (Payment, BudgetOverride, ExpenditureReturn, Grant):
        model.objects.all().delete()
    SupportEvaluation.objects.all().delete()
    Visit.objects.all().delete()
    Allocation.objects.all().delete()
    Application.objects.all().delete()
    Adviser.objects.all().delete()
    Participation.objects.all().delete()
    ProgrammeYear.objects.all().delete()
    User.objects.all().delete()
    School.objects.all().delete()
    LocalAuthority.objects.all().delete()

    _seed()

    assert values() == first


def test_seeding_repairs_a_changed_demo_row_and_password():
    head = User.objects.get(email="head@northmoor.example.org")
    head.set_password("something-else-entirely")
    head.is_active = False
    head.save()
    School.objects.filter(urn=120001).update(number_on_roll=300)

    _seed()

    head.refresh_from_db()
    assert head.is_active and head.check_password(DEMO_PASSWORD)
    assert School.objects.get(urn=120001).number_on_roll == 120


def test_seeding_refuses_to_run_in_production(settings):
    before = _snapshot()
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        _seed()

    assert _snapshot() == before


def test_seed_output_lists_every_demo_login_with_its_password(seeded):
    for email in DEMO_ACCOUNTS:
        line = next(line for line in seeded.splitlines() if line.startswith(email))

        assert DEMO_PASSWORD in line
    assert "Millfield Primary School" in seeded
    assert "Consultant leader (PSCL)" in seeded


def test_ofsted_categories_match_the_latest_inspection():
    for school in School.objects.in_ofsted_category():
        latest = school.inspections.order_by("-inspected_on").first()

        assert latest.overall_grade >= 6
    assert OfstedCategory.NONE in School.objects.values_list("ofsted_category", flat=True)


# The programme years (leadership).

DEMO_SCHOOLS = {"991": "Millfield Primary School", "992": "Kingsway Primary School"}
#: The steps the workflow allows (issue: "Participation workflow"), "" being a new place.
ALLOWED_STEPS = {
    "": {ParticipationStatus.IDENTIFIED},
    ParticipationStatus.IDENTIFIED: {ParticipationStatus.INVITED},
    ParticipationStatus.INVITED: {ParticipationStatus.ACCEPTED, ParticipationStatus.DECLINED},
    ParticipationStatus.ACCEPTED: {ParticipationStatus.ACTIVE},
    ParticipationStatus.ACTIVE: {ParticipationStatus.COMPLETED, ParticipationStatus.WITHDRAWN},
}
WITH_REASON = {ParticipationStatus.DECLINED, ParticipationStatus.WITHDRAWN}


def _year(code, name):
    return ProgrammeYear.objects.get(local_authority__code=code, name=name)


def _demo_participation(code):
    return Participation.objects.get(
        programme_year__local_authority__code=code,
        programme_year__name="2004-05",
        school__name=DEMO_SCHOOLS[code],
    )


def _local_date(moment):
    return timezone.localtime(moment).date()


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_each_demo_lea_has_last_year_and_this_year(code):
    previous, current = _year(code, "2003-04"), _year(code, "2004-05")

    assert (previous.starts_on, previous.ends_on) == (
        datetime.date(2003, 9, 1),
        datetime.date(2004, 7, 31),
    )
    assert (current.starts_on, current.ends_on) == (
        datetime.date(2004, 9, 1),
        datetime.date(2005, 7, 31),
    )
    assert (current.funded_places, current.reserve_places) == (34, 3)
    assert current.starts_on < DEMO_TODAY < current.ends_on
    assert ProgrammeYear.objects.filter(local_authority__code=code).count() == 2


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_this_years_schools_stand_at_every_step_of_the_workflow(code):
    year = _year(code, "2004-05")
    statuses = Counter(year.participations.values_list("status", flat=True))

    assert 28 <= sum(statuses.values()) <= 32
    assert statuses[ParticipationStatus.ACTIVE] > sum(statuses.values()) / 2
    assert statuses[ParticipationStatus.DECLINED] == 2
    assert statuses[ParticipationStatus.WITHDRAWN] == 1
    for status in (
        ParticipationStatus.IDENTIFIED,
        ParticipationStatus.INVITED,
        ParticipationStatus.ACCEPTED,
    ):
        assert 1 <= statuses[status] <= 4
    assert statuses[ParticipationStatus.COMPLETED] == 0
    assert year.participations.holding_places().count() <= year.places_open


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_last_year_completed_with_some_schools_not_yet_progressing_and_a_few_declines(code):
    year = _year(code, "2003-04")
    statuses = Counter(year.participations.values_list("status", flat=True))
    completed = year.participations.filter(status=ParticipationStatus.COMPLETED)

    assert set(statuses) == {ParticipationStatus.COMPLETED, ParticipationStatus.DECLINED}
    assert statuses[ParticipationStatus.COMPLETED] > statuses[ParticipationStatus.DECLINED] >= 2
    assert 2 <= completed.filter(is_not_yet_progressing=True).count() < completed.count()
    assert completed.filter(is_good_practice=True, good_practice__isnull=False).count() == 1


def test_declines_and_withdrawals_keep_their_reasons():
    ended = Participation.objects.filter(status__in=WITH_REASON)

    assert ended.count() == 2 * (3 + 2 + 1)
    assert all(len(p.status_reason) > 20 for p in ended)
    assert not Participation.objects.exclude(status__in=WITH_REASON).exclude(status_reason="")


def test_every_status_was_reached_through_allowed_transitions_made_by_the_manager():
    managers = {
        user.local_authority.code: user
        for user in User.objects.filter(role=Role.MANAGER).select_related("local_authority")
    }
    participations = Participation.objects.select_related("programme_year__local_authority")
    for participation in participations.prefetch_related("transitions"):
        transitions = list(participation.transitions.all())
        steps = [(t.from_status, t.to_status) for t in transitions]
        moments = [t.changed_at for t in transitions]
        by_status = {t.to_status: t for t in transitions}

        assert all(to in ALLOWED_STEPS[frm] for frm, to in steps), steps
        assert [frm for frm, _ in steps[1:]] == [to for _, to in steps[:-1]]
        assert steps[-1][1] == participation.status
        assert moments == sorted(moments) and len(set(moments)) == len(moments)
        assert {t.changed_by for t in transitions} == {
            managers[participation.programme_year.local_authority.code]
        }
        assert all(bool(t.reason) is (t.to_status in WITH_REASON) for t in transitions)
        invited = by_status.get(ParticipationStatus.INVITED)
        accepted = by_status.get(ParticipationStatus.ACCEPTED)
        assert participation.invited_on == (invited and _local_date(invited.changed_at))
        assert participation.joined_on == (accepted and _local_date(accepted.changed_at))


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_last_years_decliners_and_schools_not_yet_progressing_are_approached_first(code):
    previous, current = _year(code, "2003-04"), _year(code, "2004-05")
    approached_first = previous.participations.filter(
        Q(status=ParticipationStatus.DECLINED) | Q(is_not_yet_progressing=True)
    ).values_list("school", flat=True)
    progressing = previous.participations.filter(
        status=ParticipationStatus.COMPLETED, is_not_yet_progressing=False
    ).values_list("school", flat=True)
    this_year = set(current.participations.values_list("school", flat=True))

    assert set(approached_first) <= this_year
    assert not set(progressing) & this_year


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_schools_that_took_up_a_place_have_an_ofsted_kind_of_1_to_4(code):
    year = _year(code, "2004-05")
    not_taken_up = [
        ParticipationStatus.IDENTIFIED,
        ParticipationStatus.INVITED,
        ParticipationStatus.DECLINED,
    ]
    took_up = year.participations.exclude(status__in=not_taken_up)
    others = year.participations.filter(status__in=not_taken_up)

    assert set(took_up.values_list("ofsted_kind", flat=True)) == {1, 2, 3, 4}
    assert set(others.values_list("ofsted_kind", flat=True)) == {None}


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_selection_flags_name_schools_not_yet_placed_or_only_identified(code):
    year = _year(code, "2004-05")
    flags = SelectionFlag.objects.filter(programme_year=year).select_related("flagged_by")
    placed = dict(year.participations.values_list("school", "status"))

    assert 2 <= len(flags) <= 4
    assert {placed.get(flag.school_id) for flag in flags} == {None, ParticipationStatus.IDENTIFIED}
    assert {flag.flagged_by.role for flag in flags} == {Role.MANAGER}
    assert all(_local_date(flag.flagged_at) <= DEMO_TODAY for flag in flags)


@pytest.mark.parametrize(("code", "team_size"), [("991", 2), ("992", 4)])
def test_demo_headteachers_school_is_active_with_its_funded_team(code, team_size):
    participation = _demo_participation(code)
    head = User.objects.get(role=Role.HEADTEACHER, school=participation.school)
    # The current team: a former member (archived) stays on the record but is not counted.
    members = list(participation.team_members.active())

    assert participation.status == ParticipationStatus.ACTIVE
    assert participation.ofsted_kind is not None
    assert len(members) == team_size
    assert [m.full_name for m in members if m.role == MemberRole.HEADTEACHER] == [head.full_name]
    assert len({m.role for m in members}) == team_size


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_demo_schools_plan_has_english_and_maths_and_what_the_plan_check_flags(code):
    plan = _demo_participation(code).action_plan
    criteria = [c for p in plan.priorities.all() for c in p.success_criteria.all()]
    actions = Action.objects.filter(priority__plan=plan)
    overdue = actions.filter(due_on__lt=DEMO_TODAY).exclude(status=ActionStatus.DONE)
    reviews = list(plan.reviews.all())

    assert {p.area for p in plan.priorities.all()} == {PriorityArea.ENGLISH, PriorityArea.MATHS}
    assert len(criteria) >= 3
    assert [c.is_quantified for c in criteria].count(False) == 1
    assert overdue.count() == 1
    assert {a.owner.participation_id for a in actions} == {plan.participation_id}
    assert [r.reviewed_on for r in reviews] == [DEMO_TODAY - datetime.timedelta(weeks=8)]


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_demo_school_has_training_registers_visits_activity_notes_and_a_concern(code):
    participation = _demo_participation(code)
    register = TrainingAttendance.objects.filter(member__participation=participation)
    visits = SchoolVisit.objects.filter(participation=participation)
    concern = Concern.objects.get(school=participation.school)
    escalations = list(concern.escalations.select_related("escalated_by"))

    assert set(register.values_list("event__session", flat=True)) == {1, 2, 3}
    assert register.filter(is_present=False).exists()
    assert register.filter(is_present=True).count() > register.count() / 2
    assert visits.count() >= 2
    assert visits.filter(is_outside_locality=True).exists()
    assert visits.filter(is_outside_locality=False).exists()
    assert all(visit.members.exists() for visit in visits)
    assert SchoolActivity.objects.filter(member__participation=participation).count() >= 3
    assert Note.objects.filter(school=participation.school).count() >= 3
    assert concern.level == ConcernLevel.LINK_ADVISER
    assert [e.to_level for e in escalations] == [ConcernLevel.LINK_ADVISER]
    assert escalations[0].escalated_by.role in (Role.MANAGER, Role.LINK_ADVISER)


def _plan_weaknesses(plan, max_priorities, review_weeks):
    """What Ofsted found weak in plans (issue: "Action plans"), worked out from the rows."""
    priorities = list(plan.priorities.all())
    criteria = [c for p in priorities for c in p.success_criteria.all()]
    reviews = [r.reviewed_on for r in plan.reviews.all()]
    weaknesses = set()
    if not {PriorityArea.ENGLISH, PriorityArea.MATHS} & {p.area for p in priorities}:
        weaknesses.add("no English or maths")
    if any(not c.is_quantified for c in criteria):
        weaknesses.add("criterion without a number")
    if len(priorities) > max_priorities:
        weaknesses.add("too many priorities")
    if any(
        a.due_on < DEMO_TODAY and a.status != ActionStatus.DONE
        for p in priorities
        for a in p.actions.all()
    ):
        weaknesses.add("action overdue")
    if not reviews or max(reviews) < DEMO_TODAY - datetime.timedelta(weeks=review_weeks):
        weaknesses.add("no recent review")
    return weaknesses


@pytest.mark.parametrize("code", DEMO_SCHOOLS)
def test_other_active_schools_have_teams_and_plans_of_varying_quality(code):
    year = _year(code, "2004-05")
    active = year.participations.filter(status=ParticipationStatus.ACTIVE).exclude(
        school__name=DEMO_SCHOOLS[code]
    )
    plans = ActionPlan.objects.filter(participation__in=active).prefetch_related(
        "priorities__success_criteria", "priorities__actions", "reviews"
    )
    weaknesses = [
        _plan_weaknesses(plan, year.max_plan_priorities, year.plan_review_weeks) for plan in plans
    ]
    off_size = [
        p
        for p in active.select_related("school")
        if p.team_members.count()
        != (year.small_team_size if p.school.number_on_roll <= 120 else year.large_team_size)
    ]

    assert all(p.team_members.filter(role=MemberRole.HEADTEACHER).exists() for p in active)
    assert 1 <= len(off_size) < active.count() / 2
    assert active.count() / 2 < len(plans) < active.count()
    assert set().union(*weaknesses) == {
        "no English or maths",
        "criterion without a number",
        "too many priorities",
        "action overdue",
        "no recent review",
    }
    assert set() in weaknesses


def test_this_years_work_is_dated_inside_the_year_up_to_demo_today():
    start = datetime.date(2004, 9, 1)
    dates = [
        *SchoolActivity.objects.values_list("done_on", flat=True),
        *SchoolVisit.objects.values_list("visited_on", flat=True),
        *PlanReview.objects.values_list("reviewed_on", flat=True),
        *TrainingEvent.objects.values_list("held_on", flat=True),
    ]
    moments = [
        *Note.objects.values_list("created_at", flat=True),
        *Concern.objects.values_list("raised_at", flat=True),
        *Concern.objects.values_list("escalations__escalated_at", flat=True),
        *ActionPlan.objects.values_list("created_at", flat=True),
        *ActionPlan.objects.values_list("updated_at", flat=True),
    ]
    transitions = Participation.objects.filter(programme_year__name="2004-05").values_list(
        "transitions__changed_at", flat=True
    )

    assert all(start <= day <= DEMO_TODAY for day in dates)
    assert all(start <= _local_date(moment) <= DEMO_TODAY for moment in moments)
    assert all(_local_date(moment) <= DEMO_TODAY for moment in transitions)
    assert all(day.weekday() < 5 for day in dates)


def test_training_registers_fit_each_venue_and_list_the_years_own_schools():
    for event in TrainingEvent.objects.select_related("programme_year"):
        lines = list(event.register.select_related("member__participation", "consultant"))
        members = [line.member for line in lines if line.member]

        assert len(lines) <= event.capacity
        assert {m.participation.programme_year_id for m in members} == {event.programme_year_id}
        assert all(
            line.consultant.local_authority_id == event.programme_year.local_authority_id
            for line in lines
            if line.consultant
        )
    sessions = set(TrainingEvent.objects.values_list("programme_year__name", "session"))
    assert sessions == {("2004-05", 1), ("2004-05", 2), ("2004-05", 3)}


def test_seeding_repairs_a_changed_participation_and_a_removed_team_member():
    participation = _demo_participation("991")
    deputy = participation.team_members.get(role=MemberRole.DEPUTY)
    Participation.objects.filter(pk=participation.pk).update(ofsted_kind=1, status="INVITED")
    # The deputy's cover claimed on this year's draft return goes with them.
    CoverClaim.objects.filter(member=deputy).delete()
    deputy.delete()

    _seed()

    participation.refresh_from_db()
    assert (participation.status, participation.ofsted_kind) == ("ACTIVE", 4)
    assert participation.team_members.filter(full_name=deputy.full_name).exists()
    # The current team: the demo's former member (privacy) is archived.
    assert LeadershipTeamMember.objects.active().filter(participation=participation).count() == 2
    assert CoverClaim.objects.filter(member__full_name=deputy.full_name).exists()


def test_seeding_repairs_a_changed_visit_and_a_removed_agreed_action():
    visit = (
        Visit.objects.filter(
            allocation__participation__programme_year__name="2004-05", status="SUBMITTED"
        )
        .exclude(agreed_actions=None)
        .order_by("pk")
        .first()
    )
    action = visit.agreed_actions.first()
    notes, stage = visit.notes, visit.stage
    Visit.objects.filter(pk=visit.pk).update(notes="Overwritten.", stage=1 if stage != 1 else 2)
    action.delete()

    _seed()

    visit.refresh_from_db()
    assert (visit.notes, visit.stage) == (notes, stage)
    assert visit.agreed_actions.filter(what=action.what, due_on=action.due_on).exists()


def test_seed_output_summarises_each_leas_programme(seeded):
    assert (
        "Northmoor (991) 2004-05: 2 identified, 3 invited, 3 accepted, 2 declined, 19 active"
        in (seeded)
    )
    assert "26 November 2004" in seeded


def test_seeding_twice_keeps_each_evidence_file_and_its_token():
    files = {
        e.token: e.file.name for e in ReturnEvidence.objects.select_related("expenditure_return")
    }

    _seed()

    assert {e.token: e.file.name for e in ReturnEvidence.objects.all()} == files
    for evidence in ReturnEvidence.objects.select_related(
        "expenditure_return__participation__school",
        "expenditure_return__participation__programme_year",
    ):
        assert evidence.token == evidence_token(evidence.expenditure_return.participation)
        with evidence.file.open("rb") as stored:
            assert stored.read() == EVIDENCE_PDF


def test_seeding_writes_a_missing_evidence_file_again():
    evidence = ReturnEvidence.objects.order_by("pk").first()
    evidence.file.storage.delete(evidence.file.name)

    _seed()

    evidence.refresh_from_db()
    assert evidence.file.storage.exists(evidence.file.name)


def test_seeding_repairs_a_changed_payment_and_a_removed_override():
    payment = Payment.objects.filter(status="PAID").order_by("pk").first()
    amount = payment.amount
    Payment.objects.filter(pk=payment.pk).update(amount=amount + 1, status="SCHEDULED")
    override = BudgetOverride.objects.order_by("pk").first()
    BudgetOverride.objects.filter(pk=override.pk).delete()

    _seed()

    payment.refresh_from_db()
    assert (payment.amount, payment.status) == (amount, "PAID")
    assert BudgetOverride.objects.filter(
        participation=override.participation, reason=override.reason
    ).exists()


def test_seed_output_summarises_each_leas_money(seeded):
    lines = [line for line in seeded.splitlines() if " funding 2004-05: " in line]
    assert [line.split(" funding")[0] for line in lines] == ["Northmoor (991)", "Southvale (992)"]
    for line in lines:
        assert "22 grants committing GBP " in line
        assert "(1 override)" in line
        assert "2003-04: 1 queried, 7 approved, 1 not submitted; 2004-05: 1 draft." in line


# Reports (issue 6).


@pytest.mark.parametrize("code", ["991", "992"])
def test_each_demo_lea_has_its_issued_reports_one_of_each_kind_and_two_governor_reports(code):
    runs = ReportRun.objects.filter(local_authority__code=code)

    assert Counter(run.kind for run in runs) == {
        ReportKind.GOVERNOR: 2,
        ReportKind.LEA_EVALUATION: 1,
        ReportKind.PSCL_CASELOAD: 1,
        ReportKind.FUNDING_STATEMENT: 1,
    }
    assert {run.status for run in runs} == {RunStatus.DONE}
    assert all(run.pdf and run.html and run.data_read_at for run in runs)
    assert all(run.version == 1 and run.requested_by.role == Role.MANAGER for run in runs)


def test_the_demo_governor_reads_their_schools_autumn_report_and_was_told_of_it():
    governor = User.objects.get(email="governor@northmoor.example.org")
    autumn = ReportRun.objects.get(kind=ReportKind.GOVERNOR, school=governor.school, term="AUTUMN")

    assert governor.school.name in autumn.title
    assert ReportRun.objects.visible_to(governor).filter(pk=autumn.pk).exists()
    assert Notification.objects.filter(user=governor, run=autumn).count() == 1


def test_every_demo_programme_year_has_evaluation_thresholds_and_the_adviser_a_weekly_digest():
    assert EvaluationThresholds.objects.count() == ProgrammeYear.objects.count()
    adviser = User.objects.get(email="adviser@northmoor.example.org")
    assert adviser.notification_preference.frequency == NotificationFrequency.WEEKLY


def test_the_demo_manager_has_an_api_token_that_reads_their_leas_schools(seeded):
    token = Token.objects.get(user__email="manager@northmoor.example.org")

    response = Client().get("/api/schools/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert f"token is {token.key}" in seeded
    assert response.status_code == 200
    assert response.json()["count"] == 40


def _two_factor_rows():
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return [
        list(model.objects.order_by("pk").values())
        for model in (TOTPDevice, StaticDevice, StaticToken)
    ]


def test_demo_users_of_the_required_roles_have_the_demo_authenticator_and_recovery_codes(seeded):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor.demo import DEMO_TOTP_KEY, demo_key_for_typing, demo_recovery_codes

    for email, (role, _) in DEMO_ACCOUNTS.items():
        devices = TOTPDevice.objects.filter(user__email=email, confirmed=True)
        codes = demo_recovery_codes(email)
        if role in (Role.HEADTEACHER, Role.GOVERNOR):
            assert not devices.exists(), email
            continue
        assert [device.key for device in devices] == [DEMO_TOTP_KEY]
        line = next(line for line in seeded.splitlines() if codes[0] in line)
        assert line.split() == [email, *codes]
    assert demo_key_for_typing() in seeded
    lea_staff = User.objects.filter(local_authority__isnull=False)
    assert lea_staff.count() > 6
    assert TOTPDevice.objects.filter(user__in=lea_staff, key=DEMO_TOTP_KEY).count() == (
        lea_staff.count()
    )


def test_seeding_twice_keeps_the_two_factor_devices_and_restores_a_used_recovery_code():
    from django_otp.plugins.otp_static.models import StaticToken

    before = _two_factor_rows()
    _seed()
    assert _two_factor_rows() == before

    StaticToken.objects.filter(device__user__email="admin@plp.example.org").first().delete()
    _seed()
    assert StaticToken.objects.filter(device__user__email="admin@plp.example.org").count() == 3


def test_the_demo_manager_signs_in_with_the_password_and_the_demo_key(seeded):
    from django_otp.oath import TOTP

    from accounts.twofactor.demo import DEMO_TOTP_KEY

    client = Client()
    client.post(
        "/accounts/login/",
        {"username": "manager@northmoor.example.org", "password": DEMO_PASSWORD},
    )
    assert client.get("/")["Location"] == "/accounts/two-factor/?next=%2F"

    code = str(TOTP(bytes.fromhex(DEMO_TOTP_KEY)).token()).zfill(6)
    response = client.post("/accounts/two-factor/?next=/", {"code": code})

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
