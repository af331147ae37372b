"""The LEA dashboard (issue 6, item 7): the strategy manager's early warnings with the schools
concerned, and the year's charts.

Strategy managers see their own LEA; admins choose one with `?lea=<code>` (the first they may
see by default); link advisers may read their LEA's dashboard too, without the money warnings
(they do not see the schools' grants). The LEA is loaded through `LocalAuthority.visible_to`,
so another LEA's code is not found (404). PSCLs, headteachers and governors are refused (403).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from accounts import clock
from accounts.rules import is_admin, is_link_adviser, is_manager
from reports.charts.dashboard import pscl_days_chart_svg, review_chart_svg, status_chart_svg
from reports.selectors.dashboard import (
    WarningKind,
    dashboard_programme_year,
    early_warning,
    lea_dashboard_figures,
)
from schools.models import LocalAuthority

#: Who may open the dashboard, and who may also see its money warnings.
may_see_dashboard = is_admin | is_manager | is_link_adviser
may_see_money_warnings = is_admin | is_manager


class DashboardMixin(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in, refuses the roles the dashboard is not for (403),
    and loads the LEA in the user's scope (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_see_dashboard(request.user):
            raise PermissionDenied
        self.today = clock.today()
        leas = LocalAuthority.objects.visible_to(request.user).order_by("name", "pk")
        code = request.GET.get("lea", "").strip()
        if code:
            self.local_authority = get_object_or_404(leas, code=code)
        else:
            self.local_authority = leas.first()
            if self.local_authority is None:
                raise Http404("No LEA to show.")
        self.include_money = may_see_money_warnings(request.user)
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs):
        """Load the page's own objects (after the LEA)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            local_authority=self.local_authority,
            today=self.today,
            lea_query=f"?lea={self.local_authority.code}" if self.request.user.is_admin else "",
            can_manage=self.include_money,
        )
        return context


class DashboardView(DashboardMixin, TemplateView):
    """The LEA's early warnings with their counts, each linking to its schools, and the charts
    of the year (each with a table of the same figures)."""

    template_name = "reports/dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = lea_dashboard_figures(
            local_authority=self.local_authority,
            today=self.today,
            include_money=self.include_money,
        )
        year = figures.programme_year
        if year is not None:
            context.update(
                status_chart=status_chart_svg(
                    figures.status_counts, year_name=year.name, chart_id="status-chart"
                ),
                days_chart=pscl_days_chart_svg(
                    figures.days_by_month, year_name=year.name, chart_id="days-chart"
                ),
                review_chart=review_chart_svg(
                    figures.review_counts, year_name=year.name, chart_id="review-chart"
                ),
            )
        if self.request.user.is_admin:
            context["local_authorities"] = LocalAuthority.objects.visible_to(
                self.request.user
            ).order_by("name", "pk")
        context.update(figures=figures, programme_year=year)
        return context


class WarningDetailView(DashboardMixin, TemplateView):
    """One early warning: the schools concerned, each with the reasons and links to its
    timeline and its page. An unknown kind is not found; a money warning is refused to those
    who may not see the schools' money."""

    template_name = "reports/dashboard/warning_detail.html"

    def load(self, request, **kwargs):
        try:
            self.kind = WarningKind(kwargs["kind"])
        except ValueError as error:
            raise Http404("No such warning.") from error
        if self.kind.is_about_money and not self.include_money:
            raise PermissionDenied
        self.programme_year = dashboard_programme_year(self.local_authority, today=self.today)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        warning = None
        if self.programme_year is not None:
            warning = early_warning(
                programme_year=self.programme_year, kind=self.kind, today=self.today
            )
        context.update(kind=self.kind, warning=warning, programme_year=self.programme_year)
        return context
