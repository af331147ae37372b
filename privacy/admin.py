"""Django admin for data protection: the retention rules (the one place they are changed), the
retention runs and the subject-access log (both read only)."""

from django.contrib import admin

from .models import RetentionRule, RetentionRun, SubjectAccessRequest


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "keep_for", "unit", "updated_at")
    readonly_fields = ("updated_at",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "as_of", "is_dry_run", "finished_at", "counts")
    list_filter = ("is_dry_run",)


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ReadOnlyAdmin):
    list_display = ("subject_label", "requested_by", "requested_at")
    list_select_related = ("requested_by",)
    search_fields = ("subject_label", "requested_by__email")
