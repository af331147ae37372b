"""The exports of the consultants' lists (issue 7, item 4), as CSV or XLSX, with the page's
filters, in the user's scope:

- the year's allocations, from the matching board (the strategy manager's: 404 outside the
  user's scope, 403 without `consultants.manage_matching`, as the board);
- the visit notes of the feed (link advisers, strategy managers, admins; 403 to the others, as
  the feed). The notes are those `Visit.objects.visible_to` lets the user read, through
  `visit_feed`: a headteacher never gets a note (docs/decisions/006).
"""

from django.views.generic import View

from accounts.exports import Column, export_response

from ..filters import AllocationFilter
from ..forms.pages import VisitFeedFilterForm
from ..models import Allocation, VisitFocus
from ..selectors.pages import visit_feed, visit_feed_schools
from .allocations import YearMixin
from .pages import FEED_ROLES, RoleRequiredMixin

ALLOCATION_COLUMNS = (
    Column("URN", lambda a: a.participation.school.urn),
    Column("School", lambda a: a.participation.school.name),
    Column("PSCL", lambda a: a.adviser.full_name),
    Column("Status", lambda a: a.get_status_display()),
    Column("Planned days", lambda a: a.planned_days),
    Column("Days delivered", lambda a: a.days_delivered),
    Column("Days left", lambda a: a.days_left),
    Column("Confirmed at", lambda a: a.confirmed_at),
    Column("Ended on", lambda a: a.ended_on),
    Column("End reason", lambda a: a.end_reason),
)

_FOCUS = dict(VisitFocus.choices)


def _agreed_actions(visit) -> str:
    return "\n".join(
        f"{action.who}: {action.what} (by {action.due_on:%Y-%m-%d})"
        for action in visit.agreed_actions.all()
    )


VISIT_COLUMNS = (
    Column("Date", lambda v: v.visit_on),
    Column("URN", lambda v: v.allocation.participation.school.urn),
    Column("School", lambda v: v.allocation.participation.school.name),
    Column("PSCL", lambda v: v.allocation.adviser.full_name),
    Column("Kind", lambda v: v.get_kind_display()),
    Column("Stage", lambda v: v.get_stage_display() if v.stage else ""),
    Column("Length", lambda v: v.get_length_display()),
    Column("Days", lambda v: v.days),
    Column("Focus", lambda v: ", ".join(_FOCUS.get(f, f) for f in v.focus or [])),
    Column("Who attended", lambda v: v.attendees),
    Column("Notes", lambda v: v.notes),
    Column("Standards challenged", lambda v: v.standards_challenged),
    Column("How standards were challenged", lambda v: v.challenge_detail),
    Column("Agreed actions", _agreed_actions),
    Column("Next visit", lambda v: v.next_visit_on),
    Column("Submitted at", lambda v: v.submitted_at),
)


class AllocationExportView(YearMixin, View):
    """The year's allocations (current ones unless statuses are asked for), filtered by
    `AllocationFilter`, with the days delivered and left."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        allocations = (
            Allocation.objects.visible_to(request.user)
            .filter(participation__programme_year=self.year)
            .with_days()
            .select_related("participation__school", "adviser")
            .order_by("participation__school__name", "pk")
        )
        filterset = AllocationFilter(request.GET or None, queryset=allocations)
        rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else []
        return export_response(
            self.file_format,
            stem=f"allocations-{self.year.local_authority.code}-{self.year.name}",
            title=f"Allocations {self.year.name}",
            columns=ALLOCATION_COLUMNS,
            objects=rows,
        )


class VisitFeedExportView(RoleRequiredMixin, View):
    """Every visit note of the feed (all its pages) with the feed's filters."""

    roles = FEED_ROLES
    file_format = "csv"

    def get(self, request, *args, **kwargs):
        user = request.user
        form = VisitFeedFilterForm(request.GET or None, schools=visit_feed_schools(user=user))
        if not form.is_bound:
            visits = visit_feed(user=user)
        elif form.is_valid():
            visits = visit_feed(
                user=user,
                school_id=form.cleaned_data["school"],
                challenged=form.challenged_value,
            )
        else:
            # A filter that is not valid (a tampered address) exports nothing, never more.
            visits = []
        return export_response(
            self.file_format,
            stem="visit-notes",
            title="Visit notes",
            columns=VISIT_COLUMNS,
            objects=visits,
        )
