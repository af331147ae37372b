"""The evaluation report's draft (issue 6, item 4): the strategy manager reads the live main
findings with their evidence, edits the suggested points for action and issues the report; and
the thresholds from which the points are suggested.

Strategy managers (their LEA's years) and admins only: the year is loaded through
`ProgrammeYear.objects.visible_to(user)` (404 outside the user's scope), then any other role
is refused (403). An anonymous visitor is sent to sign in before anything is loaded.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView

from accounts.clock import today
from accounts.rules import is_admin, is_manager
from leadership.forms.programme import add_service_errors
from leadership.models import ProgrammeYear
from leadership.views.programme import SignedInMixin

from ..charts.evaluation import trends_chart_svg
from ..forms.evaluation import EvaluationThresholdsForm, PointsForActionForm
from ..models import ReportKind, ReportRun
from ..selectors.evaluation import (
    evaluation_figures,
    evaluation_title,
    suggested_points,
    thresholds_for,
)
from ..services.runs import run_request

#: Who drafts and issues the evaluation report: strategy managers and admins.
may_evaluate = is_admin | is_manager


class EvaluationYearMixin(SignedInMixin):
    """Loads the programme year in the URL among those the user may see (404), then refuses
    anyone but a strategy manager or an admin (403)."""

    def load(self, request, **kwargs):
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )
        if not may_evaluate(request.user):
            raise PermissionDenied

    @cached_property
    def thresholds(self):
        return thresholds_for(self.programme_year)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "programme_year": self.programme_year}


class EvaluationDraftView(EvaluationYearMixin, FormView):
    """The draft: the main findings as the data stands today with the evidence behind each,
    the suggested points for action to edit, the earlier issued versions, and "Issue the
    report", which asks for a new version with the points as edited."""

    template_name = "reports/evaluation/draft.html"
    form_class = PointsForActionForm

    @cached_property
    def figures(self):
        return evaluation_figures(programme_year=self.programme_year, today=today())

    @cached_property
    def suggested(self):
        return suggested_points(self.figures, self.thresholds)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "points": [point.text for point in self.suggested],
        }

    def form_valid(self, form):
        try:
            run = run_request(
                kind=ReportKind.LEA_EVALUATION,
                programme_year=self.programme_year,
                by=self.request.user,
                idempotency_key=form.request_key(),
                parameters={"points_for_action": form.points()},
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("reports:run_detail", args=[run.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = self.figures
        findings = {finding.key: finding for finding in figures.findings}
        context.update(
            point_sources=[
                (number, findings[point.finding_key])
                for number, point in enumerate(self.suggested, start=1)
                if point.finding_key in findings
            ],
            title=evaluation_title(self.programme_year),
            figures=figures,
            findings=tuple(findings.values()),
            thresholds=self.thresholds,
            chart_svg=trends_chart_svg(figures.trends, chart_id="draft-trends"),
            today=figures.today,
            earlier_runs=(
                ReportRun.objects.visible_to(self.request.user)
                .filter(kind=ReportKind.LEA_EVALUATION, programme_year=self.programme_year)
                .select_related("requested_by")
                .order_by("-created_at", "-pk")
            ),
        )
        return context


class EvaluationThresholdsView(EvaluationYearMixin, FormView):
    """The year's thresholds: below each (or above, for lowered targets) the draft suggests a
    point for action."""

    template_name = "reports/evaluation/thresholds.html"
    form_class = EvaluationThresholdsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.thresholds}

    def form_valid(self, form):
        thresholds = form.save(commit=False)
        thresholds.updated_by = self.request.user
        thresholds.save()
        messages.success(
            self.request,
            f"The thresholds for {self.programme_year.name} are saved: the suggested points for "
            "action below follow them.",
        )
        return HttpResponseRedirect(
            reverse("reports:evaluation_draft", args=[self.programme_year.pk])
        )
