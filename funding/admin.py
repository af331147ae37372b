"""Django admin for the money: funding rates, grants, budgets and their overrides, payments and
expenditure returns with their cover claims, other spending and evidence. Administrators see
every LEA: no scoping here.

A grant is the output of `funding.services.grants.grant_compute` (the one writer of the rule),
and a budget override is the record of a manager's decision, so both are shown read only.
"""

from django.contrib import admin
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_archive import ArchivableAdminMixin, NoDeleteAdminMixin
from consultants.admin import RecordForm
from leadership.admin import SelectRelatedMixin

from .models import (
    Budget,
    BudgetOverride,
    CoverClaim,
    ExpenditureReturn,
    FundingRates,
    Grant,
    OtherSpending,
    Payment,
    ReturnEvidence,
)

YEAR_FILTERS = ("programme_year__local_authority", "programme_year__name")
YEAR_SELECT = ("programme_year__local_authority",)
YEAR_SEARCH = ("programme_year__name", "programme_year__local_authority__name")
PARTICIPATION_PATH = "participation"
PARTICIPATION_FILTERS = (
    "participation__programme_year__local_authority",
    "participation__programme_year__name",
)
PARTICIPATION_SELECT = ("participation__school", "participation__programme_year")
PARTICIPATION_SEARCH = ("participation__school__urn__exact", "participation__school__name")
RETURN_PATH = "expenditure_return__participation"
RETURN_FILTERS = (
    f"{RETURN_PATH}__programme_year__local_authority",
    f"{RETURN_PATH}__programme_year__name",
)
RETURN_SELECT = (f"{RETURN_PATH}__school", f"{RETURN_PATH}__programme_year")
RETURN_SEARCH = (f"{RETURN_PATH}__school__urn__exact", f"{RETURN_PATH}__school__name")


class ReadOnlyAdminMixin:
    """Shows rows that a service or a recorded decision wrote, and changes none of them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingRates)
class FundingRatesAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    """A year's rates. Changing them here does not recompute the grants: the rates page of the
    funding app does (`rates_update`), and says which grants changed."""

    list_display = (
        "programme_year",
        "daily_supply_rate",
        "supply_days_per_person",
        "funded_people_large",
        "funded_people_small",
        "travel_grant",
        "pscl_day_rate",
    )
    list_filter = YEAR_FILTERS
    list_select_related = YEAR_SELECT
    search_fields = YEAR_SEARCH
    autocomplete_fields = ("programme_year",)


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    """A school's grant, computed from the rates and its roll by `grant_compute`: read only,
    with its history."""

    list_display = (
        "school",
        "programme_year",
        "pupils",
        "funded_people",
        "supply_days",
        "supply_amount",
        "travel_grant",
        "pscl_amount",
        "total",
        "computed_at",
    )
    list_filter = PARTICIPATION_FILTERS
    list_select_related = PARTICIPATION_SELECT
    search_fields = PARTICIPATION_SEARCH
    date_hierarchy = "computed_at"

    @admin.display(description="school", ordering="participation__school__name")
    def school(self, obj):
        return obj.participation.school

    @admin.display(description="programme year", ordering="participation__programme_year__name")
    def programme_year(self, obj):
        return obj.participation.programme_year.name


@admin.register(Budget)
class BudgetAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("programme_year", "allocation_received", "received_on")
    list_filter = YEAR_FILTERS
    list_select_related = YEAR_SELECT
    search_fields = YEAR_SEARCH
    autocomplete_fields = ("programme_year",)
    date_hierarchy = "received_on"


@admin.register(BudgetOverride)
class BudgetOverrideAdmin(ReadOnlyAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    """Each acceptance that went past the budget, with the manager's reason: read only."""

    list_display = (
        "participation",
        "programme_year",
        "committed_before",
        "grant_total",
        "budget",
        "short_reason",
        "by",
        "at",
    )
    list_filter = YEAR_FILTERS
    list_select_related = (*YEAR_SELECT, *PARTICIPATION_SELECT, "by")
    search_fields = (*PARTICIPATION_SEARCH, "reason")
    ordering = ("-at",)

    @admin.display(description="reason")
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)


