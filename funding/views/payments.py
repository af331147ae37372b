"""Pages of the budget, the payments, the funding statement and the finance exports (issue 5,
items 3 and 4). All are the strategy manager's (and an admin's): objects load through
`visible_to(user)` (404 outside the user's scope), then the `funding.*` permission is checked
(403 for someone who may see the object but not do this). Every write is one service call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from accounts.exports import export_filename
from leadership.forms.programme import add_service_errors
from leadership.models import Participation, ProgrammeYear
from leadership.views.programme import SignedInMixin
from schools.models import School

from ..exports import csv_response, xlsx_response
from ..forms.payments import (
    BudgetForm,
    CancelForm,
    PaidForm,
    PaymentFilterForm,
    PsclPaymentsForm,
    ScheduleForm,
)
from ..grants import gbp
from ..models import Budget, Grant, Payment, PaymentKind
from ..selectors.payments import (
    PAYMENT_COLUMNS,
    budget_page,
    payment_list,
    payment_table,
    payment_totals,
    pscl_payment_lines,
    unscheduled_grants,
)
from ..selectors.statements import STATEMENT_COLUMNS, funding_statement
from ..services.budgets import budget_save
from ..services.payments import (
    grant_instalments_schedule,
    payment_cancel,
    payment_mark_paid,
    pscl_payments_prepare,
)

#: The statement's money columns, written as numbers with two places in the XLSX.
STATEMENT_MONEY = (
    "daily_rate",
    "supply_amount",
    "travel_grant",
    "pscl_day_rate",
    "pscl_amount",
    "total",
)


class YearMixin(SignedInMixin):
    """Loads the programme year in the URL among those the user may see (404 otherwise) and
    checks `permission` on it (403)."""

    permission = "funding.manage_budget"

    def load(self, request, **kwargs):
        self.programme_year = get_object_or_404(
            ProgrammeYear.objects.visible_to(request.user).select_related("local_authority"),
            pk=kwargs["year_pk"],
        )
        if not request.user.has_perm(self.permission, self.programme_year):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "programme_year": self.programme_year}


# The budget ---------------------------------------------------------------------------------


class BudgetView(YearMixin, TemplateView):
    """The year's budget: received, committed, paid, scheduled, remaining, with a warning when
    it is overspent or nearly so, and the overrides recorded."""

    template_name = "funding/payments/budget.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "page": budget_page(self.programme_year)}


class BudgetEditView(YearMixin, FormView):
    """Record or change the allocation the LEA received for the year."""

    template_name = "funding/payments/budget_form.html"
    form_class = BudgetForm

    def get_initial(self):
        budget = Budget.objects.filter(programme_year=self.programme_year).first()
        if budget is None:
            return {}
        return {
            "allocation_received": budget.allocation_received,
            "received_on": budget.received_on,
            "notes": budget.notes,
        }

    def form_valid(self, form):
        try:
            budget_save(programme_year=self.programme_year, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The budget for {self.programme_year.name} is saved.")
        return HttpResponseRedirect(reverse("funding:budget", args=[self.programme_year.pk]))


# Payments -----------------------------------------------------------------------------------


class PaymentFiltersMixin(YearMixin):
    """The year's payments filtered by the GET parameters, for the page and its exports."""

    permission = "funding.manage_payments"

    def filter_form(self):
        schools = (
            School.objects.filter(participations__programme_year=self.programme_year)
            .order_by("name")
            .distinct()
        )
        return PaymentFilterForm(self.request.GET or None, schools=schools)

    def payments(self, form):
        return payment_list(self.programme_year, **form.filters())


class PaymentListView(PaymentFiltersMixin, TemplateView):
    """The year's payments with filters and totals (the same as the exports')."""

    template_name = "funding/payments/payment_list.html"

    def get_context_data(self, **kwargs):
        form = self.filter_form()
        payments = self.payments(form)
        query = self.request.GET.urlencode()
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "payments": payments,
            "totals": payment_totals(payments),
            "unscheduled": unscheduled_grants(self.programme_year),
            "query": f"?{query}" if query else "",
            "can_export": self.request.user.has_perm("funding.export_finance", self.programme_year),
        }


class PaymentListExportView(PaymentFiltersMixin, View):
    """The payment list, with its filters, as CSV or XLSX."""

    permission = "funding.export_finance"
    file_format = "csv"

    def get(self, request, *args, **kwargs):
        payments = self.payments(self.filter_form())
        rows = payment_table(payments, payment_totals(payments))
        name = f"payments-{self.programme_year.local_authority.code}-{self.programme_year.name}"
        filename = export_filename(name, self.file_format)
        if self.file_format == "xlsx":
            return xlsx_response(
                filename,
                "Payments",
                PAYMENT_COLUMNS,
                rows,
                money_columns=("amount",),
                bold_last_row=True,
            )
        return csv_response(filename, PAYMENT_COLUMNS, rows, bom=True)


