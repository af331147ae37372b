"""Leak scan (issue 8, item 3): text planted in the other LEA's records never appears in any
page, export, PDF, calendar feed or API answer that a user of this LEA can reach.

The demo (`seed_demo`: two LEAs, each with last year's programme and this year's, its PSCLs,
visits, plans, money and reports) is loaded once for the module; every free-text and name field
of every record of the other LEA (Southvale, 992) then holds a canary (tests/access/leak_world.py),
and each LEA issues a few more reports, so that the other LEA's reports, PDFs and notifications
are written from the planted text. Each user of this LEA (Northmoor, 991), one per role, then
crawls from the home page every same-site link and htmx target, and every URL pattern of the
project with records of both LEAs in it. No answer may hold the canary, no page may fail, and a
URL naming a record of the other LEA must be refused (403 or 404).
"""

import io
import time
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.demo import EMAIL_LOCAL_PARTS
from accounts.models import Role, User
from config.celery import app as celery_app
from consultants.models import Adviser, Term
from leadership.demo import DEMO_TODAY
from leadership.models import ParticipationStatus, ProgrammeYear
from reports.models import ReportKind, ReportRun
from reports.services.batches import batch_start
from reports.services.runs import run_request
from reports.tasks.runs import generate_report
from schools.models import LocalAuthority

from .leak_world import (
    CANARY,
    OTHER_CODE,
    OWN_CODE,
    Crawl,
    Planting,
    body_of,
    canary_in,
    distinct,
    other_query_values,
    plant_canaries,
    probes,
    readable_text,
    unmapped_params,
    url_patterns,
)

pytestmark = pytest.mark.django_db

#: The roles whose users crawl; an admin sees both LEAs and is left out.
CRAWLERS = {
    "manager": Role.MANAGER,
    "link_adviser": Role.LINK_ADVISER,
    "pscl": Role.CONSULTANT,
    "headteacher": Role.HEADTEACHER,
    "governor": Role.GOVERNOR,
}

#: How many records of each LEA go into each URL pattern.
PER_SIDE = {"own": 1, "other": 2}


@dataclass
class LeakWorld:
    own: LocalAuthority
    other: LocalAuthority
    planting: Planting
    reports: dict[str, list[int]]
    seconds: dict[str, float]


def _demo_user(lea: LocalAuthority, role: Role) -> User:
    return User.objects.get(email=f"{EMAIL_LOCAL_PARTS[role]}@{lea.name.lower()}.example.org")


def _issue_reports(lea: LocalAuthority, manager: User, pscl: User, school_user: User) -> list:
    """A report of every kind for `lea`'s current year, and a batch of governor reports: made
    after the canaries, so the other LEA's are written from them."""
    year = ProgrammeYear.objects.filter(local_authority=lea).order_by("-starts_on").first()
    adviser = Adviser.objects.filter(user=pscl).first()
    scopes = [
        {"kind": ReportKind.GOVERNOR, "term": Term.SPRING, "school": school_user.school},
        {"kind": ReportKind.LEA_EVALUATION},
        {"kind": ReportKind.PSCL_CASELOAD, "adviser": adviser},
        {"kind": ReportKind.FUNDING_STATEMENT},
    ]
    runs = [
        run_request(
            programme_year=year,
            by=manager,
            idempotency_key=f"leak-scan:{lea.pk}:{index}",
            **scope,
        )
        for index, scope in enumerate(scopes)
    ]
    if year.participations.filter(status=ParticipationStatus.ACTIVE).exists():
        # The batch's runs stay queued (never sent): its pages list the schools all the same,
        # without the time of a PDF per school.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(generate_report, "delay", lambda **kwargs: None)
            batch_start(
                programme_year=year,
                term=Term.SUMMER,
                by=manager,
                idempotency_key=f"leak-scan-batch:{lea.pk}",
            )
    return [run.pk for run in runs]


