"""Reads behind the pages of report runs and batches: the runs a user may list, a school's issued
governor reports grouped by programme year and term, and a batch's runs with its counts.

Every read starts from `visible_to(user)`, so a page can never list a report its reader may not
open; the joins the pages need are made here, once, never in a template.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from accounts.models import Role
from accounts.scoping import sees_school
from consultants.models import Term

from ..models import ReportBatch, ReportKind, ReportRun, RunStatus
from ..terms import TERM_ORDER

#: The roles that ask for reports and follow every run, queued and failed ones included.
REPORT_MANAGERS = (Role.ADMIN, Role.MANAGER)

_RUN_JOINS = ("local_authority", "programme_year", "school", "adviser", "requested_by")


def may_follow_every_run(user) -> bool:
    """Strategy managers and admins see runs before they are done, and why a run failed."""
    return user.is_authenticated and user.is_active and user.role in REPORT_MANAGERS


def run_list(*, user) -> QuerySet:
    """The runs `user` may list, newest first. Strategy managers and admins: every run of their
    scope, whatever its status. Anyone else: the issued (done) reports of their scope, and the
    runs they asked for themselves (a PSCL following their own caseload report)."""
    runs = ReportRun.objects.visible_to(user).select_related(*_RUN_JOINS)
    if not may_follow_every_run(user):
        runs = runs.filter(Q(status=RunStatus.DONE) | Q(requested_by=user))
    return runs.order_by("-created_at", "-pk")


def run_for_page(*, user, pk: int) -> ReportRun | None:
    """The run `pk` if `user` may open its page: in their scope, and done unless they follow
    every run or asked for it themselves. None otherwise (the page answers 404)."""
    return run_list(user=user).filter(pk=pk).first()


@dataclass
class TermReports:
    """The issued reports of one term of one programme year."""

    programme_year: object
    term: str
    runs: list[ReportRun] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{Term(self.term).label} {self.programme_year.name}"


def issued_reports_by_term(*, user, school=None) -> list[TermReports]:
    """The issued governor reports `user` may read (of `school` only, when given), grouped by
    programme year and term, the latest year and term first and the newest version first in
    each: the governor's page of their school's reports. One query at any size, without the
    runs' stored HTML (a report's whole page, which the lists never show)."""
    runs = ReportRun.objects.all()
    # A school's governor reports are every reader's who may see the school (the rule of
    # `visible_to` for each role), so none to apply to one the user is known to see.
    if school is None or not sees_school(user, school):
        runs = runs.visible_to(user)
    runs = (
        runs.done()
        .filter(kind=ReportKind.GOVERNOR)
        .select_related("programme_year")
        .defer("html", "parameters", "error")
        # Put in order below, by term and version: none in SQL (the model's would cost more
        # to build than the sort).
        .order_by()
    )
    if school is not None:
        runs = runs.filter(school=school)
    groups: dict[tuple[int, str], TermReports] = {}
    for run in runs:
        key = (run.programme_year_id, run.term)
        if key not in groups:
            groups[key] = TermReports(programme_year=run.programme_year, term=run.term)
        groups[key].runs.append(run)
    ordered = sorted(
        groups.values(),
        key=lambda group: (group.programme_year.starts_on, TERM_ORDER.index(group.term)),
        reverse=True,
    )
    for group in ordered:
        group.runs.sort(key=lambda run: (run.data_read_at, run.pk), reverse=True)
    return ordered


def batch_list(*, user) -> QuerySet:
    """The batches `user` may see, newest first, each with its runs counted by status
    (`done_count`, `failed_count`) in the same query."""
    return (
        ReportBatch.objects.visible_to(user)
        .select_related("local_authority", "programme_year", "requested_by")
        .annotate(
            done_count=Count("runs", filter=Q(runs__status=RunStatus.DONE)),
            failed_count=Count("runs", filter=Q(runs__status=RunStatus.FAILED)),
        )
        .order_by("-created_at", "-pk")
    )


def batch_runs(batch: ReportBatch) -> QuerySet:
    """A batch's runs in the order of their schools' names, with the school joined."""
    return batch.runs.select_related("school").order_by("school__name", "pk")
