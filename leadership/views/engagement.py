"""Pages of the school's story: the timeline, notes, concerns, good practice and the watchlist.

Every page loads what it shows through the user's scope (`visible_to`: 404 outside it) and
checks the action with `has_perm` in dispatch (403 when the user may see but not do).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, ListView, TemplateView, View

from accounts import clock
from accounts.rules import is_admin, is_link_adviser, is_manager
from schools.models import School

from ..forms.engagement import (
    ConcernEscalateForm,
    ConcernRaiseForm,
    ConcernResolveForm,
    GoodPracticeForm,
    NoteForm,
    TimelineFilterForm,
)
from ..models import Concern, ConcernLevel, Participation
from ..selectors.engagement import (
    concern_letter_draft,
    concern_list_open,
    concern_steps,
    good_practice_list,
    governing_body_letter,
    is_watching,
    school_concerns_open,
    school_places_for_good_practice,
    watchlist,
)
from ..services.engagement import (
    concern_escalate,
    concern_raise,
    concern_resolve,
    good_practice_write,
    next_escalation_level,
    note_add,
    watch_add,
    watch_remove,
)
from ..timeline import school_timeline

TIMELINE_EVENTS_PER_PAGE = 50
CONCERNS_PER_PAGE = 50
GOOD_PRACTICE_PER_PAGE = 20

#: Who may see the list of an LEA's open concerns (issue 3, item 9).
may_list_concerns = is_admin | is_manager | is_link_adviser


def _page_links(page) -> dict:
    return {
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "ellipsis": Paginator.ELLIPSIS,
    }


class SchoolMixin(LoginRequiredMixin):
    """Loads the school the URL names from the user's scope (404 outside it) and, when
    `permission` is set, checks it on the school (403)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        # Loaded after the sign-in check, so that an anonymous visitor is sent to sign in
        # rather than told the school does not exist.
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.school = get_object_or_404(
            School.objects.visible_to(request.user).select_related("local_authority"),
            urn=kwargs["urn"],
        )
        if self.permission and not request.user.has_perm(self.permission, self.school):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(school=self.school, **kwargs)

    def timeline_url(self) -> str:
        return reverse("leadership:timeline", args=[self.school.urn])


class TimelineView(SchoolMixin, TemplateView):
    """The school's story, newest first, 50 events a page, filtered by kind; with the actions
    the user may take on the school."""

    template_name = "leadership/engagement/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = TimelineFilterForm(self.request.GET or None)
        kind = form.cleaned_data["kind"] if form.is_valid() else ""
        page = Paginator(
            school_timeline(self.school, user, kind=kind), TIMELINE_EVENTS_PER_PAGE
        ).get_page(self.request.GET.get("page"))
        manages = user.has_perm("leadership.manage_participation", self.school)
        context.update(
            form=form,
            page_obj=page,
            events=page.object_list,
            is_watching=is_watching(user=user, school=self.school),
            can_add_note=user.has_perm("leadership.add_note", self.school),
            can_raise_concern=user.has_perm("leadership.raise_concern", self.school),
            open_concerns=school_concerns_open(school=self.school, user=user),
            places=school_places_for_good_practice(school=self.school) if manages else (),
            **_page_links(page),
        )
        return context