@pytest.fixture(scope="module")
def leak_world(django_db_setup, django_db_blocker):
    """The demo with the other LEA's text planted, for every test of the module; rolled back at
    the end, so no other test module sees it."""
    seconds = {}
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(PLP_TODAY=DEMO_TODAY),
        transaction.atomic(),
    ):
        patch.setitem(celery_app.conf, "task_always_eager", True)
        started = time.monotonic()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
        seconds["seed_demo"] = time.monotonic() - started

        started = time.monotonic()
        own = LocalAuthority.objects.get(code=OWN_CODE)
        other = LocalAuthority.objects.get(code=OTHER_CODE)
        # The other LEA's people, found before their names and emails change.
        people = {
            lea.code: (
                _demo_user(lea, Role.MANAGER),
                _demo_user(lea, Role.CONSULTANT),
                _demo_user(lea, Role.GOVERNOR),
            )
            for lea in (own, other)
        }
        planting = plant_canaries(own, other)
        seconds["plant"] = time.monotonic() - started

        started = time.monotonic()
        with TestCase.captureOnCommitCallbacks(execute=True):
            reports = {lea.code: _issue_reports(lea, *people[lea.code]) for lea in (own, other)}
        seconds["reports"] = time.monotonic() - started
        yield LeakWorld(own, other, planting, reports, seconds)
        transaction.set_rollback(True)


def _crawl_as(client, leak_world: LeakWorld) -> Crawl:
    client.raise_request_exception = False
    crawl = Crawl(client)
    crawl.crawl("/")
    crawl.probe(probes(leak_world.planting, per_side=PER_SIDE))
    crawl.probe_queries(other_query_values(leak_world.planting))
    return crawl


def test_every_url_pattern_with_a_record_in_it_is_probed():
    """A new page whose URL names a record must be added to the probes (leak_world.ID_PARAMS),
    or the scan would not try it with the other LEA's records."""
    assert unmapped_params(url_patterns()) == []


def test_the_canaries_are_in_the_other_leas_records_and_only_there(leak_world):
    planted = leak_world.planting.planted
    # The records a leak would show: every kind of record of the programme.
    for label in (
        "schools.School",
        "schools.LocalAuthority",
        "accounts.User",
        "leadership.Participation",
        "leadership.PlanPriority",
        "leadership.Note",
        "leadership.Concern",
        "consultants.Adviser",
        "consultants.Visit",
        "consultants.AgreedAction",
        "consultants.Application",
        "funding.Payment",
        "funding.OtherSpending",
        "reports.ReportRun",
        "reports.Notification",
    ):
        assert label in planted, f"no canary in {label}"
    assert "name" in planted["schools.School"][0]
    assert "notes" in planted["consultants.Visit"][0]
    # This LEA's records hold none.
    from schools.models import School

    own_names = School.objects.filter(local_authority=leak_world.own).values_list("name", flat=True)
    assert own_names and not any(CANARY in name for name in own_names)


def test_the_scan_finds_the_canary_where_the_other_lea_may_look(leak_world, client_for):
    """The detector works: the other LEA's manager sees the canary in a page, an export, a PDF
    and an API answer, so its absence for this LEA's users means something."""
    client = client_for(User.objects.get(role=Role.MANAGER, local_authority=leak_world.other))
    year = (
        ProgrammeYear.objects.filter(local_authority=leak_world.other)
        .order_by("-starts_on")
        .first()
    )
    run = ReportRun.objects.get(pk=leak_world.reports[OTHER_CODE][0])
    assert run.is_done, run.error
    print(f"\nworld: {', '.join(f'{k} {v:.1f}s' for k, v in leak_world.seconds.items())}")
    for url in (
        reverse("schools:list"),
        reverse("schools:list_xlsx"),
        reverse("leadership:year_participations_csv", args=[year.pk]),
        reverse("reports:run_pdf", args=[run.pk]),
        "/api/schools/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert canary_in(readable_text(response, body_of(response))), url


@pytest.mark.parametrize("role", CRAWLERS)
def test_nothing_of_the_other_lea_reaches(role, leak_world, client_for):
    started, cpu = time.monotonic(), time.process_time()
    user = _demo_user(leak_world.own, CRAWLERS[role])
    crawl = _crawl_as(client_for(user), leak_world)
    print(
        f"\n{role}: {sum(crawl.requests.values())} requests in "
        f"{time.monotonic() - started:.1f}s ({time.process_time() - cpu:.1f}s CPU); "
        f"world: {', '.join(f'{k} {v:.1f}s' for k, v in leak_world.seconds.items())}; "
        f"most asked: {crawl.requests.most_common(8)}"
    )
    # The crawl went somewhere: past the home page, into the role's own records.
    assert sum(crawl.requests.values()) > 50
    assert crawl.leaks == [], distinct(crawl.leaks)
    assert crawl.errors == [], distinct(crawl.errors)
    assert crawl.not_refused == [], distinct(crawl.not_refused)