@admin.register(Payment)
class PaymentAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = RecordForm
    list_display = (
        "payee_name",
        "school",
        "kind",
        "payee",
        "instalment",
        "days",
        "amount",
        "due_on",
        "status",
        "paid_on",
    )
    list_filter = (*PARTICIPATION_FILTERS, "kind", "status")
    list_select_related = (*PARTICIPATION_SELECT, "allocation__adviser", "created_by")
    search_fields = (*PARTICIPATION_SEARCH, "payee_name", "reference")
    autocomplete_fields = ("participation", "allocation", "created_by")
    date_hierarchy = "due_on"

    @admin.display(description="school", ordering="participation__school__name")
    def school(self, obj):
        return obj.participation.school


class CoverClaimInline(admin.TabularInline):
    model = CoverClaim
    extra = 0
    fields = ("member", "days")
    raw_id_fields = ("member",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


class OtherSpendingInline(admin.TabularInline):
    model = OtherSpending
    extra = 0
    fields = ("category", "description", "amount")


class ReturnEvidenceInline(admin.TabularInline):
    form = RecordForm
    model = ReturnEvidence
    extra = 0
    # Evidence is archived from its own admin, never deleted.
    can_delete = False
    fields = ("file", "original_name", "description", "token", "uploaded_by", "uploaded_at")
    raw_id_fields = ("uploaded_by",)


@admin.register(ExpenditureReturn)
class ExpenditureReturnAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = RecordForm
    list_display = (
        "school",
        "programme_year",
        "status",
        "travel_spent",
        "submitted_at",
        "decided_at",
    )
    list_filter = (*PARTICIPATION_FILTERS, "status")
    list_select_related = PARTICIPATION_SELECT
    search_fields = (*PARTICIPATION_SEARCH, "query_message")
    autocomplete_fields = ("participation", "submitted_by", "decided_by")
    date_hierarchy = "submitted_at"
    inlines = (CoverClaimInline, OtherSpendingInline, ReturnEvidenceInline)

    @admin.display(description="school", ordering="participation__school__name")
    def school(self, obj):
        return obj.participation.school

    @admin.display(description="programme year", ordering="participation__programme_year__name")
    def programme_year(self, obj):
        return obj.participation.programme_year.name


class ReturnRecordAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    """What the admins of a return's lines share: search by the school, filter by the LEA and
    the programme year."""

    list_filter = RETURN_FILTERS
    list_select_related = RETURN_SELECT
    search_fields = RETURN_SEARCH
    autocomplete_fields = ("expenditure_return",)


@admin.register(CoverClaim)
class CoverClaimAdmin(ReturnRecordAdmin):
    list_display = ("expenditure_return", "member", "days")
    list_select_related = (*RETURN_SELECT, "member")
    search_fields = (*RETURN_SEARCH, "member__full_name")
    raw_id_fields = ("member",)


@admin.register(OtherSpending)
class OtherSpendingAdmin(ReturnRecordAdmin):
    list_display = ("expenditure_return", "category", "description", "amount")
    list_filter = (*RETURN_FILTERS, "category")
    search_fields = (*RETURN_SEARCH, "description")


@admin.register(ReturnEvidence)
class ReturnEvidenceAdmin(ArchivableAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = RecordForm
    list_display = ("original_name", "expenditure_return", "description", "uploaded_at")
    list_filter = RETURN_FILTERS
    list_select_related = RETURN_SELECT
    search_fields = (*RETURN_SEARCH, "original_name", "description")
    autocomplete_fields = ("expenditure_return",)
    raw_id_fields = ("uploaded_by",)
    date_hierarchy = "uploaded_at"
