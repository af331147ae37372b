"""Pages that put the money together (issue 5, items 6 and 7): the manager's landing and the
year's money at a glance, value for money, the school's money and a PSCL's payments.

Every page loads what it shows through the user's scope (`visible_to`: 404 outside it) and
checks who may read it in dispatch (403 when the user may see the object but not its money).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.rules import is_admin, is_consultant, is_governor, is_headteacher, is_manager
from leadership.models import ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES
from leadership.selectors.plans import school_participations
from schools.models import School

from ..selectors.pages import funding_year_list, pscl_payments_for, school_money, year_funding
from ..selectors.value import value_for_money

#: Who reads the LEA's money: strategy managers (their LEA, by scope) and admins.
may_read_lea_money = is_admin | is_manager

#: Who reads a school's money: its headteacher and governors (their school, by scope), the LEA's
#: strategy managers and admins. PSCLs and link advisers see the school but not its money.
may_read_school_money = is_admin | is_manager | is_headteacher | is_governor


class SignedInMixin(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in before anything is loaded, so that they are never
    told whether an object exists; then `load` finds the page's objects and checks access."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs):
        """Load the page's objects in the user's scope and check the permission."""


class ProgrammeYearMoneyMixin(SignedInMixin):
    """Loads the programme year in the URL among those the user may see (404) and checks
    `permission` on it (403)."""

    permission = ""

    def load(self, request, **kwargs):
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )
        if not request.user.has_perm(self.permission, self.programme_year):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme_year=self.programme_year, **kwargs)


class FundingHomeView(SignedInMixin, TemplateView):
    """The manager's landing: the latest programme year of their LEA; for an admin (or a
    manager whose LEA has no year yet), the list of programme years."""

    template_name = "funding/pages/home.html"

    def load(self, request, **kwargs):
        if not may_read_lea_money(request.user):
            raise PermissionDenied
        self.years = list(funding_year_list(user=request.user))

    def get(self, request, *args, **kwargs):
        if not request.user.is_admin and self.years:
            return HttpResponseRedirect(reverse("funding:year_funding", args=[self.years[0].pk]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(years=self.years, **kwargs)


class YearFundingView(ProgrammeYearMoneyMixin, TemplateView):
    """The year's money at a glance: the budget, grants, payments and returns, with a link to
    every funding page of the year."""

    template_name = "funding/pages/year.html"
    permission = "funding.manage_budget"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            funding=year_funding(self.programme_year),
            other_years=[
                year
                for year in funding_year_list(user=user).filter(
                    local_authority=self.programme_year.local_authority
                )
                if year.pk != self.programme_year.pk
            ],
            **kwargs,
        )


class ValueForMoneyView(ProgrammeYearMoneyMixin, TemplateView):
    """Value for money per school and for the LEA (see `funding.selectors.value`)."""

    template_name = "funding/pages/value_for_money.html"
    permission = "funding.view_value_for_money"

    def get_context_data(self, **kwargs):
        return super().get_context_data(value=value_for_money(self.programme_year), **kwargs)


class SchoolMoneyView(SignedInMixin, TemplateView):
    """The school's grant, instalments and expenditure return, per place: for its headteacher
    and governors, the LEA's strategy managers and admins."""

    template_name = "funding/pages/school_money.html"

    def load(self, request, **kwargs):
        self.school = get_object_or_404(
            School.objects.visible_to(request.user).select_related("local_authority"),
            urn=kwargs["urn"],
        )
        if not may_read_school_money(request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            school=self.school,
            places=school_money(user=user, school=self.school),
            is_school_member=user.is_school_member,
            **kwargs,
        )


class MyPaymentsView(SignedInMixin, TemplateView):
    """A PSCL's payments for the days they delivered, with totals."""

    template_name = "funding/pages/my_payments.html"

    def load(self, request, **kwargs):
        if not is_consultant(request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            payments=pscl_payments_for(user=self.request.user), **kwargs
        )


def money_school_section(request, school):
    """The school page's way to the programme's money (grant, payments and return), for those
    who may read it and only for a school that has held a place (registered in
    `FundingConfig.ready()`; `schools` never imports funding)."""
    if not may_read_school_money(request.user):
        return None
    # The participations the page's programme section read (no query of its own then). The
    # school is one the user may see, so they are all of its participations.
    participations = school_participations(school=school, user=request.user)
    if not any(p.status in PLACE_HOLDING_STATUSES for p in participations):
        return None
    # Rendered without the request, as the other sections are: it reads nothing from it.
    return render_to_string("funding/pages/school_section.html", {"school": school})
