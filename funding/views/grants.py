"""Pages of the year's rates and the schools' grants (issue 5, items 1 and 2): the rates with
their history, the rates form, the grant list with its totals and the recompute button, one
school's grant with its history, and the grant offer letter (page and PDF).

The year's pages are for the LEA's strategy managers and admins (`funding.manage_rates`):
others who may see the year get 403, and a year of another LEA is not found (404). A grant is
loaded through `Grant.objects.visible_to` (the LEA's managers, the school's headteacher and
governors): anyone else is told it does not exist (404).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from accounts import clock
from leadership.forms.programme import add_service_errors
from leadership.models import ProgrammeYear
from leadership.pdf import WEB_BASE_TEMPLATE, render_pdf_response

from ..forms.grants import RatesForm, rates_initial
from ..grants import breakdown_lines, gbp
from ..models import FundingRates, Grant
from ..selectors.grants import (
    grant_history,
    grant_list,
    place_holders,
    rates_page,
    recompute_report,
)
from ..services.grants import grants_recompute, rates_update

#: The session key of the report of the last recomputation of a year's grants.
REPORT_KEY = "funding_grants_report_{year_pk}"


class SignedInMixin(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in before anything is loaded, so that they are never
    told whether an object exists."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs):
        """Load the page's objects in the user's scope and check the permission."""


class YearMixin(SignedInMixin):
    """Loads the programme year in the URL among those the user may see (404 otherwise) and
    checks that they manage its rates (403 otherwise)."""

    def load(self, request, **kwargs):
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )
        if not request.user.has_perm("funding.manage_rates", self.programme_year):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme_year"] = self.programme_year
        context["report"] = self.request.session.pop(
            REPORT_KEY.format(year_pk=self.programme_year.pk), None
        )
        return context

    def keep_report(self, changes) -> dict:
        """Keep what the recomputation did for the next page, and say it in a message."""
        report = recompute_report(changes)
        self.request.session[REPORT_KEY.format(year_pk=self.programme_year.pk)] = report
        return report


def _summary(report: dict) -> str:
    parts = [f"{len(report['recomputed'])} grant(s) recomputed"]
    if report["paid"]:
        parts.append(f"{len(report['paid'])} left as they were because already paid")
    if report["failed"]:
        parts.append(f"{len(report['failed'])} could not be worked out")
    return "; ".join(parts) + "."


class RatesView(YearMixin, TemplateView):
    """The year's rates and every change to them: when, who, old and new."""

    template_name = "funding/rates/rates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = rates_page(self.programme_year)
        return context


class RatesEditView(YearMixin, FormView):
    """Change the year's rates; saving recomputes the grants not yet paid and the rates page
    then says which changed, which were left because paid and which could not be worked out."""

    template_name = "funding/rates/rates_form.html"
    form_class = RatesForm

    def get_initial(self):
        rates = FundingRates.objects.filter(programme_year=self.programme_year).first()
        rates = rates or FundingRates(programme_year=self.programme_year)
        return rates_initial(rates, self.programme_year)

    def form_valid(self, form):
        try:
            changes = rates_update(programme_year=self.programme_year, values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        report = self.keep_report(changes)
        messages.success(self.request, f"Rates saved. {_summary(report)}")
        return HttpResponseRedirect(reverse("funding:rates", args=[self.programme_year.pk]))


class GrantListView(YearMixin, TemplateView):
    """Every school holding a place with its grant, the totals, and the schools with no grant
    yet and why."""

    template_name = "funding/rates/grant_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grants"] = grant_list(self.programme_year)
        return context


class GrantsRecomputeView(YearMixin, View):
    """Recompute the year's unpaid grants from today's rates and rolls (POST), and report."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        changes = grants_recompute(participations=place_holders(self.programme_year))
        report = self.keep_report(changes)
        messages.success(request, _summary(report))
        return HttpResponseRedirect(reverse("funding:grant_list", args=[self.programme_year.pk]))


class GrantMixin(SignedInMixin):
    """Loads the grant of the participation in the URL among those the user may see: the LEA's
    managers, admins, the school's headteacher and governors (404 for anyone else)."""

    def load(self, request, **kwargs):
        self.grant = get_object_or_404(
            Grant.objects.visible_to(request.user).select_related(
                "participation__programme_year__local_authority",
                "participation__school__local_authority",
            ),
            participation_id=kwargs["pk"],
        )
        self.participation = self.grant.participation

    def grant_context(self) -> dict:
        return {
            "grant": self.grant,
            "participation": self.participation,
            "programme_year": self.participation.programme_year,
            "school": self.participation.school,
            "lines": breakdown_lines(self.grant),
            "total_text": gbp(self.grant.total),
            "can_manage": self.request.user.has_perm(
                "funding.manage_rates", self.participation.programme_year
            ),
        }


class GrantDetailView(GrantMixin, TemplateView):
    """A school's grant: the sum in words, each time it was worked out, and the letter."""

    template_name = "funding/rates/grant_detail.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **self.grant_context(),
            "history": grant_history(self.grant),
        }


class GrantLetterMixin(GrantMixin):
    template_name = "funding/rates/grant_letter.html"

    def letter_context(self) -> dict:
        return {**self.grant_context(), "today": clock.today()}


class GrantLetterView(GrantLetterMixin, TemplateView):
    """The grant offer letter as a page."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **self.letter_context(),
            "base_template": WEB_BASE_TEMPLATE,
        }


class GrantLetterPdfView(GrantLetterMixin, View):
    """The grant offer letter as a PDF, from the page's template."""

    def get(self, request, *args, **kwargs):
        school = self.participation.school
        year = self.participation.programme_year
        return render_pdf_response(
            request,
            self.template_name,
            self.letter_context(),
            filename=f"grant-offer-{school.urn}-{year.name}.pdf",
        )
