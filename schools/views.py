"""Pages of the schools register: the school list, each school's background file, and the
imports of public data files (issue 7)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import FormView, ListView, TemplateView, View
from django_filters.views import FilterView

from accounts.exports import Column, export_response

from .charts import cached_results_chart_svg
from .filters import SchoolFilter
from .forms import ImportConfirmForm, ImportUploadForm
from .imports.base import file_kept
from .imports.services import import_confirm, import_upload, may_import
from .models import ImportKind, ImportRecord, ImportStatus, PerformancePage, School
from .panels import school_sections
from .selectors import cached_school_background, school_list
from .services import record_performance_view, record_performance_views


class SchoolListView(LoginRequiredMixin, FilterView):
    """The schools the user may see, filtered, 25 a page. Any signed-in role may use it: each
    sees only their own scope (an admin every LEA, a headteacher their own school)."""

    filterset_class = SchoolFilter
    template_name = "schools/school_list.html"
    context_object_name = "schools"
    paginate_by = 25

    def get_queryset(self):
        return school_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        )
        context["ellipsis"] = Paginator.ELLIPSIS
        # The LEA column, like the LEA filter, is only for users who see more than one LEA.
        context["show_lea"] = "lea" in context["filter"].filters
        # The list shows each school's latest value added: the reading is logged, one row per
        # LEA of the page's schools (already loaded: no query but the insert).
        record_performance_views(
            self.request.user,
            local_authority_ids=[school.local_authority_id for school in context["schools"]],
            page=PerformancePage.SCHOOL_LIST,
        )
        return context


#: The school list's export: the page's columns and the register's public facts.
SCHOOL_COLUMNS = (
    Column("URN", lambda school: school.urn),
    Column("School", lambda school: school.name),
    Column("LEA code", lambda school: school.local_authority.code),
    Column("LEA", lambda school: school.local_authority.name),
    Column("Establishment number", lambda school: school.establishment_number),
    Column("Phase", lambda school: school.get_phase_display()),
    Column("Type", lambda school: school.get_school_type_display()),
    Column("Pupils", lambda school: school.number_on_roll),
    Column(
        "Size",
        lambda school: {None: "", True: "Small", False: "Large"}[school.is_small],
    ),
    Column("% free school meals", lambda school: school.percentage_fsm),
    Column("Latest value added", lambda school: school.latest_value_added),
    Column("Value added year", lambda school: school.latest_value_added_year),
    Column("Ofsted category", lambda school: school.get_ofsted_category_display()),
    Column("Postcode", lambda school: school.postcode),
    Column("Headteacher", lambda school: school.headteacher_name),
)


class SchoolListExportView(LoginRequiredMixin, View):
    """The school list as CSV or XLSX: every school the page would list with the same filters
    (all pages, not only the one shown), in the user's scope."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        filterset = SchoolFilter(request.GET or None, request=request)
        # As FilterView does: filters that are not valid list nothing, never more.
        schools = list(filterset.qs) if not filterset.is_bound or filterset.is_valid() else []
        # One row per LEA in the file, so that each LEA's manager sees the download.
        record_performance_views(
            request.user,
            local_authority_ids=[school.local_authority_id for school in schools],
            page=PerformancePage.SCHOOL_EXPORT,
        )
        return export_response(
            self.file_format,
            stem="schools",
            title="Schools",
            columns=SCHOOL_COLUMNS,
            objects=schools,
        )


