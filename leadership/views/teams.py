"""Pages of leadership teams and their time, training events and registers, and
school-to-school visits.

Each view loads its object through the model's `visible_to` (out of the user's scope: 404) once
the user is signed in, then checks the action with a `leadership.*` permission (may see but not
do: 403). Reads go through `leadership.selectors.teams`, writes through
`leadership.services.teams`.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.views.generic import FormView, TemplateView, View

from accounts import clock

from ..forms.teams import (
    ActivityForm,
    HostSchoolSearchForm,
    RegisterForm,
    SchoolVisitForm,
    TeamMemberForm,
    TrainingEventForm,
)
from ..models import LeadershipTeamMember, Participation, SchoolVisit, TrainingEvent
from ..selectors.teams import (
    HOST_SEARCH_LIMIT,
    host_school_by_urn,
    host_school_search,
    missed_sessions,
    school_visit_list,
    team_overview,
    training_event_list,
    training_register,
    training_years_visible_to,
)
from ..services.teams import (
    TEAM_EDITABLE_STATUSES,
    activity_log,
    register_build,
    register_mark,
    school_visit_archive,
    school_visit_record,
    school_visit_update,
    team_member_add,
    team_member_remove,
    team_member_update,
    training_event_create,
    training_event_update,
)

EDIT_TEAM = "leadership.edit_team"
MANAGE_YEAR = "leadership.manage_programmeyear"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: next to the field it names when the form has that
    field, in the error summary otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ScopedView(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in, then loads the view's object within the user's
    scope (the subclass's `load(**kwargs)`, 404 outside it) and checks `permission` on the
    subclass's `permission_object()` (403)."""

    permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(**kwargs)
        if self.permission and not request.user.has_perm(self.permission, self.permission_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Teams ---------------------------------------------------------------------------------------


class ParticipationView(ScopedView):
    """A page about one participation (its team or its visits)."""

    def load(self, **kwargs):
        self.participation = get_object_or_404(
            Participation.objects.visible_to(self.request.user).select_related(
                "school__local_authority", "programme_year"
            ),
            pk=kwargs["pk"],
        )

    def permission_object(self):
        return self.participation

    def team_url(self):
        return reverse("leadership:team", args=[self.participation.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participation"] = self.participation
        context["school"] = self.participation.school
        context["is_editable"] = self.participation.status in TEAM_EDITABLE_STATUSES
        context["can_edit"] = context["is_editable"] and self.request.user.has_perm(
            EDIT_TEAM, self.participation
        )
        return context


class MemberView(ScopedView):
    """A page that changes one team member; the user must be allowed to edit the team."""

    permission = EDIT_TEAM

    def load(self, **kwargs):
        self.member = get_object_or_404(
            LeadershipTeamMember.objects.visible_to(self.request.user)
            .active()
            .select_related(
                "participation__school__local_authority", "participation__programme_year"
            ),
            pk=kwargs["pk"],
        )
        self.participation = self.member.participation

    def permission_object(self):
        return self.member

    def get_success_url(self):
        return reverse("leadership:team", args=[self.participation.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            member=self.member, participation=self.participation, school=self.participation.school
        )
        return context


class TeamView(ParticipationView, TemplateView):
    """The school's leadership team: members and roles, the funded team size, and each
    member's time against what the programme expects."""

    template_name = "leadership/teams/team.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["team"] = team_overview(self.participation)
        return context


class TeamMemberAddView(ParticipationView, FormView):
    permission = EDIT_TEAM
    template_name = "leadership/teams/member_form.html"
    form_class = TeamMemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit": "Add member"}

    def get_success_url(self):
        return self.team_url()

    def form_valid(self, form):
        try:
            member = team_member_add(participation=self.participation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{member.full_name} added to the team.")
        return super().form_valid(form)


class TeamMemberEditView(MemberView, FormView):
    template_name = "leadership/teams/member_form.html"
    form_class = TeamMemberForm

    def get_initial(self):
        return {
            "full_name": self.member.full_name,
            "role": self.member.role,
            "email": self.member.email,
        }

    def form_valid(self, form):
        try:
            member = team_member_update(member=self.member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{member.full_name}'s details saved.")
        return super().form_valid(form)


class TeamMemberRemoveView(MemberView, TemplateView):
    """Asks before taking a member off the team (GET), and does it (POST)."""

    template_name = "leadership/teams/member_remove.html"

    def post(self, request, *args, **kwargs):
        try:
            team_member_remove(member=self.member, by=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, f"{self.member.full_name} removed from the team.")
        return HttpResponseRedirect(self.get_success_url())


class ActivityLogView(MemberView, FormView):
    """Log school-based programme time for one member."""

    template_name = "leadership/teams/activity_form.html"
    form_class = ActivityForm

    def form_valid(self, form):
        try:
            activity = activity_log(member=self.member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{activity.days} days logged for {self.member.full_name}.")
        return super().form_valid(form)


# School-to-school visits ---------------------------------------------------------------------


class SchoolVisitListView(ParticipationView, TemplateView):
    """The team's visits to other schools, and how many count towards the travel grant."""

    template_name = "leadership/teams/visit_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visits"] = school_visit_list(
            participation=self.participation, user=self.request.user
        )
        return context


class SchoolVisitFormMixin:
    """The host school search and the visit form on one page. The search (GET `q`) lists
    matching schools from all of England; choosing one (GET `host`, a URN) shows the form with
    that host. Only the host's name, URN and LEA are shown, and a link to its background file
    only for a user who may see it."""

    template_name = "leadership/teams/visit_form.html"
    form_class = SchoolVisitForm

    def current_host(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "participation": self.participation}

    def get_initial(self):
        host = self.chosen_host()
        return {"host_school": host.urn} if host else {}

    def chosen_host(self):
        urn = self.request.GET.get("host", "")
        if urn:
            return host_school_by_urn(urn)
        return self.current_host()

    def get_success_url(self):
        return reverse("leadership:school_visits", args=[self.participation.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound:
            host = host_school_by_urn(form.data.get("host_school", ""))
        else:
            host = self.chosen_host()
        searching = "q" in self.request.GET or host is None
        search_form = HostSchoolSearchForm(self.request.GET if "q" in self.request.GET else None)
        results = None
        if search_form.is_bound and search_form.is_valid():
            results = host_school_search(search_form.cleaned_data["q"])
        context.update(
            host=host,
            host_is_visible=host is not None
            and self.request.user.has_perm("schools.view_school", host),
            searching=searching,
            search_form=search_form,
            results=results,
            result_limit=HOST_SEARCH_LIMIT,
        )
        return context

    def form_valid(self, form):
        try:
            visit = self.save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Visit to {visit.host_school.name} on {format_date(visit.visited_on, 'j F Y')} saved.",
        )
        return super().form_valid(form)


class SchoolVisitAddView(SchoolVisitFormMixin, ParticipationView, FormView):
    permission = EDIT_TEAM

    def save(self, data):
        return school_visit_record(participation=self.participation, **data)


class SchoolVisitView(ScopedView):
    """A page that changes one visit; the user must be allowed to edit the team."""

    permission = EDIT_TEAM

    def load(self, **kwargs):
        self.visit = get_object_or_404(
            SchoolVisit.objects.visible_to(self.request.user)
            .active()
            .select_related(
                "participation__school__local_authority",
                "participation__programme_year",
                "host_school__local_authority",
            ),
            pk=kwargs["pk"],
        )
        self.participation = self.visit.participation

    def permission_object(self):
        return self.visit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            visit=self.visit, participation=self.participation, school=self.participation.school
        )
        return context


class SchoolVisitEditView(SchoolVisitFormMixin, SchoolVisitView, FormView):
    def current_host(self):
        return self.visit.host_school

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "visit": self.visit}

    def get_initial(self):
        return {
            **super().get_initial(),
            "visited_on": self.visit.visited_on,
            "members": list(self.visit.members.all()),
            "purpose": self.visit.purpose,
            "days": self.visit.days,
            "is_outside_locality": self.visit.is_outside_locality,
        }

    def save(self, data):
        return school_visit_update(visit=self.visit, **data)


class SchoolVisitDeleteView(SchoolVisitView, TemplateView):
    """Asks before removing a visit recorded in error (GET), and archives it (POST)."""

    template_name = "leadership/teams/visit_delete.html"

    def post(self, request, *args, **kwargs):
        try:
            school_visit_archive(visit=self.visit, by=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, f"Visit to {self.visit.host_school.name} removed.")
        return HttpResponseRedirect(
            reverse("leadership:school_visits", args=[self.participation.pk])
        )


# Training events -----------------------------------------------------------------------------


class ProgrammeYearTrainingView(ScopedView):
    """A page about one programme year's training."""

    def load(self, **kwargs):
        self.programme_year = get_object_or_404(
            training_years_visible_to(self.request.user).select_related("local_authority"),
            pk=kwargs["pk"],
        )

    def permission_object(self):
        return self.programme_year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme_year"] = self.programme_year
        context["can_manage"] = self.request.user.has_perm(MANAGE_YEAR, self.programme_year)
        return context


class EventView(ScopedView):
    """A page about one training event."""

    def load(self, **kwargs):
        self.event = get_object_or_404(
            TrainingEvent.objects.visible_to(self.request.user).select_related(
                "programme_year__local_authority"
            ),
            pk=kwargs["pk"],
        )
        self.programme_year = self.event.programme_year

    def permission_object(self):
        return self.programme_year

    def register_url(self):
        return reverse("leadership:training_register", args=[self.event.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["programme_year"] = self.programme_year
        context["can_manage"] = self.request.user.has_perm(MANAGE_YEAR, self.programme_year)
        return context


class TrainingEventListView(ProgrammeYearTrainingView, TemplateView):
    """The year's training events by session, with how many are registered and present."""

    template_name = "leadership/teams/training_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = training_event_list(
            programme_year=self.programme_year, user=self.request.user
        )
        return context


class TrainingEventAddView(ProgrammeYearTrainingView, FormView):
    permission = MANAGE_YEAR
    template_name = "leadership/teams/training_form.html"
    form_class = TrainingEventForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit": "Add event"}

    def get_success_url(self):
        return reverse("leadership:training_events", args=[self.programme_year.pk])

    def form_valid(self, form):
        try:
            event = training_event_create(programme_year=self.programme_year, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{event} added.")
        return super().form_valid(form)


class TrainingEventEditView(EventView, FormView):
    permission = MANAGE_YEAR
    template_name = "leadership/teams/training_form.html"
    form_class = TrainingEventForm

    def get_initial(self):
        return {
            "session": self.event.session,
            "held_on": self.event.held_on,
            "venue": self.event.venue,
            "capacity": self.event.capacity,
        }

    def get_success_url(self):
        return reverse("leadership:training_events", args=[self.programme_year.pk])

    def form_valid(self, form):
        try:
            event = training_event_update(event=self.event, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{event} saved.")
        return super().form_valid(form)


class TrainingRegisterView(EventView, FormView):
    """An event's register: everyone may read the lines in their scope; the strategy manager
    marks the whole register present or absent in one post."""

    template_name = "leadership/teams/register.html"
    form_class = RegisterForm

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(MANAGE_YEAR, self.programme_year):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_register(self):
        if not hasattr(self, "_register"):
            self._register = training_register(event=self.event, user=self.request.user)
        return self._register

    def get_form_kwargs(self):
        line_ids = [row.line.pk for row in self.get_register().lines]
        return {**super().get_form_kwargs(), "line_ids": line_ids}

    def get_success_url(self):
        return self.register_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        register = self.get_register()
        if form.is_bound:
            ticked = {str(pk) for pk in form.data.getlist("present")}
        else:
            ticked = {str(row.line.pk) for row in register.lines if row.is_present}
        context.update(register=register, ticked=ticked)
        return context

    def form_valid(self, form):
        try:
            present = register_mark(event=self.event, present_line_ids=form.cleaned_data["present"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Register saved: {present} present.")
        return super().form_valid(form)


class TrainingRegisterBuildView(EventView, View):
    """Adds everyone who should be on the register and is not yet (POST only)."""

    permission = MANAGE_YEAR
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        added = register_build(event=self.event)
        if added:
            messages.success(request, f"{added} {'person' if added == 1 else 'people'} added.")
        else:
            messages.info(request, "Everyone is already on the register.")
        return HttpResponseRedirect(self.register_url())


class MissedSessionsView(ProgrammeYearTrainingView, TemplateView):
    """Schools that missed a session held so far, or whose team did not attend it together."""

    template_name = "leadership/teams/missed_sessions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        held, schools = missed_sessions(
            programme_year=self.programme_year,
            user=self.request.user,
            today=clock.today(),
        )
        context.update(held=held, schools=schools)
        return context
