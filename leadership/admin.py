"""Django admin for the programme year. Administrators see every LEA: no scoping here.

Status changes of a participation are the workflow's to make and record, so the admin shows a
participation's status and its transitions but does not edit them.
"""

from django import forms
from django.contrib import admin
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_archive import ArchivableAdminMixin, NoDeleteAdminMixin

from .models import (
    Action,
    ActionPlan,
    Concern,
    ConcernEscalation,
    GoodPractice,
    LeadershipTeamMember,
    Note,
    Participation,
    ParticipationTransition,
    PlanPriority,
    PlanReview,
    ProgrammeYear,
    SchoolActivity,
    SchoolVisit,
    SelectionFlag,
    SuccessCriterion,
    TrainingAttendance,
    TrainingEvent,
    Watch,
)

PARTICIPATION_SEARCH_FIELDS = ("participation__school__urn__exact", "participation__school__name")


class SelectRelatedMixin:
    """Joins `list_select_related` on every page of the admin, the autocomplete answers
    included, since the rows' names cross those relations."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "local_authority",
        "starts_on",
        "ends_on",
        "funded_places",
        "reserve_places",
        "reserve_released",
        "places_open",
    )
    list_filter = ("local_authority", "name")
    list_select_related = ("local_authority",)
    search_fields = ("name", "local_authority__name", "local_authority__code")
    autocomplete_fields = ("local_authority",)
    ordering = ("local_authority__name", "-starts_on")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "local_authority",
                    "name",
                    "starts_on",
                    "ends_on",
                    "funded_places",
                    "reserve_places",
                    "reserve_released",
                )
            },
        ),
        (
            "Configurable numbers",
            {
                "description": "DOMAIN.md marks these configurable: each year keeps its own.",
                "fields": (
                    "pscl_days_per_school",
                    "small_school_max_pupils",
                    "small_team_size",
                    "large_team_size",
                    "value_added_threshold",
                    "max_plan_priorities",
                    "plan_review_weeks",
                ),
            },
        ),
    )

    @admin.display(description="places open")
    def places_open(self, obj):
        return obj.places_open


class TransitionInline(ReadOnlyInline):
    model = ParticipationTransition
    fields = ("from_status", "to_status", "reason", "changed_by", "changed_at")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class TeamMemberInline(admin.TabularInline):
    model = LeadershipTeamMember
    extra = 0
    fields = ("full_name", "role", "email", "archived_at")
    readonly_fields = ("archived_at",)
    # A member who leaves is archived from the member's admin, never deleted.
    can_delete = False
    show_change_link = True


class ParticipationAdminForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The status is shown read only, yet the constraints that read it (a decline or a
        # withdrawal needs a reason) must still be checked before a save.
        return super()._get_validation_exclusions() - {"status"}


@admin.register(Participation)
class ParticipationAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    form = ParticipationAdminForm
    list_display = (
        "school",
        "programme_year",
        "status",
        "ofsted_kind",
        "is_not_yet_progressing",
        "invited_on",
        "joined_on",
        "is_good_practice",
    )
    list_filter = (
        "programme_year__local_authority",
        "programme_year__name",
        "status",
        "ofsted_kind",
        "is_not_yet_progressing",
        "is_good_practice",
    )
    list_select_related = ("school", "programme_year__local_authority")
    search_fields = ("school__urn__exact", "school__name")
    autocomplete_fields = ("programme_year", "school")
    ordering = ("programme_year__local_authority__name", "-programme_year__starts_on", "school")
    readonly_fields = ("status",)
    fieldsets = (
        (None, {"fields": ("programme_year", "school", "ofsted_kind")}),
        (
            "Status",
            {
                "description": (
                    "The status changes through the programme pages, which record who changed "
                    "it and when (see the transitions below)."
                ),
                "fields": ("status", "status_reason", "invited_on", "joined_on"),
            },
        ),
        ("Judgements", {"fields": ("is_not_yet_progressing", "is_good_practice")}),
    )
    inlines = (TeamMemberInline, TransitionInline)


@admin.register(ParticipationTransition)
class ParticipationTransitionAdmin(SelectRelatedMixin, admin.ModelAdmin):
    """The record of each change of status: read only, as an audit trail is."""

    list_display = ("participation", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = (
        "participation__programme_year__local_authority",
        "participation__programme_year__name",
        "to_status",
    )
    list_select_related = (
        "participation__school",
        "participation__programme_year",
        "changed_by",
    )
    search_fields = PARTICIPATION_SEARCH_FIELDS
    ordering = ("-changed_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SelectionFlag)
class SelectionFlagAdmin(SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("school", "programme_year", "short_reason", "flagged_by", "flagged_at")
    list_filter = ("programme_year__local_authority", "programme_year__name")
    list_select_related = ("school", "programme_year__local_authority", "flagged_by")
    search_fields = ("school__urn__exact", "school__name", "reason")
    autocomplete_fields = ("programme_year", "school", "flagged_by")
    readonly_fields = ("flagged_at",)
    ordering = ("-flagged_at",)

    @admin.display(description="reason")
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)


class SchoolActivityInline(admin.TabularInline):
    model = SchoolActivity
    extra = 0


@admin.register(LeadershipTeamMember)
class LeadershipTeamMemberAdmin(ArchivableAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("full_name", "role", "participation", "email")
    list_filter = (
        "participation__programme_year__local_authority",
        "participation__programme_year__name",
        "role",
    )
    list_select_related = ("participation__school", "participation__programme_year")
    search_fields = ("full_name", "email", *PARTICIPATION_SEARCH_FIELDS)
    autocomplete_fields = ("participation",)
    inlines = (SchoolActivityInline,)


@admin.register(SchoolActivity)
class SchoolActivityAdmin(SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("member", "school", "done_on", "days", "description")
    list_filter = ("member__participation__programme_year__local_authority",)
    list_select_related = ("member__participation__school",)
    search_fields = (
        "member__full_name",
        "member__participation__school__urn__exact",
        "member__participation__school__name",
        "description",
    )
    autocomplete_fields = ("member",)
    date_hierarchy = "done_on"

    @admin.display(description="school", ordering="member__participation__school__name")
    def school(self, obj):
        return obj.member.participation.school


class AttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    fields = ("member", "consultant", "is_present")
    autocomplete_fields = ("member", "consultant")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "consultant")


@admin.register(TrainingEvent)
class TrainingEventAdmin(SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("session", "held_on", "venue", "capacity", "programme_year")
    list_filter = ("programme_year__local_authority", "programme_year__name", "session")
    list_select_related = ("programme_year__local_authority",)
    search_fields = ("venue", "programme_year__name", "programme_year__local_authority__name")
    autocomplete_fields = ("programme_year",)
    date_hierarchy = "held_on"
    inlines = (AttendanceInline,)


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("event", "member", "consultant", "is_present")
    list_filter = ("event__programme_year__local_authority", "event__session", "is_present")
    list_select_related = ("event", "member", "consultant")
    search_fields = (
        "member__full_name",
        "member__participation__school__name",
        "consultant__full_name",
        "event__venue",
    )
    autocomplete_fields = ("event", "member", "consultant")


@admin.register(SchoolVisit)
class SchoolVisitAdmin(ArchivableAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("participation", "visited_on", "host_school", "days", "is_outside_locality")
    list_filter = (
        "participation__programme_year__local_authority",
        "participation__programme_year__name",
        "is_outside_locality",
    )
    list_select_related = (
        "participation__school",
        "participation__programme_year",
        "host_school",
    )
    search_fields = (*PARTICIPATION_SEARCH_FIELDS, "host_school__name")
    autocomplete_fields = ("participation", "host_school", "members")
    date_hierarchy = "visited_on"


class PriorityInline(admin.TabularInline):
    model = PlanPriority
    extra = 0
    fields = ("position", "area", "title")
    show_change_link = True


class ReviewInline(admin.TabularInline):
    model = PlanReview
    extra = 0
    fields = ("reviewed_on", "progress", "notes", "reviewed_by")
    autocomplete_fields = ("reviewed_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewed_by")


@admin.register(ActionPlan)
class ActionPlanAdmin(NoDeleteAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("participation", "created_at", "updated_at")
    list_filter = (
        "participation__programme_year__local_authority",
        "participation__programme_year__name",
    )
    list_select_related = ("participation__school", "participation__programme_year")
    search_fields = PARTICIPATION_SEARCH_FIELDS
    autocomplete_fields = ("participation",)
    readonly_fields = ("created_at", "updated_at")
    ordering = ("participation__school__name", "-participation__programme_year__starts_on")
    inlines = (PriorityInline, ReviewInline)


class SuccessCriterionInline(admin.TabularInline):
    model = SuccessCriterion
    extra = 0
    fields = ("description", "measure", "baseline", "target_value", "target_on")


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ("description", "owner", "due_on", "status")
    autocomplete_fields = ("owner",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")


PLAN_PATH = "priority__plan__participation"


@admin.register(PlanPriority)
class PlanPriorityAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("title", "area", "school", "position")
    list_filter = ("plan__participation__programme_year__local_authority", "area")
    list_select_related = ("plan__participation__school",)
    search_fields = (
        "title",
        "plan__participation__school__urn__exact",
        "plan__participation__school__name",
    )
    autocomplete_fields = ("plan",)
    inlines = (SuccessCriterionInline, ActionInline)

    @admin.display(description="school", ordering="plan__participation__school__name")
    def school(self, obj):
        return obj.plan.participation.school


class PriorityRecordAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    """What the admins of a priority's criteria and actions share: search by the school or the
    text, filter by the LEA and the priority's area."""

    list_filter = (f"{PLAN_PATH}__programme_year__local_authority", "priority__area")
    list_select_related = (f"{PLAN_PATH}__school",)
    search_fields = (f"{PLAN_PATH}__school__urn__exact", f"{PLAN_PATH}__school__name")
    autocomplete_fields = ("priority",)

    @admin.display(description="school", ordering=f"{PLAN_PATH}__school__name")
    def school(self, obj):
        return obj.priority.plan.participation.school


