"""Who may open which report page (issue 6, item 8), for every URL and every actor of
tests/actors.py: governors and headteachers only their own school's issued reports, PSCLs their
schools' and their own caseload, link advisers their LEA's governor and evaluation reports,
managers everything of their LEA, admins everything. Out of scope is 404, a page the role may
not use is 403, and an anonymous or inactive visitor is sent to sign in. Every download is
checked, not just the listing."""

import pytest
from django.urls import reverse

from accounts.models import Role
from consultants.models import Term
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.factories import ReportBatchFactory, ReportRunFactory
from reports.models import ReportAccess, ReportKind
from reports.tests.test_runs_views import done_run
from tests.actors import ACTORS, make_actor

pytestmark = pytest.mark.django_db

OK, REFUSED, NOT_FOUND, SIGN_IN = 200, 403, 404, 302

#: The runs of the set-up, by name (see `reports`).
RUNS = (
    "own_governor",
    "sibling_governor",
    "foreign_governor",
    "queued_governor",
    "evaluation",
    "caseload",
    "other_caseload",
    "statement",
)

#: The runs whose page and PDF each signed-in actor may open; anything else is 404. The queued
#: run's page opens for those who follow every run, never its PDF.
READABLE = {
    "admin": set(RUNS),
    "manager": set(RUNS) - {"foreign_governor"},
    "link_adviser": {"own_governor", "sibling_governor", "evaluation"},
    "pscl": {"own_governor", "caseload"},
    "headteacher": {"own_governor"},
    "governor": {"own_governor"},
    "other_manager": {"foreign_governor"},
    "other_link_adviser": {"foreign_governor"},
    "other_pscl": {"foreign_governor"},
    "other_headteacher": {"foreign_governor"},
    "other_governor": {"foreign_governor"},
}

#: Who may use the pages that ask for reports and run batches (everyone else: 403).
ASKS = {"admin", "manager", "other_manager"}
ASKS_CASELOAD = ASKS | {"pscl", "other_pscl"}


@pytest.fixture
def reports(lea, other_lea, school, sibling_school, foreign_school):
    """A programme year on each side with the sides' schools taking part, and a run of every
    kind: the own side's done, one queued, and the other side's governor report."""
    year = ProgrammeYearFactory(local_authority=lea)
    other_year = ProgrammeYearFactory(local_authority=other_lea)
    participations = {
        "own": ParticipationFactory(programme_year=year, school=school),
        "sibling": ParticipationFactory(programme_year=year, school=sibling_school),
        "foreign": ParticipationFactory(programme_year=other_year, school=foreign_school),
    }
    runs = {
        "own_governor": done_run(programme_year=year, school=school),
        "sibling_governor": done_run(programme_year=year, school=sibling_school),
        "foreign_governor": done_run(programme_year=other_year, school=foreign_school),
        "queued_governor": ReportRunFactory(programme_year=year, school=school, term=Term.SPRING),
        "evaluation": done_run(
            programme_year=year, kind=ReportKind.LEA_EVALUATION, school=None, term=""
        ),
        "statement": done_run(
            programme_year=year, kind=ReportKind.FUNDING_STATEMENT, school=None, term=""
        ),
    }
    return {
        "year": year,
        "participations": participations,
        "runs": runs,
        "batch": ReportBatchFactory(programme_year=year),
    }


def _places(lea, other_lea, school, sibling_school, foreign_school, reports):
    return {
        "leas": {"own": lea, "other": other_lea},
        "schools": {"own": school, "sibling": sibling_school, "foreign": foreign_school},
        "participations": reports["participations"],
    }


def _add_caseloads(reports, actor, lea):
    """A done caseload report of the PSCL actor (or of a PSCL made for the purpose) and of
    another PSCL of the same LEA."""
    from consultants.factories import AdviserFactory

    adviser = getattr(actor, "adviser", None) if actor.is_authenticated else None
    if adviser is None or adviser.local_authority_id != lea.pk:
        adviser = AdviserFactory(local_authority=lea)
    year = reports["year"]
    for name, who in (
        ("caseload", adviser),
        ("other_caseload", AdviserFactory(local_authority=lea)),
    ):
        reports["runs"][name] = done_run(
            programme_year=year, kind=ReportKind.PSCL_CASELOAD, school=None, term="", adviser=who
        )


def _expected(name):
    role, _side, is_active = ACTORS[name]
    if role is None or not is_active:
        return None
    return READABLE[name]


