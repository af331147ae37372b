"""Pages of matching PSCLs to schools and of their allocations.

The matching board, the suggestions for one school and suggest-all are the strategy manager's
(`consultants.manage_matching`); an allocation's page is for everyone who may see it, with the
headteacher's answers (`consultants.answer_match`) and the manager's changes. Every page loads
what it shows through the user's scope (`visible_to`: 404 outside it) and checks the action with
`has_perm` in dispatch (403).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from accounts.models import Role
from leadership.models import Participation, ProgrammeYear

from ..forms.allocations import ConfirmForm, DaysForm, ReasonForm, SuggestAllForm
from ..matching import suggest_all
from ..models import Adviser, Allocation, AllocationStatus
from ..selectors.advisers import school_attachments
from ..selectors.allocations import (
    MATCHABLE_STATUSES,
    allocation_events,
    match_suggestions,
    matching_board,
    school_current_allocation,
    suggest_all_inputs,
)
from ..services.allocations import (
    allocation_change_days,
    allocation_confirm,
    allocation_decline,
    allocation_end,
    allocation_request_change,
    allocation_withdraw_request,
    allocations_confirm_many,
)

MANAGE = "consultants.manage_matching"
ANSWER = "consultants.answer_match"


class YearMixin(LoginRequiredMixin):
    """Loads the programme year the URL names from the user's scope (404) and checks that the
    user manages its matching (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )
        if not request.user.has_perm(MANAGE, self.year):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, **kwargs)


class MatchingBoardView(YearMixin, TemplateView):
    """Every participating school of the year with its PSCL (unmatched first), status and days,
    and each PSCL's load against capacity, with warnings."""

    template_name = "consultants/matching/board.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(board=matching_board(year=self.year), **kwargs)


