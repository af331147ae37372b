"""Django admin for the schools register. Administrators see every LEA: no scoping here.

A school's derived figures (latest value added) follow its value-added records: every admin
write to those records queues `refresh_school_figures` once the transaction commits.
"""

from collections.abc import Iterable
from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_archive import NoDeleteAdminMixin

from .models import (
    ImportRecord,
    Inspection,
    KeyStage2Progress,
    KeyStage2Target,
    KeyStageResult,
    LocalAuthority,
    PerformanceDataView,
    School,
    SchoolLink,
    ValueAdded,
)
from .tasks import refresh_school_figures

SCHOOL_SEARCH_FIELDS = ("school__urn__exact", "school__name")


def queue_school_refresh(school_ids: Iterable[int | None]) -> int:
    """Queue a refresh of each school's derived figures after the current transaction commits,
    so that the worker reads what was saved. Returns how many schools were queued."""
    unique_ids = sorted({school_id for school_id in school_ids if school_id is not None})
    for school_id in unique_ids:
        transaction.on_commit(partial(refresh_school_figures.delay, school_id=school_id))
    return len(unique_ids)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "school_count")
    search_fields = ("code", "name")
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(school_count=Count("schools"))

    @admin.display(description="schools", ordering="school_count")
    def school_count(self, obj):
        return obj.school_count


class KeyStageResultInline(admin.TabularInline):
    model = KeyStageResult
    extra = 0


class ValueAddedInline(admin.TabularInline):
    model = ValueAdded
    extra = 0


class InspectionInline(admin.TabularInline):
    model = Inspection
    extra = 0
    fields = (
        "inspected_on",
        "inspection_type",
        "overall_grade",
        "leadership_grade",
        "teaching_grade",
    )


class KeyStage2TargetInline(admin.TabularInline):
    model = KeyStage2Target
    extra = 0


@admin.register(School)
class SchoolAdmin(NoDeleteAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "urn",
        "name",
        "local_authority",
        "phase",
        "school_type",
        "number_on_roll",
        "latest_value_added",
        "ofsted_category",
    )
    list_filter = ("local_authority", "phase", "school_type", "ofsted_category")
    list_select_related = ("local_authority",)
    search_fields = ("urn__exact", "name")
    ordering = ("name",)
    autocomplete_fields = ("local_authority",)
    readonly_fields = ("latest_value_added", "latest_value_added_year")
    inlines = (KeyStageResultInline, ValueAddedInline, InspectionInline, KeyStage2TargetInline)
    actions = ("recompute_derived_figures",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "urn",
                    "name",
                    "local_authority",
                    "establishment_number",
                    "phase",
                    "school_type",
                    "number_on_roll",
                    "is_open",
                    "closed_on",
                )
            },
        ),
        ("Location", {"fields": ("postcode", "easting", "northing")}),
        (
            "Background file",
            {
                "fields": (
                    "percentage_fsm",
                    "pupil_mobility",
                    "ofsted_category",
                    "ofsted_rating",
                    "headteacher_name",
                    "headteacher_started_on",
                    "years_of_headship",
                    "leadership_judgement",
                    "ict_competence",
                    "barriers_commentary",
                    "awards",
                )
            },
        ),
        (
            "Derived figures",
            {
                "description": "Computed from the value-added records; not edited by hand.",
                "fields": ("latest_value_added", "latest_value_added_year"),
            },
        ),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.model is ValueAdded and formset.has_changed() for formset in formsets):
            queue_school_refresh([form.instance.pk])

    @admin.action(description="Recompute derived figures", permissions=["change"])
    def recompute_derived_figures(self, request, queryset):
        count = queue_school_refresh(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%d school queued for recomputing.", "%d schools queued for recomputing.", count
            )
            % count,
            messages.SUCCESS,
        )


class SchoolRecordAdmin(admin.ModelAdmin):
    """What the admins of a school's yearly records share: search by the school's exact URN or
    part of its name, filter by its LEA, choose the school by autocomplete."""

    search_fields = SCHOOL_SEARCH_FIELDS
    autocomplete_fields = ("school",)
    list_select_related = ("school", "school__local_authority")


@admin.register(KeyStageResult)
class KeyStageResultAdmin(SchoolRecordAdmin):
    list_display = (
        "school",
        "year",
        "key_stage",
        "cohort_size",
        "english_percentage",
        "maths_percentage",
    )
    list_filter = ("year", "key_stage", "school__local_authority")


@admin.register(ValueAdded)
class ValueAddedAdmin(SchoolRecordAdmin):
    list_display = ("school", "year", "score", "grade")
    list_filter = ("year", "grade", "school__local_authority")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        queue_school_refresh([obj.school_id, form.initial.get("school")])

    def delete_model(self, request, obj):
        school_id = obj.school_id
        super().delete_model(request, obj)
        queue_school_refresh([school_id])

    def delete_queryset(self, request, queryset):
        school_ids = list(queryset.values_list("school_id", flat=True))
        super().delete_queryset(request, queryset)
        queue_school_refresh(school_ids)


@admin.register(Inspection)
class InspectionAdmin(SchoolRecordAdmin):
    list_display = (
        "school",
        "inspected_on",
        "inspection_type",
        "overall_grade",
        "leadership_grade",
        "teaching_grade",
    )
    list_filter = ("inspection_type", "overall_grade", "school__local_authority")
    date_hierarchy = "inspected_on"


@admin.register(KeyStage2Target)
class KeyStage2TargetAdmin(SchoolRecordAdmin):
    list_display = ("school", "year", "subject", "percentage", "set_on", "note")
    list_filter = ("year", "subject", "school__local_authority")


@admin.register(KeyStage2Progress)
class KeyStage2ProgressAdmin(SchoolRecordAdmin):
    list_display = (
        "school",
        "year",
        "reading_progress",
        "writing_progress",
        "maths_progress",
        "percentage_expected_rwm",
    )
    list_filter = ("year", "school__local_authority")


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Imports are made through the import pages or commands; the admin only reads them."""

    list_display = ("created_at", "kind", "file_name", "user", "is_dry_run", "status", "rows")
    list_filter = ("kind", "status", "is_dry_run")
    search_fields = ("file_name", "user__email")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of who imported what is kept, like the other histories.
        return False


@admin.register(SchoolLink)
class SchoolLinkAdmin(admin.ModelAdmin):
    list_display = ("urn", "link_type", "linked_urn", "linked_name", "established_on")
    list_filter = ("link_type",)
    search_fields = ("=urn", "=linked_urn", "linked_name")


@admin.register(PerformanceDataView)
class PerformanceDataViewAdmin(admin.ModelAdmin):
    """Who opened which school's confidential performance data (written by the pages, read on
    the audit pages): read only, as an audit trail is."""

    list_display = ("viewed_at", "user", "page", "school", "local_authority")
    list_filter = ("local_authority", "page")
    list_select_related = ("user", "school", "local_authority")
    search_fields = ("school__urn__exact", "school__name", "user__email", "user__full_name")
    date_hierarchy = "viewed_at"
    ordering = ("-viewed_at", "-pk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