@admin.register(SuccessCriterion)
class SuccessCriterionAdmin(PriorityRecordAdmin):
    list_display = (
        "description",
        "school",
        "measure",
        "baseline",
        "target_value",
        "target_on",
        "is_quantified",
    )
    search_fields = (*PriorityRecordAdmin.search_fields, "description", "measure")

    @admin.display(description="quantified", boolean=True)
    def is_quantified(self, obj):
        return obj.is_quantified


@admin.register(Action)
class ActionAdmin(PriorityRecordAdmin):
    list_display = ("description", "school", "owner", "due_on", "status")
    list_filter = (*PriorityRecordAdmin.list_filter, "status")
    list_select_related = (*PriorityRecordAdmin.list_select_related, "owner")
    search_fields = (*PriorityRecordAdmin.search_fields, "description")
    autocomplete_fields = ("priority", "owner")
    date_hierarchy = "due_on"


@admin.register(PlanReview)
class PlanReviewAdmin(SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ("plan", "reviewed_on", "progress", "reviewed_by")
    list_filter = ("plan__participation__programme_year__local_authority", "progress")
    list_select_related = (
        "plan__participation__school",
        "plan__participation__programme_year",
        "reviewed_by",
    )
    search_fields = ("plan__participation__school__urn__exact", "plan__participation__school__name")
    autocomplete_fields = ("plan", "reviewed_by")
    date_hierarchy = "reviewed_on"


class SchoolNoteRecordAdmin(SelectRelatedMixin, admin.ModelAdmin):
    """What the admins of notes and concerns share: search by the school's exact URN or part of
    its name, filter by its LEA."""

    list_filter = ("school__local_authority",)
    search_fields = ("school__urn__exact", "school__name")


@admin.register(Note)
class NoteAdmin(SchoolNoteRecordAdmin):
    list_display = ("school", "short_text", "author", "created_at")
    list_select_related = ("school", "author")
    search_fields = (*SchoolNoteRecordAdmin.search_fields, "text")
    autocomplete_fields = ("school", "author")
    readonly_fields = ("created_at",)

    @admin.display(description="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(80)


class EscalationInline(admin.TabularInline):
    model = ConcernEscalation
    extra = 0
    fields = ("to_level", "note", "letter", "escalated_by", "escalated_at")
    readonly_fields = ("escalated_at",)
    autocomplete_fields = ("escalated_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("escalated_by")


@admin.register(Concern)
class ConcernAdmin(SchoolNoteRecordAdmin):
    list_display = ("school", "severity", "level", "raised_by", "raised_at")
    list_filter = (*SchoolNoteRecordAdmin.list_filter, "severity", "level")
    list_select_related = ("school", "raised_by")
    search_fields = (*SchoolNoteRecordAdmin.search_fields, "summary")
    autocomplete_fields = ("school", "raised_by")
    readonly_fields = ("raised_at",)
    inlines = (EscalationInline,)


@admin.register(ConcernEscalation)
class ConcernEscalationAdmin(SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("concern", "to_level", "escalated_by", "escalated_at")
    list_filter = ("concern__school__local_authority", "to_level")
    list_select_related = ("concern__school", "escalated_by")
    search_fields = ("concern__school__urn__exact", "concern__school__name", "note")
    autocomplete_fields = ("concern", "escalated_by")
    readonly_fields = ("escalated_at",)


@admin.register(GoodPractice)
class GoodPracticeAdmin(SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("title", "participation", "written_by", "written_at")
    list_filter = (
        "participation__programme_year__local_authority",
        "participation__programme_year__name",
    )
    list_select_related = (
        "participation__school",
        "participation__programme_year",
        "written_by",
    )
    search_fields = ("title", *PARTICIPATION_SEARCH_FIELDS)
    autocomplete_fields = ("participation", "written_by")
    readonly_fields = ("written_at",)


@admin.register(Watch)
class WatchAdmin(SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("user", "school", "created_at")
    list_filter = ("school__local_authority",)
    list_select_related = ("user", "school")
    search_fields = ("user__email", "user__full_name", "school__urn__exact", "school__name")
    autocomplete_fields = ("user", "school")
    readonly_fields = ("created_at",)