class NoteAddView(SchoolMixin, FormView):
    permission = "leadership.add_note"
    template_name = "leadership/engagement/note_form.html"
    form_class = NoteForm

    def form_valid(self, form):
        try:
            note_add(school=self.school, author=self.request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your note is on the timeline.")
        return redirect(self.timeline_url())


class ConcernRaiseView(SchoolMixin, FormView):
    permission = "leadership.raise_concern"
    template_name = "leadership/engagement/concern_raise.html"
    form_class = ConcernRaiseForm

    def form_valid(self, form):
        try:
            concern = concern_raise(
                school=self.school,
                raised_by=self.request.user,
                severity=form.cleaned_data["severity"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "The concern is raised.")
        return redirect("leadership:concern_detail", concern.pk)


class WatchView(SchoolMixin, View):
    """Puts the school on the user's watchlist (`watching` True) or takes it off: a button on the
    timeline, the school page or the watchlist, which goes back to where it was pressed (a
    `next` path on this site) or to the school's timeline."""

    http_method_names = ["post"]
    watching = True

    def post(self, request, *args, **kwargs):
        if self.watching:
            watch_add(user=request.user, school=self.school)
            message = f"{self.school.name} is on your watchlist."
        else:
            watch_remove(user=request.user, school=self.school)
            message = f"{self.school.name} is no longer on your watchlist."
        messages.success(request, message)
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # Not redirect(): it would take a bare word such as "31" for a view's name.
            return HttpResponseRedirect(next_url)
        return redirect(self.timeline_url())


class WatchlistView(LoginRequiredMixin, TemplateView):
    """The schools the user watches and may still see, with the date of each one's latest
    event."""

    template_name = "leadership/engagement/watchlist.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(watched=watchlist(user=self.request.user), **kwargs)


class ConcernListView(LoginRequiredMixin, ListView):
    """The open concerns of the user's LEA (every LEA for an admin), the most severe first: for
    strategy managers and link advisers."""

    template_name = "leadership/engagement/concern_list.html"
    context_object_name = "concerns"
    paginate_by = CONCERNS_PER_PAGE

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_list_concerns(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return concern_list_open(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_page_links(context["page_obj"]), show_lea=self.request.user.is_admin)
        return context


class ConcernMixin(LoginRequiredMixin):
    """Loads the concern the URL names from those the user may see (404 otherwise) and, when
    `permission` is set, checks it on the concern (403)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.concern = get_object_or_404(
            Concern.objects.visible_to(request.user).select_related(
                "school__local_authority", "raised_by"
            ),
            pk=kwargs["pk"],
        )
        if self.permission and not request.user.has_perm(self.permission, self.concern):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(concern=self.concern, school=self.concern.school, **kwargs)

    def may_take_step(self, level) -> bool:
        """Whether the user may take the concern to `level`: the link adviser and the strategy
        manager escalate; only the strategy manager notifies the governing body."""
        user = self.request.user
        if not user.has_perm("leadership.escalate_concern", self.concern):
            return False
        if level == ConcernLevel.GOVERNING_BODY:
            return user.has_perm("leadership.notify_governing_body", self.concern)
        return True


class ConcernDetailView(ConcernMixin, TemplateView):
    """A concern, its steps so far, and the next step the user may take."""

    template_name = "leadership/engagement/concern_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_level = next_escalation_level(self.concern.level)
        is_open = self.concern.level != ConcernLevel.RESOLVED
        context.update(
            steps=concern_steps(concern=self.concern),
            next_level=next_level,
            can_escalate=next_level is not None and self.may_take_step(next_level),
            can_resolve=is_open and self.may_take_step(ConcernLevel.RESOLVED),
        )
        return context


class ConcernEscalateView(ConcernMixin, FormView):
    """The next step of a concern; for the governing body, with the letter to its chair drafted
    from the concern and its steps, for the strategy manager to edit."""

    permission = "leadership.escalate_concern"
    template_name = "leadership/engagement/concern_escalate.html"

    @cached_property
    def next_level(self) -> ConcernLevel | None:
        return next_escalation_level(self.concern.level)

    def get(self, request, *args, **kwargs):
        return self._unless_refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._unless_refused() or super().post(request, *args, **kwargs)

    def _unless_refused(self):
        if self.next_level is None:
            messages.info(self.request, "This concern cannot be escalated any further.")
            return redirect("leadership:concern_detail", self.concern.pk)
        if not self.may_take_step(self.next_level):
            raise PermissionDenied
        return None

    def get_form(self, form_class=None):
        return ConcernEscalateForm(to_level=self.next_level, **self.get_form_kwargs())

    def get_initial(self):
        if self.next_level != ConcernLevel.GOVERNING_BODY:
            return {}
        letter = concern_letter_draft(
            concern=self.concern, author=self.request.user, today=clock.today()
        )
        return {"letter": letter}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next_level=self.next_level, **kwargs)

    def form_valid(self, form):
        try:
            step = concern_escalate(
                concern=self.concern,
                to_level=form.cleaned_data["to_level"],
                note=form.cleaned_data["note"],
                letter=form.cleaned_data.get("letter", ""),
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Concern: {step.get_to_level_display().lower()}.")
        if step.to_level == ConcernLevel.GOVERNING_BODY:
            return redirect("leadership:concern_letter", self.concern.pk)
        return redirect("leadership:concern_detail", self.concern.pk)


class ConcernResolveView(ConcernMixin, FormView):
    permission = "leadership.escalate_concern"
    template_name = "leadership/engagement/concern_resolve.html"
    form_class = ConcernResolveForm

    def get(self, request, *args, **kwargs):
        if self.concern.level == ConcernLevel.RESOLVED:
            messages.info(request, "This concern is already resolved.")
            return redirect("leadership:concern_detail", self.concern.pk)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            concern_resolve(
                concern=self.concern, note=form.cleaned_data["note"], by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "The concern is resolved.")
        return redirect("leadership:concern_detail", self.concern.pk)


class ConcernLetterView(ConcernMixin, TemplateView):
    """The letter that notified the governing body of a concern, laid out to print."""

    template_name = "leadership/engagement/concern_letter.html"

    def get_context_data(self, **kwargs):
        step = governing_body_letter(concern=self.concern)
        if step is None:
            raise Http404("The governing body has not been notified of this concern.")
        return super().get_context_data(step=step, **kwargs)


class GoodPracticeListView(LoginRequiredMixin, ListView):
    """The LEA's case studies of good practice, for every user of the LEA."""

    template_name = "leadership/engagement/good_practice_list.html"
    context_object_name = "studies"
    paginate_by = GOOD_PRACTICE_PER_PAGE

    def get_queryset(self):
        return good_practice_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_page_links(context["page_obj"]), show_lea=self.request.user.is_admin)
        return context


class GoodPracticeDetailView(LoginRequiredMixin, TemplateView):
    template_name = "leadership/engagement/good_practice_detail.html"

    def get_context_data(self, **kwargs):
        study = get_object_or_404(good_practice_list(user=self.request.user), pk=kwargs["pk"])
        return super().get_context_data(study=study, **kwargs)


class GoodPracticeWriteView(LoginRequiredMixin, FormView):
    """The strategy manager flags a school's place as good practice with its case study, or
    rewrites the case study."""

    template_name = "leadership/engagement/good_practice_form.html"
    form_class = GoodPracticeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.participation = get_object_or_404(
            Participation.objects.visible_to(request.user).select_related(
                "school__local_authority", "programme_year"
            ),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm("leadership.manage_participation", self.participation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        study = getattr(self.participation, "good_practice", None)
        if study is None:
            return {}
        return {"title": study.title, "case_study": study.case_study}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            participation=self.participation, school=self.participation.school, **kwargs
        )

    def form_valid(self, form):
        try:
            study = good_practice_write(
                participation=self.participation,
                title=form.cleaned_data["title"],
                case_study=form.cleaned_data["case_study"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "The case study is saved.")
        return redirect("leadership:good_practice_detail", study.pk)
