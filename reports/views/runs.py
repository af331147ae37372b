"""Pages of report runs and batches (issue 6, items 1, 5 and 8): the reports a user may read, a
run's page with its report or its progress, the PDF, the forms that ask for reports, and the
batches of governor reports with their progress bars.

Who sees what (DOMAIN.md: People): every run and batch is loaded through `visible_to(user)`, so
a report outside the user's scope is not found (404), on its page and on every download alike.
Only a done run's content can be read; strategy managers and admins also follow queued, running
and failed runs (and read why a run failed). Pages for a role that may not use them answer 403;
an anonymous visitor is sent to sign in before anything is loaded. Every reading of a report's
content, on screen or as a PDF, is logged as a `ReportAccess`.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from accounts.models import Role
from accounts.rules import is_admin, is_consultant, is_manager
from consultants.models import Adviser
from leadership.forms.programme import add_service_errors
from leadership.models import ProgrammeYear
from schools.models import School

from ..forms.runs import (
    BatchStartForm,
    CaseloadReportForm,
    GovernorReportForm,
    RunFilter,
    StatementReportForm,
)
from ..models import ReportAccess, ReportBatch, ReportKind
from ..selectors.runs import (
    batch_list,
    batch_runs,
    issued_reports_by_term,
    may_follow_every_run,
    run_for_page,
    run_list,
)
from ..services.batches import batch_progress, batch_start
from ..services.runs import run_request

#: Who asks for reports and starts batches: strategy managers (their LEA) and admins.
may_ask_for_reports = is_admin | is_manager

#: Who may ask for a caseload report: those above, and a PSCL for their own caseload.
may_ask_for_caseload = is_admin | is_manager | is_consultant

#: How often a page that waits for a report asks again (htmx's `every` syntax).
POLL_EVERY = "2s"


class SignedInMixin(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in before anything is loaded, so that they are never
    told whether a report exists; then `load` finds the page's objects and checks access."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs):
        """Load the page's objects in the user's scope and check the permission."""


def log_access(run, user, file_format: str) -> None:
    """Record that `user` opened `run`'s content (DOMAIN.md: every view should be auditable)."""
    ReportAccess.objects.create(run=run, user=user, format=file_format)


# The reports a user may read ------------------------------------------------------------------


