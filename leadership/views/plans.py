"""Pages of the action plan (DOMAIN.md: Action plans): the plan page with its check and the
KS2 targets, a form page for each part of the plan, the LEA's list of plans per programme year,
and the plans section of the school page.

Access: the participation is loaded through `Participation.objects.visible_to` (404 outside the
user's scope); reading needs nothing more, while every change, and every form page, needs
`leadership.edit_plan` (403 otherwise). Each form works as a plain page without JavaScript; with
htmx it opens inside the plan page and, once saved, the plan (and its check) is redrawn in place.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.views import View
from django.views.generic import TemplateView

from accounts import clock
from accounts.rules import is_admin, is_link_adviser, is_manager
from leadership.forms.plans import (
    ActionForm,
    PlanSummaryForm,
    PriorityForm,
    ReviewForm,
    SuccessCriterionForm,
)
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Participation,
    PlanPriority,
    PlanReview,
    ProgrammeYear,
    SuccessCriterion,
)
from leadership.models.programme import PLACE_HOLDING_STATUSES
from leadership.selectors.plans import plan_page, programme_year_plans, school_plans
from leadership.services import plans as services

#: Who reads the LEA's list of plans: those who oversee the programme across the LEA.
reads_lea_plans = is_admin | is_manager | is_link_adviser

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _plan_url(participation: Participation, anchor: str = "") -> str:
    url = reverse("leadership:plan", args=[participation.pk])
    return f"{url}#{anchor}" if anchor else url


class PlanAccessMixin(LoginRequiredMixin):
    """Loads `self.participation` of the URL for a user who may see it (404 otherwise) and
    sets `self.can_edit`. Changes (any POST), and every view with `for_editors`, need
    `leadership.edit_plan`: 403 for a user who may only read."""

    for_editors = False

    def dispatch(self, request, *args, **kwargs):
        # Loaded after the sign-in check, so that an anonymous visitor is sent to sign in
        # rather than told the participation does not exist.
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.participation = get_object_or_404(
            Participation.objects.visible_to(request.user).select_related(
                "school__local_authority", "programme_year"
            ),
            pk=kwargs["pk"],
        )
        self.can_edit = request.user.has_perm("leadership.edit_plan", self.participation)
        editing = self.for_editors or request.method not in SAFE_METHODS
        if editing and not self.can_edit:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def plan_or_404(self) -> ActionPlan:
        return get_object_or_404(ActionPlan, participation=self.participation)

    def plan_body_response(self, anchor: str) -> HttpResponse:
        """The plan redrawn (for htmx), swapped in place of the one on the page and scrolled to
        what changed."""
        today = clock.today()
        context = {
            "participation": self.participation,
            "page": plan_page(self.participation, today=today),
            "can_edit": self.can_edit,
            "today": today,
        }
        response = render(self.request, "leadership/plans/includes/plan_body.html", context)
        response["HX-Retarget"] = "#plan-body"
        response["HX-Reswap"] = f"outerHTML show:#{anchor}:top" if anchor else "outerHTML"
        return response

    def saved(self, message: str, anchor: str) -> HttpResponse:
        if self.request.htmx:
            return self.plan_body_response(anchor)
        messages.success(self.request, message)
        return redirect(_plan_url(self.participation, anchor))


class PlanView(PlanAccessMixin, TemplateView):
    """The plan page: the plan with its check, and the KS2 targets before and after joining.
    With no plan yet, an editor may start it (POST) once the school holds a place."""

    template_name = "leadership/plans/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        page = plan_page(self.participation, today=today)
        context.update(
            participation=self.participation,
            page=page,
            today=today,
            can_edit=self.can_edit,
            can_start=(
                self.can_edit
                and page.plan is None
                and self.participation.status in PLACE_HOLDING_STATUSES
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.action_plan_start(participation=self.participation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_plan_url(self.participation))
        messages.success(
            request, "The plan is started. Add its priorities, English and maths first."
        )
        return redirect(_plan_url(self.participation, "priorities"))


class PlanFormView(PlanAccessMixin, View):
    """A form for one part of the plan, for editors only. Each subclass sets `form_class` and
    defines `load()` (find the objects of the URL within this plan, 404 otherwise), `heading()`
    and `save(data)` (call one service; return the id of what was saved on the plan page)."""

    for_editors = True
    form_class = None
    submit_label = "Save"
    success_message = "Saved."
    instance = None

    def form_kwargs(self) -> dict:
        return {"instance": self.instance}

    def cancel_anchor(self) -> str:
        return ""

    def get(self, request, *args, **kwargs):
        self.load()
        return self.render_form(self.form_class(**self.form_kwargs()))

    def post(self, request, *args, **kwargs):
        self.load()
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                anchor = self.save(form.cleaned_data)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                return self.saved(self.success_message, anchor)
        return self.render_form(form)

    def render_form(self, form) -> HttpResponse:
        context = {
            "participation": self.participation,
            "form": form,
            "heading": self.heading(),
            "submit_label": self.submit_label,
            "form_action": self.request.path,
            "cancel_url": _plan_url(self.participation, self.cancel_anchor()),
        }
        template = (
            "leadership/plans/includes/item_form.html"
            if self.request.htmx
            else "leadership/plans/item_form.html"
        )
        response = render(self.request, template, context)
        # The same URL answers a fragment to htmx and a page otherwise: caches must tell them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response


def _add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PlanSummaryView(PlanFormView):
    form_class = PlanSummaryForm
    success_message = "The summary has been saved."

    def load(self):
        self.instance = self.plan_or_404()

    def heading(self):
        return "Change the summary of the plan"

    def cancel_anchor(self):
        return "summary"

    def save(self, data):
        services.action_plan_update(plan=self.instance, summary=data["summary"])
        return "summary"


class PriorityAddView(PlanFormView):
    form_class = PriorityForm
    submit_label = "Add the priority"
    success_message = "The priority has been added."

    def load(self):
        self.plan = self.plan_or_404()

    def heading(self):
        return "Add a priority"

    def cancel_anchor(self):
        return "priorities"

    def save(self, data):
        priority = services.plan_priority_create(
            plan=self.plan, area=data["area"], title=data["title"], description=data["description"]
        )
        return f"priority-{priority.pk}"


class PriorityChangeView(PlanFormView):
    form_class = PriorityForm
    success_message = "The priority has been saved."

    def load(self):
        self.instance = get_object_or_404(
            PlanPriority, pk=self.kwargs["item"], plan=self.plan_or_404()
        )

    def heading(self):
        return f"Change the priority \u2018{self.instance.title}\u2019"

    def cancel_anchor(self):
        return f"priority-{self.instance.pk}"

    def save(self, data):
        services.plan_priority_update(
            priority=self.instance,
            area=data["area"],
            title=data["title"],
            description=data["description"],
            position=data["position"],
        )
        return f"priority-{self.instance.pk}"


class CriterionAddView(PlanFormView):
    form_class = SuccessCriterionForm
    submit_label = "Add the success criterion"
    success_message = "The success criterion has been added."

    def load(self):
        self.priority = get_object_or_404(
            PlanPriority, pk=self.kwargs["item"], plan=self.plan_or_404()
        )

    def heading(self):
        return f"Add a success criterion to \u2018{self.priority.title}\u2019"

    def cancel_anchor(self):
        return f"priority-{self.priority.pk}"

    def save(self, data):
        criterion = services.success_criterion_create(priority=self.priority, **data)
        return f"criterion-{criterion.pk}"


class CriterionChangeView(PlanFormView):
    form_class = SuccessCriterionForm
    success_message = "The success criterion has been saved."

    def load(self):
        self.instance = get_object_or_404(
            SuccessCriterion, pk=self.kwargs["item"], priority__plan=self.plan_or_404()
        )

    def heading(self):
        return "Change the success criterion"

    def cancel_anchor(self):
        return f"criterion-{self.instance.pk}"

    def save(self, data):
        services.success_criterion_update(criterion=self.instance, **data)
        return f"criterion-{self.instance.pk}"


class ActionAddView(PlanFormView):
    form_class = ActionForm
    submit_label = "Add the action"
    success_message = "The action has been added."

    def load(self):
        self.priority = get_object_or_404(
            PlanPriority.objects.select_related("plan"),
            pk=self.kwargs["item"],
            plan=self.plan_or_404(),
        )

    def form_kwargs(self):
        return {"instance": None, "participation": self.participation}

    def heading(self):
        return f"Add an action to \u2018{self.priority.title}\u2019"

    def cancel_anchor(self):
        return f"priority-{self.priority.pk}"

    def save(self, data):
        action = services.action_create(priority=self.priority, **data)
        return f"action-{action.pk}"


class ActionChangeView(PlanFormView):
    form_class = ActionForm
    success_message = "The action has been saved."

    def load(self):
        self.instance = get_object_or_404(
            Action.objects.select_related("priority__plan"),
            pk=self.kwargs["item"],
            priority__plan=self.plan_or_404(),
        )

    def form_kwargs(self):
        return {"instance": self.instance, "participation": self.participation}

    def heading(self):
        return "Change the action"

    def cancel_anchor(self):
        return f"action-{self.instance.pk}"

    def save(self, data):
        services.action_update(action=self.instance, **data)
        return f"action-{self.instance.pk}"


class ReviewAddView(PlanFormView):
    form_class = ReviewForm
    submit_label = "Add the review"
    success_message = "The review has been added."

    def load(self):
        self.plan = self.plan_or_404()

    def form_kwargs(self):
        return {"instance": None, "initial": {"reviewed_on": clock.today()}}

    def heading(self):
        return "Add a review of the plan"

    def cancel_anchor(self):
        return "reviews"

    def save(self, data):
        review = services.plan_review_create(plan=self.plan, reviewed_by=self.request.user, **data)
        return f"review-{review.pk}"


class ReviewChangeView(PlanFormView):
    form_class = ReviewForm
    success_message = "The review has been saved."

    def load(self):
        self.instance = get_object_or_404(
            PlanReview, pk=self.kwargs["item"], plan=self.plan_or_404()
        )

    def heading(self):
        return f"Change the review of {date_format(self.instance.reviewed_on, 'j F Y')}"

    def cancel_anchor(self):
        return f"review-{self.instance.pk}"

    def save(self, data):
        services.plan_review_update(review=self.instance, **data)
        return f"review-{self.instance.pk}"


class ActionDoneView(PlanAccessMixin, View):
    """Mark an action done in one tap (POST only)."""

    for_editors = True

    def post(self, request, *args, **kwargs):
        action = get_object_or_404(Action, pk=kwargs["item"], priority__plan=self.plan_or_404())
        services.action_set_status(action=action, status=ActionStatus.DONE)
        return self.saved(f"\u2018{action.description}\u2019 is done.", f"action-{action.pk}")


class PlanRemoveView(PlanAccessMixin, TemplateView):
    """Asks before removing a part of the plan (GET), and removes it (POST). Each subclass
    defines `load()`, `question()`, `cancel_anchor()` and `remove()` (call one service; return
    the message to show and the id on the plan page to return to)."""

    for_editors = True
    template_name = "leadership/plans/confirm_remove.html"

    def get_context_data(self, **kwargs):
        self.load()
        context = super().get_context_data(**kwargs)
        context.update(
            participation=self.participation,
            question=self.question(),
            warning=self.warning(),
            cancel_url=_plan_url(self.participation, self.cancel_anchor()),
        )
        return context

    def warning(self) -> str:
        return ""

    def post(self, request, *args, **kwargs):
        self.load()
        message, anchor = self.remove()
        messages.success(request, message)
        return redirect(_plan_url(self.participation, anchor))


class PriorityRemoveView(PlanRemoveView):
    def load(self):
        self.priority = get_object_or_404(
            PlanPriority, pk=self.kwargs["item"], plan=self.plan_or_404()
        )

    def question(self):
        return f"Remove the priority \u2018{self.priority.title}\u2019?"

    def warning(self):
        return "Its success criteria and actions will be removed with it."

    def cancel_anchor(self):
        return f"priority-{self.priority.pk}"

    def remove(self):
        services.plan_priority_delete(priority=self.priority)
        return f"The priority \u2018{self.priority.title}\u2019 has been removed.", "priorities"


class CriterionRemoveView(PlanRemoveView):
    def load(self):
        self.criterion = get_object_or_404(
            SuccessCriterion, pk=self.kwargs["item"], priority__plan=self.plan_or_404()
        )

    def question(self):
        return f"Remove the success criterion \u2018{self.criterion.description}\u2019?"

    def cancel_anchor(self):
        return f"criterion-{self.criterion.pk}"

    def remove(self):
        anchor = f"priority-{self.criterion.priority_id}"
        services.success_criterion_delete(criterion=self.criterion)
        return "The success criterion has been removed.", anchor


class ActionRemoveView(PlanRemoveView):
    def load(self):
        self.action = get_object_or_404(
            Action, pk=self.kwargs["item"], priority__plan=self.plan_or_404()
        )

    def question(self):
        return f"Remove the action \u2018{self.action.description}\u2019?"

    def cancel_anchor(self):
        return f"action-{self.action.pk}"

    def remove(self):
        anchor = f"priority-{self.action.priority_id}"
        services.action_delete(action=self.action)
        return "The action has been removed.", anchor


class ProgrammeYearPlansView(LoginRequiredMixin, TemplateView):
    """The LEA's list of plans for a programme year: every school holding a place, whether its
    plan is started and how many priorities it has, and what the plan check found. For those who
    oversee the LEA (strategy managers, link advisers, admins); a school's own people are not
    shown the LEA's list (404), a PSCL is refused it (403)."""

    template_name = "leadership/plans/year_plans.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm("leadership.view_programmeyear", self.year):
            raise Http404
        if not reads_lea_plans.test(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = programme_year_plans(year=self.year, user=self.request.user, today=clock.today())
        context.update(
            year=self.year,
            rows=rows,
            without_plan=sum(1 for row in rows if row.plan is None),
            with_flags=sum(1 for row in rows if row.flags),
        )
        return context


def plan_school_section(request, school):
    """The school page's section on the programme: each of the school's participations the user
    may see, with its year, status, plan and the plan check's flags. Nothing if none."""
    rows = school_plans(school=school, user=request.user, today=clock.today())
    if not rows:
        return None
    # Rendered without the request: the section reads nothing from it, and a RequestContext
    # would run every context processor (the header's navigation) again for each section.
    return render_to_string(
        "leadership/plans/school_section.html", {"rows": rows, "school": school}
    )
