"""Pages of expenditure returns: the school's return (write, evidence, submit), the strategy
manager's decision, and the year's list of returns with their flags.

Each view loads its object through a scope (out of it: 404): the participations whose return
the user may see (`return_participations_visible_to`: the school's headteacher and governors,
the LEA's managers, admins; not PSCLs or link advisers), `ReturnEvidence` through
`ExpenditureReturn.visible_to`, programme years through `ProgrammeYear.visible_to`. It then
checks the action with a `funding.*` permission (may see but not do: 403). Reads go through
`funding.selectors.returns`, writes through `funding.services.returns`.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from accounts import clock
from leadership.models import ProgrammeYear

from ..forms.returns import (
    DecisionForm,
    EvidenceForm,
    ReturnForm,
    SpendingFormSet,
    cover_field_name,
)
from ..models import ExpenditureReturn, ReturnEvidence, ReturnStatus
from ..selectors.returns import (
    LIST_STATUSES,
    return_history,
    return_list,
    return_members,
    return_participations_visible_to,
    return_summary,
)
from ..services.returns import (
    CONTENT_TYPES,
    SpendingLine,
    evidence_add,
    evidence_remove,
    return_decide,
    return_save,
    return_submit,
)

EDIT_RETURN = "funding.edit_return"
SPENDING_KEYS = ("category", "description", "amount")
DECIDE_RETURN = "funding.decide_return"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, in the error summary otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ScopedView(LoginRequiredMixin):
    """Sends an anonymous visitor to sign in, loads the object within the user's scope (404
    outside it), then checks `permission` on `permission_object()` (403)."""

    permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(**kwargs)
        if self.permission and not request.user.has_perm(self.permission, self.permission_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReturnView(ScopedView):
    """A page about one participation's return."""

    def load(self, **kwargs):
        self.participation = get_object_or_404(
            return_participations_visible_to(self.request.user).select_related(
                "school__local_authority", "programme_year"
            ),
            pk=kwargs["pk"],
        )
        self.expenditure_return = ExpenditureReturn.objects.filter(
            participation=self.participation
        ).first()

    def permission_object(self):
        # Before the school starts its return, the rules are asked about the participation.
        return self.expenditure_return or self.participation

    def detail_url(self):
        return reverse("funding:return_detail", args=[self.participation.pk])

    def get_success_url(self):
        return self.detail_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            participation=self.participation,
            school=self.participation.school,
            expenditure_return=self.expenditure_return,
            can_edit=user.has_perm(EDIT_RETURN, self.permission_object()),
            can_decide=self.expenditure_return is not None
            and self.expenditure_return.status == ReturnStatus.SUBMITTED
            and user.has_perm(DECIDE_RETURN, self.expenditure_return),
        )
        return context


class ReturnDetailView(ReturnView, TemplateView):
    """The return: status, the manager's query, cover days, travel, other spending, evidence,
    flags and the history of submissions and decisions."""

    template_name = "funding/returns/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = return_summary(self.participation, today=clock.today())
        expenditure_return = self.expenditure_return
        if expenditure_return is not None:
            claims = {c.member_id: c.days for c in summary.expenditure_return.cover_claims.all()}
            context.update(
                cover=[
                    (member, claims.get(member.pk)) for member in return_members(self.participation)
                ],
                spending=summary.expenditure_return.other_spending.all(),
                evidence=expenditure_return.evidence.active().order_by("uploaded_at"),
                history=return_history(expenditure_return),
            )
        context["summary"] = summary
        return context