class RunListView(SignedInMixin, TemplateView):
    """The reports the user may see. Headteachers and governors: their school's issued reports
    by year and term, each to read or download (the governor's page). Everyone else: the runs
    of their scope, filtered and 25 a page, with their status; managers and admins see every
    run, queued and failed included, and the ways to ask for reports."""

    template_name = "reports/runs/run_list.html"
    paginate_by = 25

    def get_template_names(self):
        if self.request.user.is_school_member:
            return ["reports/runs/school_reports.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_school_member:
            context["groups"] = issued_reports_by_term(user=user)
            context["school"] = user.school
            return context
        follows_every_run = may_follow_every_run(user)
        run_filter = RunFilter(
            self.request.GET or None,
            queryset=run_list(user=user),
            request=self.request,
            with_status=follows_every_run,
        )
        # Values that are not valid are shown against their filter and left out of the query.
        paginator = Paginator(run_filter.qs, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            filter=run_filter,
            paginator=paginator,
            page_obj=page,
            runs=page.object_list,
            page_range=paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            ellipsis=Paginator.ELLIPSIS,
            follows_every_run=follows_every_run,
            may_ask=may_ask_for_reports(user),
            may_ask_caseload=may_ask_for_reports(user)
            or (is_consultant(user) and Adviser.objects.filter(user=user).exists()),
            show_lea=user.is_admin,
        )
        if context["may_ask"]:
            # The evaluation report is drafted per year: the latest years the user may see.
            context["evaluation_years"] = (
                ProgrammeYear.objects.visible_to(user)
                .select_related("local_authority")
                .order_by("-starts_on", "local_authority__name")[:EVALUATION_YEARS_LISTED]
            )
        return context


#: How many programme years the reports page offers an evaluation report draft for.
EVALUATION_YEARS_LISTED = 4


class RunMixin(SignedInMixin):
    """Loads the run in the URL if the user may open its page (404 otherwise)."""

    def load(self, request, **kwargs):
        self.run = run_for_page(user=request.user, pk=kwargs["pk"])
        if self.run is None:
            raise Http404("No such report.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            run=self.run,
            follows_every_run=may_follow_every_run(self.request.user),
            poll_every=POLL_EVERY,
            **kwargs,
        )


class RunDetailView(RunMixin, TemplateView):
    """A run's page: while it is queued or running, its status, asked again every two seconds
    until it has finished; once done, the report itself with its PDF. Each reading of a done
    report is logged."""

    template_name = "reports/runs/run_detail.html"

    def get(self, request, *args, **kwargs):
        if self.run.is_done:
            log_access(self.run, request.user, ReportAccess.Format.HTML)
        return super().get(request, *args, **kwargs)


class RunStatusView(RunMixin, TemplateView):
    """The status of a run, as the fragment the run's page polls. Once the run has finished,
    an htmx request is told to reload the page, which then shows the report (or the failure)."""

    template_name = "reports/runs/status_fragment.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.run.is_finished and request.htmx:
            response["HX-Refresh"] = "true"
        return response


class RunPdfView(SignedInMixin, View):
    """The report's PDF as a download, for a done report in the user's scope (404 otherwise);
    each download is logged and kept out of shared caches."""

    def load(self, request, **kwargs):
        self.run = get_object_or_404(run_list(user=request.user).done(), pk=kwargs["pk"])

    def get(self, request, *args, **kwargs):
        try:
            handle = self.run.pdf.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404("The report's file is missing.") from error
        log_access(self.run, request.user, ReportAccess.Format.PDF)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=self.run.pdf.name.rsplit("/", 1)[-1],
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# Asking for reports ---------------------------------------------------------------------------


class ReportRequestView(SignedInMixin, FormView):
    """A form that asks for one report: valid, it makes one `run_request` call and goes to the
    run's page; the service's errors are shown against the form's fields. The same form sent
    twice carries the same key, and leads to the same run."""

    kind = ""
    heading = ""
    permission = may_ask_for_reports

    def load(self, request, **kwargs):
        if not self.permission(request.user):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def service_arguments(self, form) -> dict:
        """What the form adds to the request for the run, beyond its kind and year."""
        return {}

    def form_valid(self, form):
        try:
            run = run_request(
                kind=self.kind,
                programme_year=form.cleaned_data["programme_year"],
                by=self.request.user,
                idempotency_key=form.request_key(self.kind),
                **self.service_arguments(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("reports:run_detail", args=[run.pk]))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


class GovernorReportRequestView(ReportRequestView):
    """Ask for a school's governor progress report for a term; from a school's page the school
    (and the latest year it took part in) are chosen already."""

    kind = ReportKind.GOVERNOR
    heading = "Ask for a governor progress report"
    template_name = "reports/runs/request_governor.html"
    form_class = GovernorReportForm

    def get_initial(self):
        initial = super().get_initial()
        urn = self.request.GET.get("school", "")
        if urn.isdecimal():
            school = School.objects.visible_to(self.request.user).filter(urn=int(urn)).first()
            if school is not None:
                initial["school"] = school.pk
        return initial

    def service_arguments(self, form):
        return {"school": form.cleaned_data["school"], "term": form.cleaned_data["term"]}


class CaseloadReportRequestView(ReportRequestView):
    """Ask for a PSCL caseload report: a strategy manager for one PSCL or all of them; a PSCL
    for their own caseload only."""

    kind = ReportKind.PSCL_CASELOAD
    heading = "Ask for a PSCL caseload report"
    template_name = "reports/runs/request_caseload.html"
    form_class = CaseloadReportForm
    permission = may_ask_for_caseload

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.own_adviser = None
        if request.user.role == Role.CONSULTANT:
            self.own_adviser = Adviser.objects.filter(user=request.user).first()
            if self.own_adviser is None:
                raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pscl_only": self.own_adviser is not None}

    def service_arguments(self, form):
        if self.own_adviser is not None:
            return {"adviser": self.own_adviser}
        return {"adviser": form.cleaned_data["adviser"]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(own_adviser=self.own_adviser, **kwargs)


class StatementRequestView(ReportRequestView):
    """Ask for a programme year's funding statement."""

    kind = ReportKind.FUNDING_STATEMENT
    heading = "Ask for a funding statement"
    template_name = "reports/runs/request_statement.html"
    form_class = StatementReportForm


# Batches ------------------------------------------------------------------------------------


class BatchPermissionMixin(SignedInMixin):
    """Batches are the strategy manager's and the admin's (403 for anyone else)."""

    def load(self, request, **kwargs):
        if not may_ask_for_reports(request.user):
            raise PermissionDenied


class BatchListView(BatchPermissionMixin, TemplateView):
    """The batches of the user's scope, newest first, 25 a page, with their progress."""

    template_name = "reports/batches/batch_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        paginator = Paginator(batch_list(user=self.request.user), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            paginator=paginator,
            page_obj=page,
            batches=page.object_list,
            page_range=paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            ellipsis=Paginator.ELLIPSIS,
            show_lea=self.request.user.is_admin,
            **kwargs,
        )


class BatchStartView(BatchPermissionMixin, FormView):
    """Start the governor reports of every active school of an LEA for a term (one
    `batch_start` call), then watch them on the batch's page."""

    template_name = "reports/batches/batch_start.html"
    form_class = BatchStartForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            batch = batch_start(
                programme_year=form.cleaned_data["programme_year"],
                term=form.cleaned_data["term"],
                by=self.request.user,
                idempotency_key=form.request_key("BATCH"),
                source=ReportBatch.Source.MANUAL,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{batch.total} governor reports asked for.")
        return HttpResponseRedirect(reverse("reports:batch_detail", args=[batch.pk]))


class BatchMixin(BatchPermissionMixin):
    """Loads the batch in the URL among those the user may see (404), with its progress and
    its runs."""

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.batch = get_object_or_404(
            ReportBatch.objects.visible_to(request.user).select_related(
                "local_authority", "programme_year", "requested_by"
            ),
            pk=kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            batch=self.batch,
            progress=batch_progress(self.batch),
            runs=batch_runs(self.batch),
            poll_every=POLL_EVERY,
            **kwargs,
        )


class BatchDetailView(BatchMixin, TemplateView):
    """A batch: its progress bar, asked again every two seconds until every run has finished,
    and its runs with their status."""

    template_name = "reports/batches/batch_detail.html"


class BatchProgressView(BatchMixin, TemplateView):
    """The batch's progress and runs, as the fragment its page polls; once every run has
    finished the fragment carries no trigger, so the polling stops."""

    template_name = "reports/batches/progress_fragment.html"
