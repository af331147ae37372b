"""Pages of PSCL recruitment: a programme year's applications, an application with its history,
adding and correcting one, the link adviser's recommendation, the step form (which appoints),
and the letter's download.

Every page loads what it shows through the user's scope (`visible_to`: 404 outside it) and
checks the action with `has_perm` in dispatch (403 when the user may see but not do).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView, TemplateView, View

from accounts.models import Role
from leadership.forms.programme import add_service_errors
from leadership.models import ProgrammeYear

from ..forms.recruitment import ApplicationFilterForm, ApplicationForm, RecommendationForm, StepForm
from ..models import Adviser, Application
from ..selectors.recruitment import application_counts, application_history, application_list
from ..services.recruitment import (
    application_create,
    application_recommend,
    application_step,
    application_update,
)

APPLICATIONS_PER_PAGE = 50


class SignedInMixin(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in before anything is loaded, then `load`s."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs):
        """Load what the URL names from the user's scope (404 outside it), check access."""


class YearMixin(SignedInMixin):
    """Loads the programme year of the URL from the user's scope (404) and checks `permission`
    on it (403)."""

    permission = "consultants.manage_recruitment"

    def load(self, request, **kwargs):
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )
        if not request.user.has_perm(self.permission, self.programme_year):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme_year=self.programme_year, **kwargs)


class ApplicationMixin(SignedInMixin):
    """Loads the application of the URL from the user's scope (404) and checks `permission`
    on it (403) when set."""

    permission = ""

    def load(self, request, **kwargs):
        self.application = get_object_or_404(
            Application.objects.visible_to(request.user).select_related(
                "programme_year__local_authority", "home_school", "recommended_by", "adviser"
            ),
            pk=kwargs["pk"],
        )
        self.programme_year = self.application.programme_year
        if self.permission and not request.user.has_perm(self.permission, self.application):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            application=self.application, programme_year=self.programme_year, **kwargs
        )


class ApplicationListView(YearMixin, ListView):
    """A programme year's applications with how many stand at each status, filtered by status:
    for the strategy manager, and the link advisers who recommend applicants."""

    permission = "consultants.recommend_application"
    template_name = "consultants/recruitment/application_list.html"
    context_object_name = "applications"
    paginate_by = APPLICATIONS_PER_PAGE

    def get_queryset(self):
        self.filter_form = ApplicationFilterForm(self.request.GET or None)
        status = self.filter_form.cleaned_data["status"] if self.filter_form.is_valid() else ""
        return application_list(
            programme_year=self.programme_year, user=self.request.user, status=status
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            form=self.filter_form,
            counts=application_counts(programme_year=self.programme_year, user=self.request.user),
            can_manage=self.request.user.has_perm(
                "consultants.manage_recruitment", self.programme_year
            ),
            **kwargs,
        )
        page = context["page_obj"]
        context.update(
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            ellipsis=Paginator.ELLIPSIS,
        )
        return context


class ApplicationAddView(YearMixin, FormView):
    template_name = "consultants/recruitment/application_form.html"
    form_class = ApplicationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme_year": self.programme_year}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Add an application", **kwargs)

    def form_valid(self, form):
        try:
            application = application_create(
                programme_year=self.programme_year, by=self.request.user, **form.details()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{application.full_name}'s application is added.")
        return redirect("consultants:application_detail", application.pk)


class ApplicationDetailView(ApplicationMixin, TemplateView):
    """An application: the applicant, the letter, the recommendation, the interview and the
    history of its steps."""

    template_name = "consultants/recruitment/application_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            steps=application_history(application=self.application),
            can_manage=user.has_perm("consultants.manage_recruitment", self.application),
            can_recommend=user.has_perm("consultants.recommend_application", self.application),
            **kwargs,
        )


class ApplicationEditView(ApplicationMixin, FormView):
    permission = "consultants.manage_recruitment"
    template_name = "consultants/recruitment/application_form.html"
    form_class = ApplicationForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "programme_year": self.programme_year,
            "instance": self.application,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"Edit {self.application.full_name}'s application", **kwargs
        )

    def form_valid(self, form):
        try:
            application_update(application=self.application, **form.details())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The application is saved.")
        return redirect("consultants:application_detail", self.application.pk)


class ApplicationRecommendView(ApplicationMixin, FormView):
    """The link adviser's recommendation of an applicant. A link adviser recommends as their
    own adviser profile; a strategy manager records it for one of the LEA's link advisers."""

    permission = "consultants.recommend_application"
    template_name = "consultants/recruitment/application_recommend.html"
    form_class = RecommendationForm

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        lea_id = self.programme_year.local_authority_id
        self.own_adviser = None
        self.link_advisers = None
        if request.user.role == Role.LINK_ADVISER:
            self.own_adviser = (
                Adviser.objects.link_advisers()
                .filter(user=request.user, local_authority_id=lea_id)
                .first()
            )
        else:
            self.link_advisers = Adviser.objects.link_advisers().filter(
                local_authority_id=lea_id, is_active=True
            )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["link_advisers"] = self.link_advisers
        application = self.application
        if application.recommendation:
            kwargs["initial"] = {
                "recommended_by": application.recommended_by_id,
                "recommendation": application.recommendation,
                "notes": application.recommendation_notes,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            no_profile=self.request.user.role == Role.LINK_ADVISER and self.own_adviser is None,
            **kwargs,
        )

    def form_valid(self, form):
        recommended_by = form.cleaned_data.get("recommended_by") or self.own_adviser
        if recommended_by is None:
            raise PermissionDenied
        try:
            application_recommend(
                application=self.application,
                recommended_by=recommended_by,
                recommendation=form.cleaned_data["recommendation"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The recommendation is saved.")
        return redirect("consultants:application_detail", self.application.pk)


class ApplicationStepView(ApplicationMixin, FormView):
    """Move an application to its next step; appointing makes the applicant a PSCL."""

    permission = "consultants.manage_recruitment"
    template_name = "consultants/recruitment/application_step.html"
    form_class = StepForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "application": self.application}

    def form_valid(self, form):
        try:
            application = application_step(
                application=self.application,
                by=self.request.user,
                link_base=self.request.build_absolute_uri("/"),
                **form.step(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if application.adviser_id:
            messages.success(
                self.request,
                f"{application.full_name} is appointed as a PSCL. If they had no log-in, they "
                "have been emailed a link to set their password.",
            )
        else:
            messages.success(
                self.request, f"The application is {application.get_status_display().lower()}."
            )
        return redirect("consultants:application_detail", self.application.pk)


class ApplicationLetterView(ApplicationMixin, View):
    """The uploaded letter, downloaded as a PDF attachment (404 when the letter is text)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        letter = self.application.letter_file
        if not letter:
            raise Http404("The letter was given as text.")
        try:
            handle = letter.open("rb")
        except FileNotFoundError as error:
            raise Http404("The letter's file is missing.") from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"letter-{self.application.email_slug}.pdf",
            content_type="application/pdf",
        )
