"""`manage.py seed_national` at a tiny scale: what it makes, in what proportions, that it keeps
the app's rules, that a second run makes nothing, that `--reset` removes only its own data, and
that the bench log-ins work. PostgreSQL only (the generator writes with COPY)."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.urls import reverse

from accounts.models import Role, User
from consultants.models import (
    Adviser,
    AgreedAction,
    Allocation,
    Capacity,
    Visit,
    VisitStatus,
)
from funding.models import ExpenditureReturn, Grant, Payment, PaymentKind
from leadership.models import (
    ActionPlan,
    LeadershipTeamMember,
    Participation,
    ParticipationStatus,
    PlanPriority,
    ProgrammeYear,
    SuccessCriterion,
)
from leadership.models.programme import PLACE_HOLDING_STATUSES
from reports.models import ReportKind, ReportRun
from reports.national import (
    BENCH_PASSWORD,
    BENCH_SCHOOL_URN,
    BENCH_USERS,
    BIGGEST_LEA_CODE,
    EMAIL_DOMAIN,
)
from reports.national.generator import national_leas, national_users, reset_national
from schools.factories import LocalAuthorityFactory, SchoolFactory
from schools.models import (
    Inspection,
    KeyStageResult,
    LocalAuthority,
    PerformanceDataView,
    PerformancePage,
    School,
    ValueAdded,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="seed_national writes with PostgreSQL's COPY",
    ),
]

SCALE = "0.005"
TODAY = datetime.date(2004, 11, 26)


def _seed(*extra: str, reports: bool = False) -> str:
    out = io.StringIO()
    options = () if reports else ("--no-reports",)
    call_command("seed_national", "--scale", SCALE, "--seed", "7", *options, *extra, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = (LocalAuthority, School, KeyStageResult, Participation, User, Allocation, Visit)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(autouse=True)
def _demo_day(settings):
    settings.PLP_TODAY = TODAY


def test_makes_england_in_small_with_its_proportions():
    output = _seed(reports=True)

    assert "Done in" in output and "Bench log-ins" in output
    leas = national_leas()
    assert leas.count() == 2
    schools = School.objects.filter(local_authority__in=leas)
    assert schools.count() == 85
    biggest = leas.annotate(n=Count("schools")).order_by("-n").first()
    assert biggest.code == BIGGEST_LEA_CODE
    # Five years of KS1 and KS2 results and of value added for every school.
    assert KeyStageResult.objects.count() == 85 * 10
    assert ValueAdded.objects.count() == 85 * 5
    assert Inspection.objects.count() >= 85
    assert not schools.filter(latest_value_added__isnull=True, value_added__score__isnull=False)
    # About a quarter of the schools hold a place this year, and each has a grant and a PSCL.
    holding = Participation.objects.filter(
        programme_year__name="2004-05", status__in=PLACE_HOLDING_STATUSES
    )
    assert 0.2 * 85 <= holding.count() <= 0.35 * 85
    assert Grant.objects.count() == holding.count()
    assert Allocation.objects.current().count() == holding.count()
    assert Participation.objects.filter(programme_year__name="2003-04").count() >= 0.2 * 85
    # A PSCL per four or five schools; a headteacher and a governor per school holding a place.
    assert Adviser.objects.pscls().count() == Capacity.objects.count() >= 2
    assert User.objects.filter(role=Role.HEADTEACHER).count() == holding.count()
    assert User.objects.filter(role=Role.GOVERNOR).count() == holding.count()
    assert Visit.objects.count() >= 3 * Allocation.objects.count()
    assert AgreedAction.objects.exists() and ActionPlan.objects.exists()
    assert ExpenditureReturn.objects.exists()
    # The largest LEA's issued reports, produced.
    runs = ReportRun.objects.filter(programme_year__local_authority=biggest)
    assert sorted(runs.values_list("kind", "status")) == [
        (ReportKind.FUNDING_STATEMENT, "DONE"),
        (ReportKind.GOVERNOR, "DONE"),
        (ReportKind.PSCL_CASELOAD, "DONE"),
    ]


def test_keeps_the_programme_rules():
    _seed()

    # Allocations within each PSCL's capacity; the bench PSCL's caseload is full.
    for capacity in Capacity.objects.all():
        current = Allocation.objects.current().filter(adviser=capacity.adviser)
        assert current.count() <= capacity.max_schools
        assert (current.aggregate(d=Sum("planned_days"))["d"] or 0) <= capacity.max_days
    bench = Capacity.objects.get(adviser__user__email=BENCH_USERS["pscl"])
    assert Allocation.objects.filter(adviser=bench.adviser).count() == bench.max_schools
    assert Allocation.objects.filter(
        adviser=bench.adviser, participation__school__urn=BENCH_SCHOOL_URN
    ).exists()
    # Visits inside the programme year; those done (submitted or drafted) before today.
    year = ProgrammeYear.objects.filter(name="2004-05").first()
    assert not Visit.objects.exclude(visit_on__range=(year.starts_on, year.ends_on)).exists()
    done = Visit.objects.exclude(status=VisitStatus.PLANNED)
    assert not done.filter(visit_on__gte=TODAY).exists()
    assert not Visit.objects.filter(status=VisitStatus.PLANNED, visit_on__lte=TODAY).exists()
    # Delivered days within the planned days.
    for allocation in Allocation.objects.with_days():
        assert allocation.days_delivered <= allocation.planned_days
    # Money: grant instalments add up to the school's part of the grant, none paid after today;
    # PSCL payments no more than the PSCL part.
    for grant in Grant.objects.select_related("participation"):
        instalments = Payment.objects.filter(
            participation=grant.participation, kind=PaymentKind.SCHOOL_GRANT
        )
        assert instalments.aggregate(s=Sum("amount"))["s"] == grant.school_amount
        assert not instalments.filter(paid_on__gt=TODAY).exists()
        pscl = Payment.objects.filter(
            participation=grant.participation, kind=PaymentKind.PSCL_DAYS
        ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert pscl <= grant.pscl_amount
    # Declines and withdrawals carry their reasons; every active school has a team with a head.
    assert not Participation.objects.filter(
        status__in=[ParticipationStatus.DECLINED, ParticipationStatus.WITHDRAWN], status_reason=""
    ).exists()
    active = Participation.objects.filter(
        programme_year__name="2004-05", status=ParticipationStatus.ACTIVE
    )
    assert active.filter(team_members__role="HEADTEACHER").distinct().count() == active.count()


def test_rows_pass_full_clean():
    _seed()

    for model in (
        School,
        KeyStageResult,
        ValueAdded,
        Inspection,
        ProgrammeYear,
        Participation,
        User,
        Adviser,
        Capacity,
        Allocation,
        Visit,
        AgreedAction,
        LeadershipTeamMember,
        ActionPlan,
        PlanPriority,
        SuccessCriterion,
        Grant,
        Payment,
        ExpenditureReturn,
    ):
        for obj in model._default_manager.order_by("?")[:15]:
            obj.full_clean(exclude=["password"] if model is User else None)


def test_a_second_run_makes_nothing():
    _seed()
    before = _counts()

    output = _seed()

    assert "already here" in output
    assert _counts() == before


def test_reset_removes_only_the_generated_data():
    other_lea = LocalAuthorityFactory(code="991", name="Northmoor")
    other_school = SchoolFactory(local_authority=other_lea, urn=120001)
    other_user = User.objects.create_user(
        email="manager@northmoor.example.org",
        full_name="Priya Sharma",
        role=Role.MANAGER,
        local_authority=other_lea,
    )
    _seed()
    first = _counts()
    manager = User.objects.get(email=BENCH_USERS["manager"])
    # Rows the generator did not make that point at its data: a view of a national school by
    # the demo's manager, and one by the national manager of the demo's school.
    national_school = School.objects.get(urn=BENCH_SCHOOL_URN)
    PerformanceDataView.objects.create(
        user=other_user, school=national_school, page=PerformancePage.SCHOOL_DETAIL
    )
    kept = PerformanceDataView.objects.create(
        user=manager, school=other_school, page=PerformancePage.SCHOOL_DETAIL
    )

    removed = reset_national()

    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"  # the foreign-key checks are back on
    assert removed["LEAs"] == 2
    assert not national_leas().exists() and not national_users().exists()
    assert list(LocalAuthority.objects.all()) == [other_lea]
    assert list(School.objects.all()) == [other_school]
    assert list(User.objects.all()) == [other_user]
    kept.refresh_from_db()
    assert kept.user is None and kept.school == other_school
    assert not Participation.objects.exists() and not Visit.objects.exists()

    output = _seed("--reset")

    assert "Reset: removed 0 LEAs" in output
    assert _counts() == first


def test_bench_users_sign_in_and_see_their_home_page(client):
    _seed(reports=True)
    assert all(email.endswith(f"@{EMAIL_DOMAIN}") for email in BENCH_USERS.values())

    # One hash for every log-in: checking it once checks them all.
    users = User.objects.filter(email__in=BENCH_USERS.values())
    assert users.count() == len(BENCH_USERS)
    assert len(set(users.values_list("password", flat=True))) == 1
    assert users.first().check_password(BENCH_PASSWORD)
    school = School.objects.get(urn=BENCH_SCHOOL_URN)
    for role, email in BENCH_USERS.items():
        client.force_login(User.objects.get(email=email))
        response = client.get(reverse("home"))
        assert response.status_code == 200, role
        page = response.content.decode()
        if role in ("headteacher", "governor"):
            assert school.name in page, role
        elif role != "admin":
            assert school.local_authority.name in page, role
    client.force_login(User.objects.get(email=BENCH_USERS["governor"]))
    report = ReportRun.objects.get(kind=ReportKind.GOVERNOR)
    response = client.get(reverse("reports:run_detail", args=[report.pk]))
    assert response.status_code == 200
    assert school.name in response.content.decode()
    client.force_login(User.objects.get(email=BENCH_USERS["pscl"]))
    response = client.get(reverse("consultants:caseload"))
    assert response.status_code == 200
    assert school.name in response.content.decode()
