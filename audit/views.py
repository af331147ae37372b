"""The audit pages (issue 8, item 7): who changed the programme's records, and who opened a
school's confidential performance data or a report. For strategy managers (their own LEA) and
admins (every LEA, or one they choose); everyone else is refused (403).

Each list is a UNION of its tables that the database counts and slices (audit.selectors), so a
page costs the same few queries however long the history is.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.generic import TemplateView, View

from accounts.exports import Column, export_response

from .forms import AuditFilterForm
from .selectors import (
    PER_PAGE,
    change_index,
    change_rows,
    may_read_audit,
    view_index,
    view_rows,
)

#: The most rows a download holds: the newest, with the page's filters.
EXPORT_MAX_ROWS = 5000


class AuditAccessMixin(LoginRequiredMixin):
    """Anonymous visitors are sent to sign in; signed-in users other than strategy managers
    and admins are refused."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_read_audit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AuditHomeView(AuditAccessMixin, TemplateView):
    template_name = "audit/home.html"


class AuditListMixin(AuditAccessMixin):
    """A filtered, paginated list of an index (`index`) whose page is read by `rows`."""

    with_kind = False

    def index(self, filters):
        raise NotImplementedError

    def rows(self, index_rows):
        raise NotImplementedError

    def filter_form(self) -> AuditFilterForm:
        return AuditFilterForm(
            self.request.GET or None, user=self.request.user, with_kind=self.with_kind
        )


class AuditListView(AuditListMixin, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filter_form()
        filters = form.filters()
        page = None
        rows = []
        if filters is not None:
            page = Paginator(self.index(filters), PER_PAGE).get_page(self.request.GET.get("page"))
            rows = self.rows(page.object_list)
        context.update(
            form=form,
            filters_valid=filters is not None,
            page_obj=page,
            rows=rows,
            show_lea=self.request.user.is_admin,
            page_range=(
                page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
                if page
                else []
            ),
            ellipsis=Paginator.ELLIPSIS,
        )
        return context


class ChangeHistoryMixin:
    with_kind = True

    def index(self, filters):
        return change_index(filters)

    def rows(self, index_rows):
        return change_rows(index_rows, user=self.request.user)


class ViewLogMixin:
    def index(self, filters):
        return view_index(filters)

    def rows(self, index_rows):
        return view_rows(index_rows)


class ChangeHistoryView(ChangeHistoryMixin, AuditListView):
    """Every change to the programme's audited records, newest first, 50 a page."""

    template_name = "audit/changes.html"


class ViewLogView(ViewLogMixin, AuditListView):
    """Every opening of a school's confidential performance data and of a report."""

    template_name = "audit/views.html"


def _changes_text(row) -> str:
    if row.is_withheld:
        return "; ".join(change.label for change in row.changes)
    return "; ".join(f"{change.label}: {change.old} -> {change.new}" for change in row.changes)


CHANGE_COLUMNS = (
    Column("When", lambda row: row.at),
    Column("Who", lambda row: row.who),
    Column("Kind", lambda row: row.kind_label),
    Column("Record", lambda row: row.title),
    Column("School", lambda row: row.school.name if row.school else ""),
    Column("URN", lambda row: row.school.urn if row.school else None),
    Column("Change", lambda row: row.action),
    Column("Fields changed", _changes_text),
)
VIEW_COLUMNS = (
    Column("When", lambda row: row.at),
    Column("Who", lambda row: row.who),
    Column("What", lambda row: row.what),
    Column("How", lambda row: row.how),
    Column("School", lambda row: row.school.name if row.school else ""),
    Column("URN", lambda row: row.school.urn if row.school else None),
    Column("LEA", lambda row: row.local_authority.name if row.local_authority else ""),
)


class AuditExportView(AuditListMixin, View):
    """A list as CSV or XLSX with the page's filters: its newest `EXPORT_MAX_ROWS` rows."""

    file_format = "csv"
    stem = ""
    title = ""
    columns: tuple[Column, ...] = ()

    def get(self, request, *args, **kwargs):
        filters = self.filter_form().filters()
        rows = [] if filters is None else self.rows(self.index(filters)[:EXPORT_MAX_ROWS])
        return export_response(
            self.file_format, stem=self.stem, title=self.title, columns=self.columns, objects=rows
        )


class ChangeHistoryExportView(ChangeHistoryMixin, AuditExportView):
    stem = "change-history"
    title = "Change history"
    columns = CHANGE_COLUMNS


class ViewLogExportView(ViewLogMixin, AuditExportView):
    stem = "who-viewed-what"
    title = "Who viewed what"
    columns = VIEW_COLUMNS
