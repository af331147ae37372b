"""The people's pages (issue 4: Pages; the school's evaluation of support):

- the PSCL's caseload ("My schools"), for PSCLs;
- the feed of submitted visit notes, for link advisers, strategy managers and admins;
- the strategy manager's PSCL overview for a programme year, and each PSCL's evaluations;
- the headteacher's termly rating of the PSCL's support.

Access: objects load through `visible_to(user)` (404 outside the user's scope); the pages for a
role answer 403 to the other roles, and the overview and the rating check their permission on
the programme year or the allocation (403).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, ListView, TemplateView

from accounts import clock
from accounts.models import Role
from accounts.reversing import reverse_each
from leadership.models import ProgrammeYear

from ..forms.pages import SupportEvaluationForm, VisitFeedFilterForm
from ..models import Adviser, AgreedAction, Allocation, Term
from ..selectors.pages import (
    RATING_LABELS,
    RECENT_VISIT_DAYS,
    CaseloadEntry,
    allocation_evaluations,
    caseload,
    latest_programme_year,
    pscl_evaluations,
    pscl_overview,
    term_of,
    visit_feed,
    visit_feed_schools,
)
from ..services.pages import support_evaluation_write

#: Visit notes on a page of the feed.
FEED_PER_PAGE = 25
#: The roles that read the feed of visit notes (DOMAIN.md: notes are shared between the PSCL,
#: the link adviser and the strategy manager; a PSCL reads their own from their caseload).
FEED_ROLES = (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER)
#: The roles that oversee the LEA's PSCLs.
OVERVIEW_ROLES = (Role.ADMIN, Role.MANAGER)


def _page_links(page) -> dict:
    return {
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "ellipsis": Paginator.ELLIPSIS,
    }


class RoleRequiredMixin(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in and answers 403 to a user whose role is not one of
    `roles`."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@dataclass(frozen=True)
class CaseloadLinks:
    """The links of one school's card on the caseload."""

    school: str
    school_visits: str
    action_plan: str
    allocation: str
    visit_new: str
    visit_plan: str
    #: The next and the last visit's pages; "" when there is none.
    next_visit: str
    last_visit: str
    #: Each overdue action with the page of the visit that agreed it.
    overdue_actions: list[tuple[AgreedAction, str]]


def caseload_links(entries: list[CaseloadEntry]) -> list[CaseloadLinks]:
    """The links of each card, in the order of `entries`."""
    school = reverse_each("schools:detail")
    school_visits = reverse_each("consultants:school_visits")
    action_plan = reverse_each("leadership:plan")
    allocation = reverse_each("consultants:allocation_detail")
    visit_new = reverse_each("consultants:visit_new")
    visit_plan = reverse_each("consultants:visit_plan")
    visit = reverse_each("consultants:visit_detail")
    return [
        CaseloadLinks(
            school=school(entry.school.urn),
            school_visits=school_visits(entry.school.urn),
            action_plan=action_plan(entry.allocation.participation_id),
            allocation=allocation(entry.allocation.pk),
            visit_new=visit_new(entry.allocation.pk),
            visit_plan=visit_plan(entry.allocation.pk),
            next_visit=visit(entry.next_visit.pk) if entry.next_visit else "",
            last_visit=visit(entry.last_visit.pk) if entry.last_visit else "",
            overdue_actions=[(action, visit(action.visit_id)) for action in entry.overdue_actions],
        )
        for entry in entries
    ]


class CaseloadView(RoleRequiredMixin, TemplateView):
    """The PSCL's schools now: the background file's key facts, days planned, used and left,
    the next and the last visit, overdue agreed actions, and the links for the work."""

    roles = (Role.CONSULTANT,)
    template_name = "consultants/pages/caseload.html"

    def get_context_data(self, **kwargs):
        today = clock.today()
        entries = caseload(user=self.request.user, today=today)
        return super().get_context_data(
            entries=entries,
            cards=list(zip(entries, caseload_links(entries), strict=True)),
            today=today,
            **kwargs,
        )


class VisitFeedView(RoleRequiredMixin, ListView):
    """The submitted visit notes the user may read, newest first, filtered by school and by
    whether standards were challenged."""

    roles = FEED_ROLES
    template_name = "consultants/pages/visit_feed.html"
    context_object_name = "visits"
    paginate_by = FEED_PER_PAGE

    def get_queryset(self):
        user = self.request.user
        self.form = VisitFeedFilterForm(
            self.request.GET or None, schools=visit_feed_schools(user=user)
        )
        if self.form.is_valid():
            return visit_feed(
                user=user,
                school_id=self.form.cleaned_data["school"],
                challenged=self.form.challenged_value,
            )
        return visit_feed(user=user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            _page_links(context["page_obj"]),
            form=self.form,
            is_filtered=self.form.is_bound
            and self.form.is_valid()
            and any(self.form.cleaned_data.values()),
        )
        return context


