"""`manage.py seed_demo`: what it builds, that running it again changes nothing, and that it
refuses production."""

import io
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory, TestCase, override_settings

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role, User
from config.celery import app as celery_app
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
    itself only."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        _tasks_in_process(),
        transaction.atomic(),
    ):
        yield _seed()
        transaction.set_rollback(True)


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every model of accounts and schools (audit history included), by model."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for app in ("accounts", "schools")
        for model in apps.get_app_config(app).get_models()
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


def test_seeding_creates_one_demo_user_per_role_per_lea_and_an_admin():
    users = {
        user.email: (
            user.role,
            user.local_authority or (user.school and user.school.local_authority),
        )
        for user in User.objects.select_related("local_authority", "school__local_authority")
    }

    assert {email: (role, lea and lea.code) for email, (role, lea) in users.items()} == (
        DEMO_ACCOUNTS
    )
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
        )

    first = values()
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
