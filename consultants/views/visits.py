"""Pages of the PSCL's visit log (issue 4, item 6): plan a visit, log it (draft, then submit),
edit it after submission, read it; the school's visits; the headteacher's pre-visit note and
agreed actions; the PSCL's calendar feed.

Every page loads what it shows through the user's scope (`visible_to`: 404 outside it) and checks
the action with `has_perm` in dispatch (403 when the user may see but not do). The calendar feed
alone needs no sign-in: the secret in its address is the key.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView, View

from accounts.models import Role
from schools.models import School

from ..calendar import AllDayEvent, calendar_text
from ..forms.visits import (
    SAVE_CHANGES,
    SAVE_DRAFT,
    SUBMIT,
    PreVisitNoteForm,
    VisitNoteForm,
    VisitPlanForm,
    agreed_action_formset,
)
from ..models import (
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    PreVisitNote,
    Visit,
    VisitStatus,
)
from ..selectors.visits import (
    calendar_visits,
    current_allocation_of,
    pscl_of,
    reads_notes,
    school_agreed_actions,
    school_planned_visits,
    school_visits_for_reader,
    visit_changes_since_submission,
)
from ..services.visits import (
    agreed_action_mark_done,
    pre_visit_note_write,
    visit_cancel,
    visit_note_problems,
    visit_plan,
    visit_save_draft,
    visit_submit,
    visit_update_submitted,
)


def school_visits_url(school) -> str:
    return reverse("consultants:school_visits", args=[school.urn])


def _visits_in_scope(user):
    return Visit.objects.visible_to(user).select_related(
        "allocation__adviser",
        "allocation__participation__programme_year",
        "allocation__participation__school__local_authority",
    )


class AllocationMixin(LoginRequiredMixin):
    """Loads the allocation the URL names from the user's scope (404 outside it) and checks
    that the user may log visits on it: its PSCL, while it is current (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.allocation = get_object_or_404(
            Allocation.objects.visible_to(request.user).select_related(
                "adviser", "participation__programme_year", "participation__school"
            ),
            pk=kwargs["pk"],
        )
        self.school = self.allocation.participation.school
        if not request.user.has_perm("consultants.log_visit", self.allocation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(allocation=self.allocation, school=self.school, **kwargs)


class VisitMixin(LoginRequiredMixin):
    """Loads the visit the URL names from those whose notes the user reads (404 otherwise) and,
    when `permission` is set, checks it on the visit (403)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.visit = get_object_or_404(_visits_in_scope(request.user), pk=kwargs["pk"])
        self.allocation = self.visit.allocation
        self.school = self.allocation.participation.school
        if self.permission and not request.user.has_perm(self.permission, self.visit):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            visit=self.visit, allocation=self.allocation, school=self.school, **kwargs
        )


class VisitPlanView(AllocationMixin, FormView):
    """Plan a visit ahead (date and purpose), so that the school prepares; with the visits
    already planned."""

    template_name = "consultants/visits/plan.html"
    form_class = VisitPlanForm

    def get_context_data(self, **kwargs):
        planned = self.allocation.visits.filter(status=VisitStatus.PLANNED).order_by("visit_on")
        return super().get_context_data(planned=planned, **kwargs)

    def form_valid(self, form):
        try:
            visit = visit_plan(
                allocation=self.allocation,
                visit_on=form.cleaned_data["visit_on"],
                purpose=form.cleaned_data["purpose"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Visit planned for {visit.visit_on:%-d %B %Y}. The headteacher can now see it.",
        )
        return redirect(school_visits_url(self.school))


class VisitFormMixin:
    """The visit note with its agreed actions, its buttons, and the service each button calls.
    Errors the service raises come back next to the fields they are about."""

    template_name = "consultants/visits/visit_form.html"

    def editing(self) -> Visit | None:
        return None

    def buttons(self) -> list[tuple[str, str]]:
        return [(SAVE_DRAFT, "Save as draft"), (SUBMIT, "Submit")]

    def get(self, request, *args, **kwargs):
        visit = self.editing()
        form = VisitNoteForm(visit=visit)
        formset = agreed_action_formset(visit=visit)
        return self.render(form, formset)

    def post(self, request, *args, **kwargs):
        visit = self.editing()
        action = request.POST.get("action", "")
        if action not in dict(self.buttons()):
            action = self.buttons()[0][0]
        form = VisitNoteForm(request.POST, visit=visit)
        formset = agreed_action_formset(request.POST, visit=visit)
        formset_is_valid = formset.is_valid()
        if form.is_valid():
            # The rules of a draft or a submitted visit, shown with the rows' errors at once.
            problems = visit_note_problems(note=form.note(), complete=action != SAVE_DRAFT)
            if problems is not None:
                self.add_errors(form, problems)
        if form.errors or not formset_is_valid:
            return self.render(form, formset)
        try:
            saved = self.save(action, note=form.note(), actions=formset.lines())
        except ValidationError as error:
            self.add_errors(form, error)
            return self.render(form, formset)
        messages.success(request, self.done_message(action, saved))
        return redirect("consultants:visit_detail", saved.pk)

    def save(self, action, *, note, actions):
        """One service call for the button pressed: change a submitted visit, or save the
        draft or submit it (the visit being edited, or a new one on the allocation)."""
        user = self.request.user
        visit = self.editing()
        if visit is not None and visit.is_submitted:
            return visit_update_submitted(visit=visit, note=note, actions=actions, by=user)
        service = visit_submit if action == SUBMIT else visit_save_draft
        target = {"visit": visit} if visit is not None else {"allocation": self.allocation}
        return service(note=note, actions=actions, by=user, **target)

    def done_message(self, action: str, visit: Visit) -> str:
        if action == SAVE_DRAFT:
            return "Draft saved. Only you can read it until you submit it."
        if action == SUBMIT:
            message = "Visit submitted. The link adviser and the strategy manager can read it."
            if visit.next_visit_on:
                message += f" The next visit is planned for {visit.next_visit_on:%-d %B %Y}."
            return message
        return "Your changes are saved. They are kept in the visit's history."

    @staticmethod
    def add_errors(form, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)

    def render(self, form, formset):
        context = self.get_context_data(
            form=form,
            formset=formset,
            buttons=self.buttons(),
            has_errors=bool(form.errors)
            or any(row.errors for row in formset.forms)
            or bool(formset.non_form_errors()),
            pre_visit_note=self.pre_visit_note(),
        )
        return self.render_to_response(context)

    def pre_visit_note(self) -> PreVisitNote | None:
        visit = self.editing()
        if visit is None:
            return None
        return PreVisitNote.objects.filter(visit=visit).first()


class VisitNewView(AllocationMixin, VisitFormMixin, TemplateView):
    """Log a visit that was not planned: a new draft or a submitted visit."""


class VisitLogView(VisitMixin, VisitFormMixin, TemplateView):
    """Log a planned visit, with the school's pre-visit note at the top of the form."""

    permission = "consultants.log_visit"

    def get(self, request, *args, **kwargs):
        if self.visit.status != VisitStatus.PLANNED:
            return self.elsewhere()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.visit.status != VisitStatus.PLANNED:
            return self.elsewhere()
        return super().post(request, *args, **kwargs)

    def elsewhere(self):
        if self.visit.status == VisitStatus.CANCELLED:
            raise Http404("The visit was cancelled.")
        return redirect("consultants:visit_edit", self.visit.pk)

    def editing(self):
        return self.visit


class VisitEditView(VisitMixin, VisitFormMixin, TemplateView):
    """Change a draft (save again or submit) or a submitted visit (every change kept)."""

    permission = "consultants.edit_visit"

    def get(self, request, *args, **kwargs):
        if self.visit.status != VisitStatus.DRAFT and not self.visit.is_submitted:
            return self.elsewhere()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.visit.status != VisitStatus.DRAFT and not self.visit.is_submitted:
            return self.elsewhere()
        return super().post(request, *args, **kwargs)

    def elsewhere(self):
        if self.visit.status == VisitStatus.CANCELLED:
            raise Http404("The visit was cancelled.")
        return redirect("consultants:visit_log", self.visit.pk)

    def editing(self):
        return self.visit

    def buttons(self):
        if self.visit.is_submitted:
            return [(SAVE_CHANGES, "Save changes")]
        return super().buttons()


class VisitDetailView(VisitMixin, TemplateView):
    """A visit for those who read the notes: the note, its agreed actions, the school's
    pre-visit note, and what changed after submission."""

    template_name = "consultants/visits/visit_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        visit = self.visit
        may_edit = user.has_perm("consultants.edit_visit", visit) and self.allocation.is_current
        return super().get_context_data(
            actions=visit.agreed_actions.order_by("due_on", "pk"),
            pre_visit_note=PreVisitNote.objects.filter(visit=visit)
            .select_related("written_by")
            .first(),
            changes=visit_changes_since_submission(visit),
            can_log=visit.status == VisitStatus.PLANNED
            and user.has_perm("consultants.log_visit", visit),
            can_edit=may_edit and visit.status in (VisitStatus.DRAFT, VisitStatus.SUBMITTED),
            can_cancel=may_edit and visit.status == VisitStatus.PLANNED,
            can_mark_done=visit.is_submitted
            and user.has_perm("consultants.mark_action_done", visit),
            **kwargs,
        )


class VisitCancelView(VisitMixin, TemplateView):
    """Cancel a planned visit, after a confirmation."""

    permission = "consultants.edit_visit"
    template_name = "consultants/visits/cancel.html"

    def get(self, request, *args, **kwargs):
        if self.visit.status != VisitStatus.PLANNED:
            raise Http404("Only a planned visit can be cancelled.")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            visit_cancel(visit=self.visit, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("consultants:visit_detail", self.visit.pk)
        messages.success(request, f"The visit on {self.visit.visit_on:%-d %B %Y} is cancelled.")
        return redirect(school_visits_url(self.school))


class PreVisitNoteView(LoginRequiredMixin, FormView):
    """The headteacher's note before a planned visit: written or changed until the visit is
    logged. Loaded from the schedule the user sees (404 otherwise)."""

    template_name = "consultants/visits/pre_visit_note.html"
    form_class = PreVisitNoteForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.visit = get_object_or_404(
            Visit.objects.schedule_visible_to(request.user).select_related(
                "allocation__adviser", "allocation__participation__school"
            ),
            pk=kwargs["pk"],
        )
        self.school = self.visit.allocation.participation.school
        if not request.user.has_perm("consultants.write_pre_visit_note", self.visit):
            raise PermissionDenied
        self.note = PreVisitNote.objects.filter(visit=self.visit).first()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.note is None:
            return {}
        return {"progress": self.note.progress, "wants": self.note.wants}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            visit=self.visit, school=self.school, note=self.note, **kwargs
        )

    def form_valid(self, form):
        try:
            pre_visit_note_write(
                visit=self.visit,
                progress=form.cleaned_data["progress"],
                wants=form.cleaned_data["wants"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, "Your note is saved. The PSCL will read it before the visit."
        )
        return redirect(school_visits_url(self.school))


class ActionDoneView(LoginRequiredMixin, View):
    """Mark an agreed action done (a button): the PSCL or the school's headteacher. Goes back
    to where it was pressed (a `next` path on this site) or to the school's visits."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.action = get_object_or_404(
            AgreedAction.objects.visible_to(request.user).select_related(
                "visit__allocation__adviser", "visit__allocation__participation__school"
            ),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm("consultants.mark_action_done", self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            agreed_action_mark_done(action=self.action, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Marked done: {self.action.what[:80]}")
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # Not redirect(): it would take a bare word such as "31" for a view's name.
            return HttpResponseRedirect(next_url)
        return redirect(school_visits_url(self.action.visit.allocation.participation.school))


class SchoolVisitsView(LoginRequiredMixin, TemplateView):
    """The school's PSCL visits. Those who read the notes see the visits (submitted, planned,
    the PSCL's drafts) with their days; the headteacher sees only the planned visits, with the
    pre-visit note, and the agreed actions, never the notes; other users are refused."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.school = get_object_or_404(
            School.objects.visible_to(request.user).select_related("local_authority"),
            urn=kwargs["urn"],
        )
        user = request.user
        self.is_headteacher = user.role == Role.HEADTEACHER and not user.is_admin
        if not (reads_notes(user) or self.is_headteacher):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.is_headteacher:
            return ["consultants/visits/school_schedule.html"]
        return ["consultants/visits/school_visits.html"]

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(school=self.school, **kwargs)
        if self.is_headteacher:
            context.update(
                planned=school_planned_visits(school=self.school, user=user),
                actions=school_agreed_actions(school=self.school, user=user),
                can_mark_done=user.has_perm("consultants.mark_action_done", self.school),
            )
            return context
        visits = list(school_visits_for_reader(school=self.school, user=user))
        submitted = [visit for visit in visits if visit.is_submitted]
        allocation = current_allocation_of(user=user, school=self.school)
        context.update(
            visits=visits,
            planned=[visit for visit in visits if visit.status == VisitStatus.PLANNED][::-1],
            logged=[visit for visit in visits if visit.status != VisitStatus.PLANNED],
            days_delivered=sum((visit.days for visit in submitted), start=Decimal("0.00")),
            allocation=allocation,
            can_log=allocation is not None and user.has_perm("consultants.log_visit", allocation),
        )
        return context


class PsclMixin(LoginRequiredMixin):
    """The signed-in PSCL's own profile (403 for other roles, 404 without a profile)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role != Role.CONSULTANT:
            raise PermissionDenied
        self.adviser = pscl_of(request.user)
        if self.adviser is None:
            raise Http404("You have no PSCL profile.")
        return super().dispatch(request, *args, **kwargs)


class CalendarView(PsclMixin, TemplateView):
    """The address of the PSCL's calendar feed, to copy into a calendar app, and the button
    that issues a new one."""

    template_name = "consultants/visits/calendar.html"

    def get_context_data(self, **kwargs):
        feed = self.request.build_absolute_uri(
            reverse("consultants:calendar_feed", args=[self.adviser.calendar_token])
        )
        return super().get_context_data(
            adviser=self.adviser,
            feed_url=feed,
            planned_count=calendar_visits(self.adviser).count(),
            **kwargs,
        )


class CalendarRotateView(PsclMixin, View):
    """Issue a new feed address; the old one stops working (404)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.adviser.rotate_calendar_token()
        messages.success(
            request,
            "Your calendar has a new address. Subscribe to it again: the old address no "
            "longer works.",
        )
        return redirect("consultants:calendar")


class CalendarFeedView(View):
    """The PSCL's planned visits as an iCalendar feed. No sign-in: calendar apps fetch it on
    their own, and the secret token in the address is the key (an unknown one is 404)."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        adviser = get_object_or_404(
            Adviser.objects.filter(is_active=True, kind=AdviserKind.PSCL),
            calendar_token=kwargs["token"],
        )
        events = [
            AllDayEvent(
                uid=f"pscl-visit-{visit.pk}@plp-admin",
                on=visit.visit_on,
                summary=f"PSCL visit: {visit.school.name}",
                description=visit.purpose,
                location=", ".join(
                    part for part in (visit.school.name, visit.school.postcode) if part
                ),
                stamp=visit.updated_at,
            )
            for visit in calendar_visits(adviser)
        ]
        body = calendar_text(events, name=f"PSCL visits: {adviser.full_name}")
        response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="pscl-visits.ics"'
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