class PsclHomeView(RoleRequiredMixin, TemplateView):
    """The way in to the PSCL overview: a strategy manager goes to their LEA's latest
    programme year; an admin chooses a year of any LEA. With no year, the page says so."""

    roles = OVERVIEW_ROLES
    template_name = "consultants/pages/pscl_home.html"

    def get(self, request, *args, **kwargs):
        if request.user.role == Role.MANAGER:
            year = latest_programme_year(user=request.user)
            if year is not None:
                return redirect("consultants:pscl_overview", year_pk=year.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        years = []
        if self.request.user.is_admin:
            years = list(
                ProgrammeYear.objects.visible_to(self.request.user)
                .select_related("local_authority")
                .order_by("local_authority__name", "-starts_on")
            )
        return super().get_context_data(years=years, **kwargs)


class ProgrammeYearOverviewMixin(LoginRequiredMixin):
    """Loads the programme year the URL names from those the user may see (404 otherwise) and
    checks `consultants.view_pscl_overview` on it (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )
        if not request.user.has_perm("consultants.view_pscl_overview", self.programme_year):
            raise PermissionDenied
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs):
        """Load what else the URL names, once the year is allowed."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme_year=self.programme_year, **kwargs)


class PsclOverviewView(ProgrammeYearOverviewMixin, TemplateView):
    """The year's PSCLs: schools, capacity, days, recent visits, the schools' ratings, how often
    standards were challenged, training, declaration and warnings."""

    template_name = "consultants/pages/pscl_overview.html"

    def get_context_data(self, **kwargs):
        today = clock.today()
        rows = pscl_overview(
            user=self.request.user, programme_year=self.programme_year, today=today
        )
        years = (
            ProgrammeYear.objects.visible_to(self.request.user)
            .filter(local_authority_id=self.programme_year.local_authority_id)
            .order_by("-starts_on", "-pk")
        )
        return super().get_context_data(
            rows=rows,
            years=years,
            today=today,
            recent_weeks=RECENT_VISIT_DAYS // 7,
            warning_count=sum(1 for row in rows if row.has_warnings),
            **kwargs,
        )


class PsclEvaluationsView(ProgrammeYearOverviewMixin, TemplateView):
    """Every rating the schools gave a PSCL's support in the year, with comments."""

    template_name = "consultants/pages/pscl_evaluations.html"

    def load(self, **kwargs):
        # A PSCL of another LEA than the year's is not found.
        self.adviser = get_object_or_404(
            Adviser.objects.visible_to(self.request.user).pscls(),
            pk=kwargs["pk"],
            local_authority_id=self.programme_year.local_authority_id,
        )

    def get_context_data(self, **kwargs):
        evaluations = list(
            pscl_evaluations(
                user=self.request.user, adviser=self.adviser, programme_year=self.programme_year
            )
        )
        ratings = [e.rating for e in evaluations]
        return super().get_context_data(
            adviser=self.adviser,
            evaluations=evaluations,
            rating_labels=RATING_LABELS,
            average=(
                (Decimal(sum(ratings)) / len(ratings)).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
                if ratings
                else None
            ),
            **kwargs,
        )


class EvaluateSupportView(LoginRequiredMixin, FormView):
    """The headteacher rates the PSCL's support for a term (1 poor to 5 excellent) with
    comments, or changes a term's rating; the ratings given so far are listed."""

    template_name = "consultants/pages/evaluate_support.html"
    form_class = SupportEvaluationForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.allocation = get_object_or_404(
            Allocation.objects.visible_to(request.user).select_related(
                "adviser", "participation__school", "participation__programme_year"
            ),
            pk=kwargs["pk"],
        )
        # The rating is the school's own voice: not even an admin gives it on its behalf.
        if request.user.role != Role.HEADTEACHER or not request.user.has_perm(
            "consultants.evaluate_support", self.allocation
        ):
            raise PermissionDenied
        self.evaluations = allocation_evaluations(allocation=self.allocation)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rated_terms": set(self.evaluations)}

    def get_initial(self):
        """The term asked for (a "Change" link), else the term of today; its rating if given."""
        term = self.request.GET.get("term")
        if term not in Term.values:
            term = term_of(clock.today())
        evaluation = self.evaluations.get(term)
        if evaluation is None:
            return {"term": term}
        return {"term": term, "rating": evaluation.rating, "comments": evaluation.comments}

    def get_context_data(self, **kwargs):
        rated = [self.evaluations[term] for term in Term.values if term in self.evaluations]
        return super().get_context_data(
            allocation=self.allocation,
            school=self.allocation.participation.school,
            rated=rated,
            rating_labels=RATING_LABELS,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            evaluation, created = support_evaluation_write(
                allocation=self.allocation,
                term=form.cleaned_data["term"],
                rating=form.cleaned_data["rating"],
                comments=form.cleaned_data["comments"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        verb = "saved" if created else "changed"
        messages.success(
            self.request, f"Your rating for the {evaluation.get_term_display().lower()} is {verb}."
        )
        return redirect(reverse("consultants:evaluate_support", args=[self.allocation.pk]))