class MatchSuggestionsView(LoginRequiredMixin, TemplateView):
    """The PSCLs ranked for one school with the reasons of each score, those ruled out with
    why, and a confirm button on each row (POST: confirm that PSCL)."""

    template_name = "consultants/matching/suggestions.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.participation = get_object_or_404(
            Participation.objects.visible_to(request.user).select_related(
                "school__local_authority", "programme_year"
            ),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm(MANAGE, self.participation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _form(self, adviser_pk, data=None):
        year = self.participation.programme_year
        return ConfirmForm(
            data,
            prefix=f"pscl-{adviser_pk}",
            initial={"planned_days": year.pscl_days_per_school},
        )

    def get_context_data(self, posted=None, **kwargs):
        page = match_suggestions(participation=self.participation)
        posted_pk, posted_form = posted or (None, None)

        def form_for(candidate):
            if candidate.pk == posted_pk:
                return posted_form
            return self._form(candidate.pk)

        can_confirm = self.participation.status in MATCHABLE_STATUSES and (
            page.current is None or page.current.status == AllocationStatus.CHANGE_REQUESTED
        )
        return super().get_context_data(
            participation=self.participation,
            school=self.participation.school,
            year=self.participation.programme_year,
            page=page,
            can_confirm=can_confirm,
            ranked=[(s, form_for(s.candidate)) for s in page.ranked],
            excluded=[
                (e, form_for(e.candidate) if e.only_capacity else None) for e in page.excluded
            ],
            posted_form=posted_form,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        adviser_pk = request.POST.get("adviser", "")
        adviser = get_object_or_404(
            Adviser.objects.pscls().filter(
                local_authority_id=self.participation.school.local_authority_id
            ),
            pk=int(adviser_pk) if adviser_pk.isdigit() else 0,
        )
        form = self._form(adviser.pk, request.POST)
        if form.is_valid():
            try:
                allocation = allocation_confirm(
                    participation=self.participation,
                    adviser=adviser,
                    planned_days=form.cleaned_data["planned_days"],
                    accept_over_capacity=form.cleaned_data["accept_over_capacity"],
                    by=request.user,
                )
            except ValidationError as error:
                field = "accept_over_capacity" if error.code == "over_capacity" else None
                form.add_error(field, error.messages)
            else:
                messages.success(
                    request,
                    f"{adviser.full_name} is matched to {self.participation.school.name}.",
                )
                return redirect("consultants:allocation_detail", allocation.pk)
        context = self.get_context_data(posted=(adviser.pk, form), **kwargs)
        return self.render_to_response(context, status=200)


class SuggestAllView(YearMixin, FormView):
    """A PSCL proposed for every unmatched school within capacity, for the manager to review and
    change; saved all together or not at all."""

    template_name = "consultants/matching/suggest_all.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self._proposals = None

    def proposals(self):
        if self._proposals is None:
            participations, targets, candidates = suggest_all_inputs(year=self.year)
            self.participations = {p.pk: p for p in participations}
            self.advisers = {c.pk: c for c in candidates}
            self._proposals = suggest_all(
                targets,
                candidates,
                year_name=self.year.name,
                days=self.year.pscl_days_per_school,
            )
        return self._proposals

    def get_form(self, form_class=None):
        return SuggestAllForm(proposals=self.proposals(), **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposals = self.proposals()
        context.update(
            proposed=sum(1 for p in proposals if p.suggestion),
            unproposed=sum(1 for p in proposals if not p.suggestion),
        )
        return context

    def form_valid(self, form):
        chosen = form.chosen()
        if not chosen:
            messages.info(self.request, "No school was given a PSCL: nothing was saved.")
            return redirect("consultants:matching", self.year.pk)
        advisers = {
            a.pk: a for a in Adviser.objects.filter(pk__in=[adviser_pk for _, adviser_pk in chosen])
        }
        pairs = [(self.participations[p], advisers[a]) for p, a in chosen]
        try:
            saved = allocations_confirm_many(year=self.year, choices=pairs, by=self.request.user)
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                field = f"school_{key}" if f"school_{key}" in form.fields else None
                form.add_error(field, problems)
            return self.form_invalid(form)
        messages.success(self.request, f"{len(saved)} matches confirmed.")
        return redirect("consultants:matching", self.year.pk)


class AllocationMixin(LoginRequiredMixin):
    """Loads the allocation the URL names from the user's scope (404) and, when `permission` is
    set, checks it on the allocation (403). Changes are refused on a match that has ended."""

    permission = ""
    needs_current = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.allocation = get_object_or_404(
            Allocation.objects.visible_to(request.user)
            .with_days()
            .select_related(
                "adviser__home_school",
                "participation__school__local_authority",
                "participation__programme_year",
                "confirmed_by",
            ),
            pk=kwargs["pk"],
        )
        if self.permission and not request.user.has_perm(self.permission, self.allocation):
            raise PermissionDenied
        if self.needs_current and not self.allocation.is_current:
            messages.info(request, "This match has ended: it can no longer change.")
            return redirect(self.detail_url())
        return super().dispatch(request, *args, **kwargs)

    def detail_url(self) -> str:
        return reverse("consultants:allocation_detail", args=[self.allocation.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            allocation=self.allocation,
            school=self.allocation.participation.school,
            year=self.allocation.participation.programme_year,
            **kwargs,
        )


class AllocationDetailView(AllocationMixin, TemplateView):
    """A match: the PSCL, the school, the days, and its history; with the headteacher's and the
    manager's actions."""

    template_name = "consultants/matching/allocation_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        is_current = self.allocation.is_current
        return super().get_context_data(
            events=allocation_events(allocation=self.allocation),
            can_answer=is_current and user.has_perm(ANSWER, self.allocation),
            can_manage=user.has_perm(MANAGE, self.allocation),
            can_log_visit=user.has_perm("consultants.log_visit", self.allocation),
            can_evaluate=is_current
            and user.has_perm("consultants.evaluate_support", self.allocation),
            is_current=is_current,
            change_requested=self.allocation.status == AllocationStatus.CHANGE_REQUESTED,
            **kwargs,
        )


class AllocationFormView(AllocationMixin, FormView):
    """A change of a current match, by one service call; its errors go next to the field."""

    needs_current = True
    template_name = "consultants/matching/allocation_form.html"
    heading = ""
    success_message = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def form_valid(self, form):
        try:
            self.change(form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            elif error.code == "over_capacity" and "accept_over_capacity" in form.fields:
                form.add_error("accept_over_capacity", error.messages)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.detail_url())


class ReasonFormView(AllocationFormView):
    label = ""
    button = ""
    required = True
    required_message = ""

    def get_form(self, form_class=None):
        return ReasonForm(
            label=self.label,
            button=self.button,
            required=self.required,
            message=self.required_message,
            **self.get_form_kwargs(),
        )


class AllocationDaysView(AllocationFormView):
    permission = MANAGE
    heading = "Change the planned days"
    success_message = "The planned days are changed."

    def get_form(self, form_class=None):
        return DaysForm(**self.get_form_kwargs())

    def get_initial(self):
        return {"planned_days": self.allocation.planned_days}

    def change(self, data):
        allocation_change_days(
            allocation=self.allocation,
            planned_days=data["planned_days"],
            reason=data["reason"],
            accept_over_capacity=data["accept_over_capacity"],
            by=self.request.user,
        )


class AllocationEndView(ReasonFormView):
    permission = MANAGE
    heading = "End the match"
    label = "Why does the match end?"
    button = "End the match"
    required_message = "Say why the match ends"
    success_message = "The match has ended; the school can be matched again."

    def change(self, data):
        allocation_end(allocation=self.allocation, reason=data["reason"], by=self.request.user)


class AllocationRequestChangeView(ReasonFormView):
    permission = ANSWER
    heading = "Ask for another PSCL"
    label = "Why does the school want another PSCL?"
    button = "Ask for another PSCL"
    required_message = "Say why the school wants another PSCL"
    success_message = "Your request is sent to the strategy manager."

    def change(self, data):
        allocation_request_change(
            allocation=self.allocation, reason=data["reason"], by=self.request.user
        )


class AllocationWithdrawRequestView(ReasonFormView):
    permission = ANSWER
    heading = "Keep this PSCL"
    label = "Anything to add? (optional)"
    button = "Withdraw the request"
    required = False
    success_message = "Your request for another PSCL is withdrawn."

    def change(self, data):
        allocation_withdraw_request(
            allocation=self.allocation, reason=data["reason"], by=self.request.user
        )


class AllocationDeclineView(ReasonFormView):
    permission = ANSWER
    heading = "Decline the PSCL"
    label = "Why does the school decline this PSCL?"
    button = "Decline the PSCL"
    required_message = "Say why the school declines the PSCL"
    success_message = "The PSCL is declined; the strategy manager will match another."

    def change(self, data):
        allocation_decline(allocation=self.allocation, reason=data["reason"], by=self.request.user)


def allocation_school_section(request, school):
    """The school page's section on its advisers: the current PSCL of the school's latest
    participation with its days (for users who may see the match), the advisers attached to
    the school, and the ways to the school's visits and, for its strategy manager, to attach
    advisers. Nothing when there is nothing to show or do."""
    user = request.user
    allocation = school_current_allocation(school=school, user=user)
    attachments = school_attachments(school=school)
    may_attach = user.has_perm("consultants.manage_advisers", school)
    if allocation is None and not attachments and not may_attach:
        return None
    # Rendered without the request: the section reads nothing from it, and a RequestContext
    # would run every context processor (the header's navigation) again for each section.
    return render_to_string(
        "consultants/matching/school_section.html",
        {
            "allocation": allocation,
            "attachments": attachments,
            "school": school,
            "may_attach": may_attach,
            # Governors read reports, not the visit log (issue 4, item 6).
            "may_see_visits": user.role != Role.GOVERNOR,
        },
    )
