"""Pages of the LEA's advisers: the list, an adviser's page, their profile, a PSCL's capacity,
training and declaration of conflicts for a programme year, and a school's advisers.

Every page loads what it shows through the user's scope (`visible_to`: 404 outside it) and
checks the action with `has_perm` in dispatch (403 when the user may see but not do).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, ListView, TemplateView

from accounts.models import Role
from leadership.forms.programme import add_service_errors
from leadership.models import ProgrammeYear
from schools.models import LocalAuthority, School

from ..forms.advisers import (
    AdviserFilterForm,
    AdviserForm,
    AttachForm,
    CapacityForm,
    ConflictFormSet,
    DeclarationForm,
    TrainingForm,
)
from ..models import Adviser, Capacity, ConflictDeclaration, ConsultantTraining
from ..selectors.advisers import (
    adviser_attachments,
    adviser_current_allocations,
    adviser_list,
    adviser_years,
    attachable_advisers,
    declarable_schools,
    school_attachments,
)
from ..services.advisers import (
    ConflictRow,
    adviser_attach,
    adviser_create,
    adviser_detach,
    adviser_update,
    capacity_set,
    declaration_save,
    training_record,
)

ADVISERS_PER_PAGE = 50
#: Who may list the LEA's advisers (issue 4, item 1).
LIST_ROLES = (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER)


class SignedInMixin(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in before anything is loaded."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs):
        """Load what the URL names from the user's scope (404 outside it), check access."""


class AdviserMixin(SignedInMixin):
    """Loads the adviser the URL names from the user's scope (404) and, when `permission` is
    set, checks it on the adviser (403). With `year_pk` in the URL, also the programme year of
    the adviser's LEA (404 for another LEA's), and the adviser must be a PSCL (404)."""

    permission = ""

    def load(self, request, **kwargs):
        self.adviser = get_object_or_404(
            Adviser.objects.visible_to(request.user).select_related(
                "local_authority", "home_school", "user"
            ),
            pk=kwargs["pk"],
        )
        if self.permission and not request.user.has_perm(self.permission, self.adviser):
            raise PermissionDenied
        self.programme_year = None
        if "year_pk" in kwargs:
            if not self.adviser.is_pscl:
                raise Http404("Only a PSCL has a capacity, training or declaration.")
            self.programme_year = get_object_or_404(
                ProgrammeYear.objects.visible_to(request.user),
                pk=kwargs["year_pk"],
                local_authority_id=self.adviser.local_authority_id,
            )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            adviser=self.adviser, programme_year=self.programme_year, **kwargs
        )

    def adviser_url(self) -> str:
        return reverse("consultants:adviser_detail", args=[self.adviser.pk])


class AdviserListView(SignedInMixin, ListView):
    """The advisers of the user's LEA (every LEA for an admin), filtered by kind and name; for
    a PSCL their home school, years of headship, the home school's latest leadership grade,
    expertise and whether appointed. For strategy managers, admins and link advisers."""

    template_name = "consultants/advisers/adviser_list.html"
    context_object_name = "advisers"
    paginate_by = ADVISERS_PER_PAGE

    def load(self, request, **kwargs):
        if request.user.role not in LIST_ROLES:
            raise PermissionDenied
        self.filter_form = AdviserFilterForm(request.GET or None)

    def get_queryset(self):
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return adviser_list(
            user=self.request.user, kind=data.get("kind", ""), search=data.get("q", "")
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(
            form=self.filter_form,
            can_add=user.has_perm("consultants.manage_advisers", user.local_authority),
            show_lea=user.is_admin,
            # The way to each year's applications, where link advisers give recommendations.
            recruitment_years=ProgrammeYear.objects.visible_to(user)
            .select_related("local_authority")
            .order_by("-starts_on", "local_authority__name")[:6],
            **kwargs,
        )
        page = context["page_obj"]
        context.update(
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            ellipsis=Paginator.ELLIPSIS,
        )
        return context


class AdviserAddView(SignedInMixin, FormView):
    """Add an adviser to the manager's LEA (an admin chooses the LEA)."""

    template_name = "consultants/advisers/adviser_form.html"
    form_class = AdviserForm

    def load(self, request, **kwargs):
        if not request.user.has_perm("consultants.manage_advisers", request.user.local_authority):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        if user.is_admin:
            kwargs["lea_queryset"] = LocalAuthority.objects.order_by("name")
        else:
            kwargs["local_authority"] = user.local_authority
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Add an adviser", **kwargs)

    def form_valid(self, form):
        lea = form.cleaned_data.get("local_authority") or self.request.user.local_authority
        try:
            adviser = adviser_create(local_authority=lea, **form.profile())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{adviser.full_name} is added.")
        return redirect("consultants:adviser_detail", adviser.pk)


class AdviserDetailView(AdviserMixin, TemplateView):
    """An adviser's page: profile, capacity and training and the declaration of conflicts per
    programme year of the LEA (for a PSCL), the schools attached, the current allocations."""

    template_name = "consultants/advisers/adviser_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        adviser = self.adviser
        context.update(
            can_manage=user.has_perm("consultants.manage_advisers", adviser),
            can_declare=user.has_perm("consultants.declare_conflicts", adviser),
            years=adviser_years(adviser=adviser) if adviser.is_pscl else [],
            attachments=adviser_attachments(adviser=adviser),
            allocations=adviser_current_allocations(adviser=adviser, user=user),
            leadership_grade=adviser.home_school_leadership_grade(),
        )
        return context


class AdviserEditView(AdviserMixin, FormView):
    permission = "consultants.manage_advisers"
    template_name = "consultants/advisers/adviser_form.html"
    form_class = AdviserForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.adviser}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=f"Edit {self.adviser.full_name}", **kwargs)

    def form_valid(self, form):
        try:
            adviser_update(adviser=self.adviser, **form.profile())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The adviser's profile is saved.")
        return redirect(self.adviser_url())