class ReturnEditView(ReturnView, TemplateView):
    """The headteacher writes the return: one cover-days field per team member, travel, and
    other spending lines (add a line, tick a line to remove it). Saved all at once."""

    permission = EDIT_RETURN
    template_name = "funding/returns/edit.html"

    def members(self):
        return list(return_members(self.participation))

    def initial(self):
        initial, lines = {}, []
        if self.expenditure_return is not None:
            initial["travel_spent"] = self.expenditure_return.travel_spent
            claims = {c.member_id: c.days for c in self.expenditure_return.cover_claims.all()}
            for member in self.members():
                if member.pk in claims:
                    initial[cover_field_name(member)] = claims[member.pk]
            lines = [
                {"category": s.category, "description": s.description, "amount": s.amount}
                for s in self.expenditure_return.other_spending.order_by("pk")
            ]
        return initial, lines

    def get(self, request, *args, **kwargs):
        initial, lines = self.initial()
        form = ReturnForm(members=self.members(), initial=initial)
        formset = SpendingFormSet(prefix="spending", initial=lines)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        members = self.members()
        if "add_line" in request.POST:
            # Another blank line: the page comes back with what was typed, unchecked and
            # unsaved; lines ticked for removal go.
            data = request.POST
            initial = {name: data.get(name, "") for name in ReturnForm(members=members).fields}
            lines = []
            count = data.get("spending-TOTAL_FORMS", "")
            total = min(int(count) if count.isascii() and count.isdigit() else 0, 50)
            for index in range(total):
                prefix = f"spending-{index}-"
                if data.get(f"{prefix}DELETE"):
                    continue
                line = {key: data.get(prefix + key, "") for key in SPENDING_KEYS}
                if any(line.values()):
                    lines.append(line)
            form = ReturnForm(members=members, initial=initial)
            formset = SpendingFormSet(prefix="spending", initial=lines)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        form = ReturnForm(members=members, data=request.POST)
        formset = SpendingFormSet(prefix="spending", data=request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                return_save(
                    participation=self.participation,
                    cover_days=form.cover_days(),
                    travel_spent=form.cleaned_data["travel_spent"],
                    other_spending=[
                        SpendingLine(
                            category=line["category"],
                            description=line["description"],
                            amount=line["amount"],
                        )
                        for line in formset.lines()
                    ],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Return saved.")
                return HttpResponseRedirect(self.detail_url())
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class ReturnEvidenceAddView(ReturnView, FormView):
    """Upload a PDF or an image as evidence."""

    permission = EDIT_RETURN
    template_name = "funding/returns/evidence_form.html"
    form_class = EvidenceForm

    def form_valid(self, form):
        try:
            evidence = evidence_add(
                participation=self.participation,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{evidence.original_name} uploaded.")
        return super().form_valid(form)


class EvidenceView(ScopedView):
    """A page about one piece of evidence, within the returns the user may see."""

    def load(self, **kwargs):
        self.evidence = get_object_or_404(
            ReturnEvidence.objects.active()
            .filter(expenditure_return__in=ExpenditureReturn.objects.visible_to(self.request.user))
            .select_related(
                "expenditure_return__participation__school__local_authority",
                "expenditure_return__participation__programme_year",
            ),
            pk=kwargs["pk"],
        )
        self.expenditure_return = self.evidence.expenditure_return
        self.participation = self.expenditure_return.participation

    def permission_object(self):
        return self.expenditure_return


class ReturnEvidenceDownloadView(EvidenceView, View):
    """The evidence file, as an attachment under its original name, with the content type of
    its checked type."""

    def get(self, request, *args, **kwargs):
        extension = self.evidence.file.name.rsplit(".", 1)[-1].lower()
        # Only the types the upload checks let in; anything else (a file put there by other
        # means) is sent as bytes, never as a type a browser might render, such as HTML.
        content_type = CONTENT_TYPES.get(extension)
        try:
            handle = self.evidence.file.open("rb")
        except FileNotFoundError as error:
            raise Http404("The file is missing.") from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=self.evidence.original_name,
            content_type=content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ReturnEvidenceRemoveView(EvidenceView, TemplateView):
    """Asks before removing evidence (GET), and removes it (POST), while the return is open."""

    permission = EDIT_RETURN
    template_name = "funding/returns/evidence_remove.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            evidence=self.evidence,
            participation=self.participation,
            school=self.participation.school,
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            evidence_remove(evidence=self.evidence, by=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, f"{self.evidence.original_name} removed.")
        return HttpResponseRedirect(reverse("funding:return_detail", args=[self.participation.pk]))


class ReturnSubmitView(ReturnView, View):
    """Sends the return to the strategy manager (POST only)."""

    permission = EDIT_RETURN
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            return_submit(participation=self.participation, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Return submitted to the strategy manager.")
        return HttpResponseRedirect(self.detail_url())


class ReturnDecideView(ReturnView, FormView):
    """The strategy manager approves a submitted return or queries it with a question."""

    permission = DECIDE_RETURN
    template_name = "funding/returns/decide.html"
    form_class = DecisionForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = return_summary(self.participation, today=clock.today())
        return context

    def form_valid(self, form):
        try:
            decided = return_decide(
                participation=self.participation,
                decision=form.cleaned_data["decision"],
                message=form.cleaned_data["message"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Return {decided.get_status_display().lower()}.")
        return super().form_valid(form)


class ReturnListView(ScopedView, TemplateView):
    """Every school holding a place in the year, its return's status, grant, spent, unspent and
    flags; filtered by status and to the flagged ones. For the strategy manager."""

    permission = DECIDE_RETURN
    template_name = "funding/returns/list.html"

    def load(self, **kwargs):
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(self.request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )

    def permission_object(self):
        return self.programme_year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        if status not in dict(LIST_STATUSES):
            status = ""
        flagged_only = self.request.GET.get("flagged") == "1"
        context.update(
            programme_year=self.programme_year,
            returns=return_list(
                programme_year=self.programme_year,
                today=clock.today(),
                status=status,
                flagged_only=flagged_only,
            ),
            statuses=LIST_STATUSES,
            status=status,
            flagged_only=flagged_only,
        )
        return context
