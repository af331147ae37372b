"""The exports of the programme year's lists (issue 7, item 4): the year's participations as
CSV or XLSX, with the filters of the page's address, in the user's scope.

The year loads as on its page (`ProgrammeYearMixin`: 404 outside the user's scope, 403 without
`leadership.view_programmeyear`), and the rows are the page's (`programme_year_participations`:
only the schools the user may see, a PSCL's only theirs)."""

from django.views.generic import View

from accounts.exports import Column, export_response

from ..filters import ParticipationFilter
from ..selectors.programme import programme_year_participations
from .programme import ProgrammeYearMixin

#: What the participation's own page shows anyone who may see it.
PARTICIPATION_COLUMNS = (
    Column("URN", lambda p: p.school.urn),
    Column("School", lambda p: p.school.name),
    Column("Pupils", lambda p: p.school.number_on_roll),
    Column("Status", lambda p: p.get_status_display()),
    Column("Reason", lambda p: p.status_reason),
    Column("Ofsted kind of school", lambda p: p.get_ofsted_kind_display() or ""),
    Column("Not yet making the progress it is capable of", lambda p: p.is_not_yet_progressing),
    Column("Invited on", lambda p: p.invited_on),
    Column("Accepted on", lambda p: p.joined_on),
)


class ParticipationExportView(ProgrammeYearMixin, View):
    """The year's participations that the user may see, filtered by `ParticipationFilter`."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        participations = programme_year_participations(
            programme_year=self.programme_year, user=request.user
        )
        filterset = ParticipationFilter(request.GET or None, queryset=participations)
        rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else []
        year = self.programme_year
        return export_response(
            self.file_format,
            stem=f"participations-{year.local_authority.code}-{year.name}",
            title=f"Participations {year.name}",
            columns=PARTICIPATION_COLUMNS,
            objects=rows,
        )