class CapacityEditView(AdviserMixin, FormView):
    """How many schools and days a PSCL can give in one programme year."""

    permission = "consultants.manage_advisers"
    template_name = "consultants/advisers/capacity_form.html"
    form_class = CapacityForm

    def get_initial(self):
        capacity = Capacity.objects.filter(
            adviser=self.adviser, programme_year=self.programme_year
        ).first()
        if capacity is not None:
            return {"max_schools": capacity.max_schools, "max_days": capacity.max_days}
        return {"max_schools": 4, "max_days": 4 * self.programme_year.pscl_days_per_school}

    def form_valid(self, form):
        try:
            capacity_set(
                adviser=self.adviser, programme_year=self.programme_year, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The capacity for {self.programme_year.name} is saved.")
        return redirect(self.adviser_url())


class TrainingEditView(AdviserMixin, FormView):
    """The PSCL's four training days of a programme year, with the dates attended."""

    permission = "consultants.manage_advisers"
    template_name = "consultants/advisers/training_form.html"
    form_class = TrainingForm

    def get_initial(self):
        return {
            record.day.lower(): record.attended_on
            for record in ConsultantTraining.objects.filter(
                adviser=self.adviser, programme_year=self.programme_year
            )
        }

    def form_valid(self, form):
        try:
            training_record(
                adviser=self.adviser, programme_year=self.programme_year, attended=form.attended()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"The training record for {self.programme_year.name} is saved."
        )
        return redirect(self.adviser_url())


class DeclarationEditView(AdviserMixin, TemplateView):
    """A PSCL's declaration of conflicts of interest for a programme year: the links to the
    schools taking part, several at once, or none. Saving replaces the declaration. For the
    PSCL themselves or the strategy manager."""

    permission = "consultants.declare_conflicts"
    template_name = "consultants/advisers/declaration_form.html"

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.schools = declarable_schools(programme_year=self.programme_year)
        self.declaration = (
            ConflictDeclaration.objects.filter(
                adviser=self.adviser, programme_year=self.programme_year
            )
            .prefetch_related("conflicts")
            .first()
        )

    def forms(self, data=None):
        initial = []
        if self.declaration is not None:
            initial = [
                {"school": c.school_id, "kind": c.kind, "details": c.details}
                for c in self.declaration.conflicts.all()
            ]
        declared_none = self.declaration is not None and not initial
        return (
            DeclarationForm(data, initial={"no_links": declared_none}, prefix="declaration"),
            ConflictFormSet(data, initial=initial, schools=self.schools, prefix="links"),
        )

    def get(self, request, *args, **kwargs):
        form, formset = self.forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        if form.is_valid() and formset.is_valid():
            rows = formset.rows()
            if form.cleaned_data["no_links"] and rows:
                form.add_error(
                    "no_links", "Untick this, or remove the links you have entered below"
                )
            elif not form.cleaned_data["no_links"] and not rows:
                form.add_error(
                    "no_links",
                    "Enter a link to a school below, or confirm that you have no link to any "
                    "school taking part",
                )
            else:
                try:
                    declaration_save(
                        adviser=self.adviser,
                        programme_year=self.programme_year,
                        conflicts=[ConflictRow(**row) for row in rows],
                        by=request.user,
                        eligible_schools=self.schools,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request, f"The declaration for {self.programme_year.name} is saved."
                    )
                    return redirect(self.adviser_url())
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            declaration=self.declaration, has_schools=self.schools.exists(), **kwargs
        )


class SchoolAdvisersView(SignedInMixin, TemplateView):
    """The advisers attached to a school, for the strategy manager to attach (a new link adviser
    replaces the old) and detach."""

    template_name = "consultants/advisers/school_advisers.html"

    def load(self, request, **kwargs):
        self.school = get_object_or_404(
            School.objects.visible_to(request.user).select_related("local_authority"),
            urn=kwargs["urn"],
        )
        if not request.user.has_perm("consultants.manage_advisers", self.school):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AttachForm(advisers=attachable_advisers(school=self.school)))
        return super().get_context_data(
            school=self.school, attachments=school_attachments(school=self.school), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if "detach" in request.POST:
            adviser = Adviser.objects.filter(
                pk=request.POST.get("detach") if request.POST["detach"].isdigit() else None,
                attachments__school=self.school,
            ).first()
            if adviser is None:
                raise Http404("The adviser is not attached to the school.")
            adviser_detach(adviser=adviser, school=self.school)
            messages.success(request, f"{adviser.full_name} is detached from {self.school.name}.")
            return redirect("consultants:school_advisers", self.school.urn)
        form = AttachForm(request.POST, advisers=attachable_advisers(school=self.school))
        if form.is_valid():
            adviser = form.cleaned_data["adviser"]
            try:
                adviser_attach(adviser=adviser, school=self.school)
            except ValidationError as error:
                form.add_error("adviser", error)
            else:
                messages.success(request, f"{adviser.full_name} is attached to {self.school.name}.")
                return redirect("consultants:school_advisers", self.school.urn)
        return self.render_to_response(self.get_context_data(form=form))
