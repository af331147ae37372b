"""Pages of the programme year: the years, a year's places, the selection page, a
participation and its invitation letter (page and PDF).

Objects are loaded through `visible_to(user)` (out of scope: 404) and each action is checked
with the `leadership.*` permissions of `leadership/rules.py` (403 when the user may see but not
do). Every write is one service call.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from accounts import clock
from accounts.models import Role
from schools.models import LocalAuthority, PerformancePage, School
from schools.services import record_performance_view

from ..forms.programme import (
    InviteForm,
    ParticipationJudgementForm,
    ParticipationMoveForm,
    ProgrammeYearForm,
    SelectionFilterForm,
    SelectionFlagForm,
    add_service_errors,
)
from ..models import Participation, ParticipationStatus, ProgrammeYear, SelectionFlag
from ..pdf import WEB_BASE_TEMPLATE, render_pdf_response
from ..selectors.programme import (
    invitation_letter,
    participation_page,
    programme_year_figures,
    programme_year_list,
    programme_year_participations,
    school_list_for_selection,
)
from ..services.programme import (
    is_overridable,
    participation_move,
    participation_update_judgement,
    participations_invite,
    programme_year_create,
    programme_year_release_reserve,
    programme_year_update,
    selection_flag_delete,
    selection_flag_save,
)
from .selection_rows import selection_rows

Status = ParticipationStatus
#: The steps a headteacher may take on their own school's participation.
ANSWERS = (Status.ACCEPTED, Status.DECLINED)


def _may_create_years(user) -> bool:
    """Admins (in any LEA) and strategy managers (in their own) create programme years."""
    return user.is_admin or user.role == Role.MANAGER


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


# Programme years ---------------------------------------------------------------------------


class ProgrammeYearListView(SignedInMixin, TemplateView):
    """The programme years of the user's LEA (an admin's of every LEA). For LEA staff and
    admins: headteachers and governors follow their participation from the home page."""

    template_name = "leadership/programme/year_list.html"

    def load(self, request, **kwargs):
        if not (request.user.is_admin or request.user.is_lea_staff):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["years"] = programme_year_list(user=user)
        context["show_lea"] = user.is_admin
        context["can_create"] = _may_create_years(user)
        return context


class ProgrammeYearCreateView(SignedInMixin, FormView):
    """A new programme year: for a strategy manager, in their LEA; an admin chooses the LEA."""

    template_name = "leadership/programme/year_form.html"
    form_class = ProgrammeYearForm

    def load(self, request, **kwargs):
        if not _may_create_years(request.user):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        if user.is_admin:
            kwargs["lea_queryset"] = LocalAuthority.objects.visible_to(user).order_by("name")
        else:
            kwargs["local_authority"] = user.local_authority
        return kwargs

    def form_valid(self, form):
        lea = form.cleaned_data.get("local_authority") or form.local_authority
        try:
            year = programme_year_create(
                local_authority=lea, values=form.values(), by=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Programme year {year.name} created.")
        return HttpResponseRedirect(reverse("leadership:year_detail", args=[year.pk]))


class ProgrammeYearMixin(SignedInMixin):
    """Loads the programme year in the URL among those the user may see, and checks
    `permission` on it."""

    permission = "leadership.view_programmeyear"

    def load(self, request, **kwargs):
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm(self.permission, self.programme_year):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme_year"] = self.programme_year
        context["can_manage"] = self.request.user.has_perm(
            "leadership.manage_programmeyear", self.programme_year
        )
        return context


class ProgrammeYearUpdateView(ProgrammeYearMixin, FormView):
    """Change a programme year's settings (strategy manager of its LEA, or admin)."""

    permission = "leadership.manage_programmeyear"
    template_name = "leadership/programme/year_form.html"
    form_class = ProgrammeYearForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.programme_year}

    def form_valid(self, form):
        try:
            year = programme_year_update(
                programme_year=self.programme_year, values=form.values(), by=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Programme year {year.name} saved.")
        return HttpResponseRedirect(reverse("leadership:year_detail", args=[year.pk]))


class ProgrammeYearDetailView(ProgrammeYearMixin, TemplateView):
    """A programme year's places and its participations by status."""

    template_name = "leadership/programme/year_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = programme_year_figures(self.programme_year)
        context["participations"] = programme_year_participations(
            programme_year=self.programme_year, user=self.request.user
        )
        return context


class ReleaseReservePlaceView(ProgrammeYearMixin, View):
    """Release one of the year's reserve places for acceptance (POST)."""

    permission = "leadership.manage_programmeyear"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            year = programme_year_release_reserve(
                programme_year=self.programme_year, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"A reserve place is released: {year.places_open} places are open, "
                f"{year.reserve_places - year.reserve_released} still held in reserve.",
            )
        return HttpResponseRedirect(reverse("leadership:year_detail", args=[kwargs["pk"]]))


# Selection ---------------------------------------------------------------------------------


class SelectionView(ProgrammeYearMixin, TemplateView):
    """The LEA's schools not yet placed in the year, by need, with the criteria each meets;
    filter them (GET) and invite the ticked ones (POST)."""

    permission = "leadership.manage_programmeyear"
    template_name = "leadership/programme/selection.html"

    def get_context_data(self, invite_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = SelectionFilterForm(self.request.GET or None, programme_year=self.programme_year)
        context["filter_form"] = filters
        context["selection"] = school_list_for_selection(
            self.programme_year, **filters.selector_filters()
        )
        context["figures"] = programme_year_figures(self.programme_year)
        context["invite_form"] = invite_form or InviteForm(programme_year=self.programme_year)
        ticked = self.request.POST.getlist("schools") if invite_form else []
        context["rows"] = selection_rows(context["selection"], ticked)
        context["is_filtered"] = filters.is_bound
        # The page shows many schools' performance data: one log row for the LEA, not one per
        # school, so that a page of hundreds of schools costs one insert (docs/decisions/013).
        record_performance_view(
            self.request.user,
            local_authority=self.programme_year.local_authority,
            page=PerformancePage.SELECTION,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = InviteForm(request.POST, programme_year=self.programme_year)
        if form.is_valid():
            try:
                invited = participations_invite(
                    programme_year=self.programme_year,
                    schools=form.cleaned_data["schools"],
                    by=request.user,
                    today=clock.today(),
                )
            except ValidationError as error:
                form.add_error("schools", error)
            else:
                count = len(invited)
                messages.success(
                    request,
                    f"{count} school{'' if count == 1 else 's'} invited. Each school's letter is "
                    "on its participation page.",
                )
                return HttpResponseRedirect(request.get_full_path())
        return self.render_to_response(self.get_context_data(invite_form=form))


class SelectionFlagView(ProgrammeYearMixin, FormView):
    """Add, change or remove a school's criterion 3 flag for the year, with its reason."""

    permission = "leadership.manage_programmeyear"
    template_name = "leadership/programme/selection_flag.html"
    form_class = SelectionFlagForm

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.school = get_object_or_404(
            School.objects.visible_to(request.user).filter(
                local_authority_id=self.programme_year.local_authority_id
            ),
            urn=kwargs["urn"],
        )
        self.flag = SelectionFlag.objects.filter(
            programme_year=self.programme_year, school=self.school
        ).first()

    def get_initial(self):
        return {"reason": self.flag.reason} if self.flag else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "has_flag": self.flag is not None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["school"] = self.school
        context["flag"] = self.flag
        return context

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            selection_flag_delete(programme_year=self.programme_year, school=self.school)
            messages.success(request, f"{self.school.name} is no longer flagged (criterion 3).")
            return self._back()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            selection_flag_save(
                programme_year=self.programme_year,
                school=self.school,
                reason=form.cleaned_data["reason"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.school.name} is flagged (criterion 3).")
        return self._back()

    def _back(self):
        return HttpResponseRedirect(reverse("leadership:selection", args=[self.programme_year.pk]))


# A participation ---------------------------------------------------------------------------


class ParticipationMixin(SignedInMixin):
    """Loads the participation in the URL among those the user may see (404 otherwise), with
    its programme year, school and the school's LEA."""

    def load(self, request, **kwargs):
        self.participation = get_object_or_404(
            Participation.objects.visible_to(request.user).select_related(
                "programme_year", "school__local_authority"
            ),
            pk=kwargs["pk"],
        )

    def next_steps(self, next_statuses, move_form=None):
        """The forms for the next statuses this user may give the participation (the bound
        `move_form` in place of the fresh one for its status)."""
        user = self.request.user
        manages = user.has_perm("leadership.manage_participation", self.participation)
        answers = user.has_perm("leadership.answer_invitation", self.participation)
        steps = []
        for status in next_statuses:
            if not (manages or (answers and status in ANSWERS)):
                continue
            if move_form is not None and move_form.to_status == status:
                steps.append(move_form)
            else:
                steps.append(ParticipationMoveForm(to_status=status, prefix=status.lower()))
        return steps

    def page_context(self, move_form=None):
        user = self.request.user
        page = participation_page(self.participation)
        return {
            "participation": self.participation,
            "page": page,
            "next_steps": self.next_steps(page.next_statuses, move_form),
            "move_form": move_form,
            "can_manage": user.has_perm("leadership.manage_participation", self.participation),
            "can_see_letter": _may_see_letter(user, self.participation),
        }


class ParticipationDetailView(ParticipationMixin, TemplateView):
    """A school's participation: its status, next steps, history and the manager's
    judgements."""

    template_name = "leadership/programme/participation_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.page_context()}


class ParticipationMoveView(ParticipationMixin, TemplateView):
    """Move a participation to the status in the URL (POST): the strategy manager any step the
    workflow allows, the school's headteacher only accept or decline."""

    template_name = "leadership/programme/participation_detail.html"
    http_method_names = ["post"]

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        try:
            self.to_status = Status(kwargs["to_status"])
        except ValueError as error:
            raise Http404("No such status") from error
        user = request.user
        may = user.has_perm("leadership.manage_participation", self.participation) or (
            self.to_status in ANSWERS
            and user.has_perm("leadership.answer_invitation", self.participation)
        )
        if not may:
            raise PermissionDenied

    def post(self, request, *args, **kwargs):
        form = ParticipationMoveForm(
            request.POST,
            to_status=self.to_status,
            prefix=self.to_status.lower(),
            allow_override=request.user.has_perm(
                "leadership.manage_participation", self.participation
            ),
        )
        if form.is_valid():
            try:
                participation_move(
                    participation=self.participation,
                    to_status=self.to_status,
                    reason=form.cleaned_data.get("reason", ""),
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    by=request.user,
                    today=clock.today(),
                )
            except ValidationError as error:
                if is_overridable(error):
                    form.limit_reached(error)
                else:
                    add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{self.participation.school.name} is now {self.to_status.label.lower()}.",
                )
                return HttpResponseRedirect(
                    reverse("leadership:participation_detail", args=[self.participation.pk])
                )
        return self.render_to_response(self.page_context(move_form=form))


class ParticipationJudgementView(ParticipationMixin, FormView):
    """The strategy manager records the Ofsted kind of school and whether it is not yet
    making the progress it could."""

    template_name = "leadership/programme/participation_judgement.html"
    form_class = ParticipationJudgementForm

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        if not request.user.has_perm("leadership.manage_participation", self.participation):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.participation}

    def get(self, request, *args, **kwargs):
        record_performance_view(
            request.user,
            school=self.participation.school,
            page=PerformancePage.PARTICIPATION_JUDGEMENT,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "participation": self.participation}

    def form_valid(self, form):
        participation_update_judgement(
            participation=self.participation,
            ofsted_kind=form.cleaned_data["ofsted_kind"],
            is_not_yet_progressing=form.cleaned_data["is_not_yet_progressing"],
            by=self.request.user,
        )
        messages.success(self.request, "Judgements saved.")
        return HttpResponseRedirect(
            reverse("leadership:participation_detail", args=[self.participation.pk])
        )


def _may_see_letter(user, participation) -> bool:
    """The letter is for the strategy manager (or an admin) and the school's own headteacher
    and governors (whom `visible_to` has already limited to their school)."""
    return user.has_perm("leadership.manage_participation", participation) or (
        user.is_school_member and participation.school_id == user.school_id
    )


class InvitationLetterMixin(ParticipationMixin):
    template_name = "leadership/programme/letter.html"

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        if not _may_see_letter(request.user, self.participation):
            raise Http404("No letter")

    def letter_context(self):
        return {
            "letter": invitation_letter(self.participation),
            "participation": self.participation,
            "participation_url": self.request.build_absolute_uri(
                reverse("leadership:participation_detail", args=[self.participation.pk])
            ),
            "today": clock.today(),
        }


class InvitationLetterView(InvitationLetterMixin, TemplateView):
    """The invitation letter as a page."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **self.letter_context(),
            "base_template": WEB_BASE_TEMPLATE,
        }


class InvitationLetterPdfView(InvitationLetterMixin, View):
    """The invitation letter as a PDF, from the page's template."""

    def get(self, request, *args, **kwargs):
        school = self.participation.school
        year = self.participation.programme_year
        return render_pdf_response(
            request,
            self.template_name,
            self.letter_context(),
            filename=f"invitation-{school.urn}-{year.name}.pdf",
        )