@pytest.mark.parametrize("name", list(ACTORS))
def test_every_report_url_answers_each_actor_as_its_scope_and_role_allow(
    name, client_for, lea, other_lea, school, sibling_school, foreign_school, reports
):
    actor = make_actor(
        name, _places(lea, other_lea, school, sibling_school, foreign_school, reports)
    )
    _add_caseloads(reports, actor, lea)
    client = client_for(actor if actor.is_authenticated else None)
    readable = _expected(name)
    batch = reports["batch"]

    answers, expected = {}, {}
    for run_name, run in reports["runs"].items():
        for url_name in ("run_detail", "run_status", "run_pdf"):
            key = f"{url_name}:{run_name}"
            answers[key] = client.get(reverse(f"reports:{url_name}", args=[run.pk])).status_code
            if readable is None:
                expected[key] = SIGN_IN
            elif run_name == "queued_governor" and url_name == "run_pdf":
                expected[key] = NOT_FOUND
            else:
                expected[key] = OK if run_name in readable else NOT_FOUND
    pages = {
        "run_list": (reverse("reports:run_list"), True),
        "request_governor": (reverse("reports:request_governor"), name in ASKS),
        "request_caseload": (reverse("reports:request_caseload"), name in ASKS_CASELOAD),
        "request_statement": (reverse("reports:request_statement"), name in ASKS),
        "batch_list": (reverse("reports:batch_list"), name in ASKS),
        "batch_start": (reverse("reports:batch_start"), name in ASKS),
    }
    for key, (url, allowed) in pages.items():
        answers[key] = client.get(url).status_code
        expected[key] = SIGN_IN if readable is None else (OK if allowed else REFUSED)
    for url_name in ("batch_detail", "batch_progress"):
        answers[url_name] = client.get(reverse(f"reports:{url_name}", args=[batch.pk])).status_code
        if readable is None:
            expected[url_name] = SIGN_IN
        elif name in ("admin", "manager"):
            expected[url_name] = OK
        elif name == "other_manager":
            expected[url_name] = NOT_FOUND
        else:
            expected[url_name] = REFUSED

    assert answers == expected


@pytest.mark.parametrize("name", ["anonymous", "inactive_governor"])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_nothing_is_logged(
    name, client_for, lea, other_lea, school, sibling_school, foreign_school, reports
):
    actor = make_actor(
        name, _places(lea, other_lea, school, sibling_school, foreign_school, reports)
    )
    client = client_for(actor if actor.is_authenticated else None)
    url = reverse("reports:run_pdf", args=[reports["runs"]["own_governor"].pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert ReportAccess.objects.count() == 0


def test_each_reading_and_download_is_logged_for_whoever_opened_it(client_for, users, reports):
    run = reports["runs"]["own_governor"]
    for role_user in (users[Role.MANAGER], users[Role.GOVERNOR]):
        client = client_for(role_user)
        client.get(reverse("reports:run_detail", args=[run.pk]))
        client.get(reverse("reports:run_pdf", args=[run.pk]))

    logged = sorted(
        (access.user.role, access.format)
        for access in ReportAccess.objects.select_related("user").filter(run=run)
    )
    assert logged == [
        ("GOVERNOR", ReportAccess.Format.HTML),
        ("GOVERNOR", ReportAccess.Format.PDF),
        ("MANAGER", ReportAccess.Format.HTML),
        ("MANAGER", ReportAccess.Format.PDF),
    ]


@pytest.mark.parametrize("name", list(ACTORS))
def test_a_schools_report_list_agrees_with_visible_to_for_every_actor(
    name, lea, other_lea, school, sibling_school, foreign_school, reports
):
    """`issued_reports_by_term` for a school the user is known to see applies no scope (the
    school page's, a query the cheaper); its answer is still exactly the readable reports."""
    from reports.models import ReportRun
    from reports.selectors.runs import issued_reports_by_term
    from schools.models import School

    places = _places(lea, other_lea, school, sibling_school, foreign_school, reports)
    user = make_actor(name, places)
    for key, school_ in places["schools"].items():
        if not School.objects.visible_to(user).filter(pk=school_.pk).exists():
            continue
        listed = {
            run.pk
            for group in issued_reports_by_term(user=user, school=school_)
            for run in group.runs
        }
        readable = set(
            ReportRun.objects.visible_to(user)
            .done()
            .filter(kind=ReportKind.GOVERNOR, school=school_)
            .values_list("pk", flat=True)
        )
        assert listed == readable, (name, key)
        names = {run_name for run_name, run in reports["runs"].items() if run.pk in listed}
        assert names <= (_expected(name) or set()), (name, key)
