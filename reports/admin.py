"""Django admin of the reports: runs and batches, the log of who opened each report, the
evaluation thresholds, and notifications with each user's preference. Administrators see every
LEA: no scoping here. The termly schedule itself is django-celery-beat's periodic tasks, which
that app's own admin edits.

An issued report never changes (DOMAIN.md: Monitoring and evaluation; issue 6, item 1): a run's
content, scope and outcome are shown read only, and asking again makes a new version through
the report pages, not here. The access log is a record, so it is read only too.
"""

from django.contrib import admin

from leadership.admin import SelectRelatedMixin

from .models import (
    EvaluationThresholds,
    Notification,
    NotificationPreference,
    ReportAccess,
    ReportBatch,
    ReportRun,
)


class ReadOnlyAdminMixin:
    """Shows rows that a service wrote or that record what happened, and changes none."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    """Every report run: what it covers, who asked, its status and, once done, its content;
    all read only (a run is written by `reports.services.runs` alone)."""

    list_display = (
        "__str__",
        "kind",
        "local_authority",
        "programme_year",
        "term",
        "school",
        "version",
        "status",
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "status", "local_authority", "term")
    list_select_related = ("local_authority", "programme_year", "school", "adviser")
    search_fields = ("title", "school__name", "school__urn__exact", "adviser__full_name", "error")
    date_hierarchy = "created_at"
    fields = (
        "kind",
        "local_authority",
        "programme_year",
        "term",
        "school",
        "adviser",
        "parameters",
        "requested_by",
        "batch",
        "idempotency_key",
        "scope_key",
        "version",
        "status",
        "error",
        "attempts",
        "title",
        "data_read_at",
        "pdf",
        "html",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields


class ReportRunInline(admin.TabularInline):
    model = ReportRun
    fields = ("school", "status", "version", "finished_at", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")


@admin.register(ReportBatch)
class ReportBatchAdmin(ReadOnlyAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    """Batches of governor reports with their runs: read only (started from the report pages
    or by the schedule)."""

    list_display = (
        "__str__",
        "local_authority",
        "programme_year",
        "term",
        "source",
        "total",
        "requested_by",
        "created_at",
    )
    list_filter = ("local_authority", "term", "source")
    list_select_related = ("local_authority", "programme_year", "requested_by")
    search_fields = ("programme_year__name", "local_authority__name")
    date_hierarchy = "created_at"
    fields = (
        "local_authority",
        "programme_year",
        "kind",
        "term",
        "source",
        "requested_by",
        "idempotency_key",
        "total",
        "created_at",
    )
    readonly_fields = fields
    inlines = (ReportRunInline,)


@admin.register(ReportAccess)
class ReportAccessAdmin(ReadOnlyAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    """Who read or downloaded which report, and when: the audit log, read only."""

    list_display = ("at", "user", "run", "format")
    list_filter = ("format", "run__kind", "run__local_authority")
    list_select_related = ("user", "run", "run__school")
    search_fields = ("user__email", "user__full_name", "run__title", "run__school__name")
    date_hierarchy = "at"
    fields = ("run", "user", "format", "at")
    readonly_fields = fields


@admin.register(EvaluationThresholds)
class EvaluationThresholdsAdmin(SelectRelatedMixin, admin.ModelAdmin):
    """The levels behind the evaluation report's suggested points for action, per programme
    year; strategy managers edit their own on the evaluation pages."""

    list_display = (
        "programme_year",
        "plans_quantified_min_percent",
        "days_delivered_min_percent",
        "grants_accounted_min_percent",
        "training_attendance_min_percent",
        "targets_lowered_max",
        "support_rating_min",
        "updated_at",
    )
    list_filter = ("programme_year__local_authority",)
    list_select_related = ("programme_year__local_authority", "updated_by")
    search_fields = ("programme_year__name", "programme_year__local_authority__name")
    autocomplete_fields = ("programme_year",)
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Notification)
class NotificationAdmin(SelectRelatedMixin, admin.ModelAdmin):
    """What each user was told and when it was sent: shown, not written (the notification
    services write them); an admin may delete one, for instance for a user who left."""

    list_display = ("subject", "user", "kind", "created_at", "sent_at", "in_digest")
    list_filter = ("kind", "in_digest", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("subject", "user__email", "user__full_name")
    date_hierarchy = "created_at"
    fields = (
        "user",
        "kind",
        "school",
        "run",
        "batch",
        "visit",
        "subject",
        "body",
        "url",
        "created_at",
        "sent_at",
        "in_digest",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SelectRelatedMixin, admin.ModelAdmin):
    """Each user's choice of an email at once or a weekly digest."""

    list_display = ("user", "frequency", "updated_at")
    list_filter = ("frequency",)
    list_select_related = ("user",)
    search_fields = ("user__email", "user__full_name")
    autocomplete_fields = ("user",)
    readonly_fields = ("updated_at",)