class SchoolDetailView(LoginRequiredMixin, TemplateView):
    """A school's background file (DOMAIN.md). A school outside the user's scope is not found."""

    template_name = "schools/school_detail.html"

    def dispatch(self, request, *args, **kwargs):
        # Loaded after the sign-in check, so that an anonymous visitor is sent to sign in
        # rather than told the school does not exist.
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.school = get_object_or_404(
            School.objects.visible_to(request.user).select_related("local_authority"),
            urn=kwargs["urn"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        background = cached_school_background(self.school)
        context["school"] = self.school
        context["background"] = background
        context["chart_svg"] = cached_results_chart_svg(
            background.results,
            school_name=self.school.name,
            chart_id=f"results-chart-{self.school.urn}",
        )
        context["sections"] = school_sections(self.request, self.school)
        record_performance_view(
            self.request.user, school=self.school, page=PerformancePage.SCHOOL_DETAIL
        )
        return context


#: The URL word of each kind of import file.
IMPORT_KINDS = {
    "gias": ImportKind.GIAS,
    "gias-links": ImportKind.GIAS_LINKS,
    "ks2": ImportKind.KS2,
    "census": ImportKind.CENSUS,
}
#: How often the page of a running import asks for its progress (htmx).
POLL_EVERY = "2s"


class ImportAccessMixin(LoginRequiredMixin):
    """Imports are for admins (every kind) and strategy managers (KS2 and census, for their own
    LEA's schools): anyone else is refused (403). See `schools.imports.services.may_import`."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not any(may_import(request.user, kind) for kind in ImportKind.values):
            raise PermissionDenied
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs):
        pass


class ImportListView(ImportAccessMixin, ListView):
    """The imports the user may see, newest first, and the kinds of file they may import."""

    template_name = "schools/imports/list.html"
    context_object_name = "records"
    paginate_by = 25

    def get_queryset(self):
        return ImportRecord.objects.visible_to(self.request.user).select_related("user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = [
            (slug, ImportKind(kind).label)
            for slug, kind in IMPORT_KINDS.items()
            if may_import(self.request.user, kind)
        ]
        return context


class ImportUploadView(ImportAccessMixin, FormView):
    """Upload a file: it is saved and checked (a dry run), then the user sees what would change
    and confirms. A large file is checked by a Celery job while its page shows the progress."""

    template_name = "schools/imports/upload.html"
    form_class = ImportUploadForm

    def load(self, request, **kwargs):
        kind = IMPORT_KINDS.get(kwargs["kind"])
        if kind is None:
            raise Http404
        if not may_import(request.user, kind):
            raise PermissionDenied
        self.kind = kind

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "kind_label": ImportKind(self.kind).label}

    def form_valid(self, form):
        record = import_upload(
            kind=self.kind,
            upload=form.cleaned_data["file"],
            user=self.request.user,
            options=form.import_options(),
        )
        return redirect("schools:import_detail", pk=record.pk)


class ImportRecordMixin(ImportAccessMixin):
    """Loads an import the user may see (404 otherwise)."""

    def load(self, request, **kwargs):
        self.record = get_object_or_404(
            ImportRecord.objects.visible_to(request.user).select_related("user"), pk=kwargs["pk"]
        )

    def record_context(self) -> dict:
        record = self.record
        checked = record.is_dry_run and record.status == ImportStatus.CHECKED
        kept = checked and file_kept(record)
        return {
            "record": record,
            "poll_every": POLL_EVERY,
            "can_confirm": kept and may_import(self.request.user, record.kind),
            "file_gone": checked and not kept,
        }


class ImportDetailView(ImportRecordMixin, TemplateView):
    """An import: its progress while it runs, then its counts, its bad rows and the changes;
    after a dry run, the form that confirms it."""

    template_name = "schools/imports/detail.html"

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), **self.record_context()}
        if context["can_confirm"]:
            context["form"] = ImportConfirmForm(has_errors=bool(self.record.error_count))
        return context


class ImportProgressView(ImportRecordMixin, TemplateView):
    """The progress fragment the detail page polls (htmx); when the import has finished, it
    asks the browser to load the whole page again."""

    template_name = "schools/imports/progress_fragment.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.record.is_finished:
            response["HX-Refresh"] = "true"
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.record_context()}


class ImportConfirmView(ImportRecordMixin, View):
    """Import for real the file a dry run checked."""

    def post(self, request, *args, **kwargs):
        context = self.record_context()
        if not context["can_confirm"]:
            raise PermissionDenied
        form = ImportConfirmForm(request.POST, has_errors=bool(self.record.error_count))
        if not form.is_valid():
            context["form"] = form
            return render(request, "schools/imports/detail.html", context)
        record = import_confirm(
            checked=self.record,
            user=request.user,
            import_good_rows=form.cleaned_data.get("import_good_rows", False),
        )
        return redirect("schools:import_detail", pk=record.pk)