class PaymentsScheduleView(SignedInMixin, FormView):
    """Schedule a participating school's grant as instalments."""

    template_name = "funding/payments/schedule.html"
    form_class = ScheduleForm

    def load(self, request, **kwargs):
        self.participation = get_object_or_404(
            Participation.objects.visible_to(request.user).select_related(
                "programme_year", "school"
            ),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm("funding.manage_payments", self.participation):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "participation": self.participation,
            "programme_year": self.participation.programme_year,
            "grant": Grant.objects.filter(participation=self.participation).first(),
            "payments": Payment.objects.filter(
                participation=self.participation, kind=PaymentKind.SCHOOL_GRANT
            ).order_by("instalment", "pk"),
        }

    def form_valid(self, form):
        try:
            payments = grant_instalments_schedule(
                participation=self.participation, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{len(payments)} instalments of {self.participation.school.name}'s grant are "
            "scheduled.",
        )
        return HttpResponseRedirect(
            reverse("funding:payment_list", args=[self.participation.programme_year_id])
        )


class PaymentMixin(SignedInMixin):
    """Loads a payment the user may see (404) that they may manage (403)."""

    def load(self, request, **kwargs):
        self.payment = get_object_or_404(
            Payment.objects.visible_to(request.user).select_related(
                "participation__programme_year", "participation__school"
            ),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm("funding.manage_payments", self.payment):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "payment": self.payment,
            "programme_year": self.payment.participation.programme_year,
        }

    def done(self, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(
            reverse("funding:payment_list", args=[self.payment.participation.programme_year_id])
        )


class PaymentPaidView(PaymentMixin, FormView):
    """Record that a scheduled payment was made."""

    template_name = "funding/payments/paid.html"
    form_class = PaidForm

    def form_valid(self, form):
        try:
            payment_mark_paid(payment=self.payment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.done(f"{gbp(self.payment.amount)} to {self.payment.payee_name} is paid.")


class PaymentCancelView(PaymentMixin, FormView):
    """Cancel a scheduled payment, with the reason."""

    template_name = "funding/payments/cancel.html"
    form_class = CancelForm

    def form_valid(self, form):
        try:
            payment_cancel(payment=self.payment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.done(f"{gbp(self.payment.amount)} to {self.payment.payee_name} is cancelled.")


class PsclPaymentsView(YearMixin, TemplateView):
    """Pay the PSCLs for the days of their submitted visits: the page shows the payments due up
    to a date (GET), then schedules them (POST)."""

    template_name = "funding/payments/pscl_payments.html"
    permission = "funding.manage_payments"

    def get(self, request, *args, **kwargs):
        form = PsclPaymentsForm(request.GET or None)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = PsclPaymentsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        created = pscl_payments_prepare(
            programme_year=self.programme_year, up_to=form.cleaned_data["up_to"], by=request.user
        )
        if created:
            total = sum(payment.amount for payment in created)
            messages.success(
                request, f"{len(created)} PSCL payments scheduled, {gbp(total)} in all."
            )
        else:
            messages.info(request, "There were no new days to pay.")
        return HttpResponseRedirect(
            reverse("funding:payment_list", args=[self.programme_year.pk])
            + f"?kind={PaymentKind.PSCL_DAYS}"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        lines = None
        if form.is_bound and form.is_valid():
            lines = pscl_payment_lines(self.programme_year, up_to=form.cleaned_data["up_to"])
            context["up_to"] = form.cleaned_data["up_to"]
            context["lines_total"] = sum((line.amount for line in lines), 0)
        context["lines"] = lines
        return context


# The statement ------------------------------------------------------------------------------


class StatementView(YearMixin, TemplateView):
    """The year's funding statement: one row per participating school and the totals, as
    `manage.py funding_statement` writes it."""

    template_name = "funding/payments/statement.html"
    permission = "funding.export_finance"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "statement": funding_statement(self.programme_year),
        }


class StatementExportView(YearMixin, View):
    """The funding statement as CSV or XLSX: the command's columns and its TOTAL row."""

    permission = "funding.export_finance"
    file_format = "csv"

    def get(self, request, *args, **kwargs):
        table = funding_statement(self.programme_year).as_table()
        name = (
            f"funding-statement-{self.programme_year.local_authority.code}-"
            f"{self.programme_year.name}"
        )
        if self.file_format == "xlsx":
            return xlsx_response(
                f"{name}.xlsx",
                "Funding statement",
                STATEMENT_COLUMNS,
                table,
                money_columns=STATEMENT_MONEY,
                bold_last_row=True,
            )
        return csv_response(f"{name}.csv", STATEMENT_COLUMNS, table)
