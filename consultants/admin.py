"""Django admin for consultant leaders: advisers with their capacity, training and attachments,
recruitment, conflicts of interest, allocations and the visit log. Administrators see every LEA:
no scoping here.

The status of an application and of an allocation is the workflow's to change and record (as an
application step or an allocation event), so the admin shows those statuses and their records
but does not edit them; the steps and events themselves are read only, as an audit trail is.
"""

from django import forms
from django.contrib import admin
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_archive import NoDeleteAdminMixin
from leadership.admin import ReadOnlyInline, SelectRelatedMixin

from .models import (
    Adviser,
    AgreedAction,
    Allocation,
    AllocationEvent,
    Application,
    ApplicationStep,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    DeclaredConflict,
    Expertise,
    PreVisitNote,
    SupportEvaluation,
    Visit,
    VisitFocus,
)

ALLOCATION_PATH = "allocation__participation"
ALLOCATION_SEARCH_FIELDS = (
    f"{ALLOCATION_PATH}__school__urn__exact",
    f"{ALLOCATION_PATH}__school__name",
    "allocation__adviser__full_name",
)
VISIT_PATH = "visit__allocation__participation"


def choice_list_field(choices, label):
    """A JSON list of choices shown as tick boxes, so an administrator never types JSON."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RecordForm(forms.ModelForm):
    """Leaves blank the people a record may name without (`confirmed_by`, `written_by` and the
    like are null when a seed or an import wrote the row): the admin does not ask for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name)
            if model_field.many_to_one and model_field.null:
                field.required = False


class WorkflowStatusForm(RecordForm):
    def _get_validation_exclusions(self):
        # The status is shown read only, yet the constraints that read it (an ended match
        # needs a reason, an interview its score) must still be checked before a save.
        return super()._get_validation_exclusions() - {"status"}


class AdviserForm(RecordForm):
    expertise = choice_list_field(Expertise.choices, "Areas of expertise")


class CapacityInline(admin.TabularInline):
    model = Capacity
    extra = 0
    fields = ("programme_year", "max_schools", "max_days")
    autocomplete_fields = ("programme_year",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("programme_year")


class TrainingInline(admin.TabularInline):
    model = ConsultantTraining
    extra = 0
    fields = ("programme_year", "day", "attended_on")
    autocomplete_fields = ("programme_year",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("programme_year")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("school", "attached_on")
    autocomplete_fields = ("school",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")


@admin.register(Adviser)
class AdviserAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = AdviserForm
    list_display = (
        "full_name",
        "kind",
        "local_authority",
        "user",
        "home_school",
        "appointed_on",
        "is_active",
    )
    list_filter = ("local_authority", "kind", "is_active")
    list_select_related = ("local_authority", "user", "home_school")
    search_fields = ("full_name", "email", "user__email", "home_school__name")
    autocomplete_fields = ("local_authority", "user", "home_school")
    ordering = ("local_authority__name", "full_name")
    fieldsets = (
        (None, {"fields": ("local_authority", "kind", "full_name", "user", "email", "phone")}),
        (
            "PSCL profile",
            {
                "description": "Only for a consultant leader (PSCL).",
                "fields": ("home_school", "years_of_headship", "expertise", "appointed_on"),
            },
        ),
        (None, {"fields": ("is_active",)}),
    )
    inlines = (CapacityInline, TrainingInline, AttachmentInline)


class AdviserRecordAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    """What the admins of a PSCL's yearly records share: search by the adviser's name, filter by
    the LEA and the programme year."""

    list_filter = ("adviser__local_authority", "programme_year__name")
    list_select_related = ("adviser", "programme_year__local_authority")
    search_fields = ("adviser__full_name", "adviser__email")
    autocomplete_fields = ("adviser", "programme_year")


@admin.register(Capacity)
class CapacityAdmin(AdviserRecordAdmin):
    list_display = ("adviser", "programme_year", "max_schools", "max_days")


@admin.register(ConsultantTraining)
class ConsultantTrainingAdmin(AdviserRecordAdmin):
    list_display = ("adviser", "programme_year", "day", "attended_on")
    list_filter = (*AdviserRecordAdmin.list_filter, "day")
    date_hierarchy = "attended_on"


@admin.register(Attachment)
class AttachmentAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("adviser", "school", "attached_on")
    list_filter = ("school__local_authority", "adviser__kind")
    list_select_related = ("adviser", "school")
    search_fields = ("adviser__full_name", "school__urn__exact", "school__name")
    autocomplete_fields = ("adviser", "school")


class ApplicationStepInline(ReadOnlyInline):
    model = ApplicationStep
    fields = ("from_status", "to_status", "notes", "changed_by", "changed_at")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(Application)
class ApplicationAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = WorkflowStatusForm
    list_display = (
        "full_name",
        "programme_year",
        "status",
        "received_on",
        "home_school",
        "recommendation",
        "interview_score",
    )
    list_filter = (
        "programme_year__local_authority",
        "programme_year__name",
        "status",
        "recommendation",
    )
    list_select_related = ("programme_year__local_authority", "home_school")
    search_fields = ("full_name", "email", "home_school__name")
    autocomplete_fields = ("programme_year", "home_school", "adviser")
    raw_id_fields = ("recommended_by",)
    readonly_fields = ("status",)
    date_hierarchy = "received_on"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "programme_year",
                    "full_name",
                    "email",
                    "phone",
                    "home_school",
                    "years_of_headship",
                    "received_on",
                    "letter_text",
                    "letter_file",
                )
            },
        ),
        (
            "Status",
            {
                "description": (
                    "The status changes through the recruitment pages, which record who changed "
                    "it and when (see the steps below)."
                ),
                "fields": ("status", "screening_notes", "adviser"),
            },
        ),
        (
            "Recommendation",
            {"fields": ("recommended_by", "recommendation", "recommendation_notes")},
        ),
        (
            "Interview",
            {
                "fields": (
                    "interviewed_on",
                    "interview_panel",
                    "interview_score",
                    "interview_notes",
                )
            },
        ),
    )
    inlines = (ApplicationStepInline,)


@admin.register(ApplicationStep)
class ApplicationStepAdmin(SelectRelatedMixin, admin.ModelAdmin):
    """Each change of an application's status: read only."""

    list_display = ("application", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = (
        "application__programme_year__local_authority",
        "application__programme_year__name",
        "to_status",
    )
    list_select_related = ("application__programme_year__local_authority", "changed_by")
    search_fields = ("application__full_name", "application__email")
    ordering = ("-changed_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeclaredConflictInline(admin.TabularInline):
    model = DeclaredConflict
    extra = 0
    fields = ("school", "kind", "details")
    autocomplete_fields = ("school",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AdviserRecordAdmin):
    form = RecordForm
    list_display = ("adviser", "programme_year", "declared_on", "declared_by", "conflict_count")
    list_select_related = (*AdviserRecordAdmin.list_select_related, "declared_by")
    autocomplete_fields = (*AdviserRecordAdmin.autocomplete_fields, "declared_by")
    date_hierarchy = "declared_on"
    inlines = (DeclaredConflictInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("conflicts")

    @admin.display(description="conflicts declared")
    def conflict_count(self, obj):
        return len(obj.conflicts.all())


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("declaration", "school", "kind", "short_details")
    list_filter = ("school__local_authority", "kind")
    list_select_related = (
        "declaration__adviser",
        "declaration__programme_year__local_authority",
        "school",
    )
    search_fields = ("declaration__adviser__full_name", "school__urn__exact", "school__name")
    autocomplete_fields = ("declaration", "school")

    @admin.display(description="details")
    def short_details(self, obj):
        return Truncator(obj.details).chars(80)


class AllocationEventInline(ReadOnlyInline):
    model = AllocationEvent
    fields = ("kind", "detail", "reason", "by", "at")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


ALLOCATION_SELECT = (
    "adviser",
    "participation__school",
    "participation__programme_year",
)


@admin.register(Allocation)
class AllocationAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = WorkflowStatusForm
    list_display = (
        "school",
        "adviser",
        "programme_year",
        "status",
        "planned_days",
        "confirmed_at",
        "ended_on",
    )
    list_filter = (
        "participation__programme_year__local_authority",
        "participation__programme_year__name",
        "status",
    )
    list_select_related = (*ALLOCATION_SELECT, "confirmed_by")
    search_fields = (
        "participation__school__urn__exact",
        "participation__school__name",
        "adviser__full_name",
    )
    autocomplete_fields = ("adviser", "participation", "confirmed_by")
    readonly_fields = ("status",)
    fieldsets = (
        (None, {"fields": ("adviser", "participation", "planned_days")}),
        (
            "Status",
            {
                "description": (
                    "The status changes through the matching pages and the school's answer, "
                    "which record each change (see the events below)."
                ),
                "fields": ("status", "confirmed_by", "confirmed_at", "ended_on", "end_reason"),
            },
        ),
    )
    inlines = (AllocationEventInline,)

    @admin.display(description="school", ordering="participation__school__name")
    def school(self, obj):
        return obj.participation.school

    @admin.display(description="programme year", ordering="participation__programme_year__name")
    def programme_year(self, obj):
        return obj.participation.programme_year.name


@admin.register(AllocationEvent)
class AllocationEventAdmin(SelectRelatedMixin, admin.ModelAdmin):
    """Each change of a match: read only."""

    list_display = ("allocation", "kind", "detail", "by", "at")
    list_filter = ("allocation__participation__programme_year__local_authority", "kind")
    list_select_related = (
        "allocation__adviser",
        "allocation__participation__school",
        "allocation__participation__programme_year",
        "by",
    )
    search_fields = ALLOCATION_SEARCH_FIELDS
    ordering = ("-at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VisitForm(RecordForm):
    focus = choice_list_field(VisitFocus.choices, "Focus")


class AgreedActionInline(admin.TabularInline):
    model = AgreedAction
    extra = 0
    fields = ("who", "what", "due_on", "done_on")


class PreVisitNoteInline(admin.StackedInline):
    form = RecordForm
    model = PreVisitNote
    extra = 0
    fields = ("progress", "wants", "written_by", "written_at")
    autocomplete_fields = ("written_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("written_by")


VISIT_SELECT = tuple(f"allocation__{path}" for path in ALLOCATION_SELECT)


@admin.register(Visit)
class VisitAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = VisitForm
    list_display = (
        "school",
        "visit_on",
        "pscl",
        "status",
        "length",
        "days",
        "kind",
        "stage",
        "standards_challenged",
    )
    list_filter = (
        f"{ALLOCATION_PATH}__programme_year__local_authority",
        f"{ALLOCATION_PATH}__programme_year__name",
        "status",
        "kind",
        "stage",
        "standards_challenged",
    )
    list_select_related = VISIT_SELECT
    search_fields = (*ALLOCATION_SEARCH_FIELDS, "notes")
    autocomplete_fields = ("allocation", "created_by")
    readonly_fields = ("days", "created_at", "updated_at")
    date_hierarchy = "visit_on"
    fieldsets = (
        (None, {"fields": ("allocation", "status", "visit_on", "purpose")}),
        ("Length", {"fields": ("length", "hours", "days")}),
        (
            "Notes",
            {
                "fields": (
                    "kind",
                    "stage",
                    "focus",
                    "attendees",
                    "notes",
                    "standards_challenged",
                    "challenge_detail",
                    "next_visit_on",
                )
            },
        ),
        ("Record", {"fields": ("created_by", "created_at", "updated_at", "submitted_at")}),
    )
    inlines = (AgreedActionInline, PreVisitNoteInline)

    @admin.display(description="school", ordering=f"{ALLOCATION_PATH}__school__name")
    def school(self, obj):
        return obj.allocation.participation.school

    @admin.display(description="PSCL", ordering="allocation__adviser__full_name")
    def pscl(self, obj):
        return obj.allocation.adviser.full_name


VISIT_RECORD_SELECT = tuple(f"visit__{path}" for path in VISIT_SELECT)


class VisitRecordAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    """What the admins of a visit's actions and pre-visit notes share: search by the school or
    the PSCL, filter by the LEA."""

    list_filter = (f"{VISIT_PATH}__programme_year__local_authority",)
    list_select_related = VISIT_RECORD_SELECT
    search_fields = (
        f"{VISIT_PATH}__school__urn__exact",
        f"{VISIT_PATH}__school__name",
        "visit__allocation__adviser__full_name",
    )
    autocomplete_fields = ("visit",)

    @admin.display(description="school", ordering=f"{VISIT_PATH}__school__name")
    def school(self, obj):
        return obj.visit.allocation.participation.school


@admin.register(AgreedAction)
class AgreedActionAdmin(VisitRecordAdmin):
    list_display = ("short_what", "who", "school", "due_on", "done_on")
    list_filter = (*VisitRecordAdmin.list_filter, "visit__status")
    search_fields = (*VisitRecordAdmin.search_fields, "what", "who")
    date_hierarchy = "due_on"

    @admin.display(description="what")
    def short_what(self, obj):
        return Truncator(obj.what).chars(80)


@admin.register(PreVisitNote)
class PreVisitNoteAdmin(VisitRecordAdmin):
    form = RecordForm
    list_display = ("visit", "school", "written_by", "written_at")
    list_select_related = (*VisitRecordAdmin.list_select_related, "written_by")
    autocomplete_fields = ("visit", "written_by")


@admin.register(SupportEvaluation)
class SupportEvaluationAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    form = RecordForm
    list_display = ("school", "pscl", "term", "rating", "written_by", "written_at")
    list_filter = (
        f"{ALLOCATION_PATH}__programme_year__local_authority",
        f"{ALLOCATION_PATH}__programme_year__name",
        "term",
        "rating",
    )
    list_select_related = (*VISIT_SELECT, "written_by")
    search_fields = (*ALLOCATION_SEARCH_FIELDS, "comments")
    autocomplete_fields = ("allocation", "written_by")

    @admin.display(description="school", ordering=f"{ALLOCATION_PATH}__school__name")
    def school(self, obj):
        return obj.allocation.participation.school

    @admin.display(description="PSCL", ordering="allocation__adviser__full_name")
    def pscl(self, obj):
        return obj.allocation.adviser.full_name
