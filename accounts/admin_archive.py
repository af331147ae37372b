"""Admin rules for operational records (issue 8, data protection): they are never deleted in the
Django admin, neither one at a time nor by the bulk action; those that are `Archivable` are
archived and restored instead, with the change kept in their history.

Other operational records already have end states of their own (a participation withdrawn, an
allocation ended, a visit cancelled, a year closed), so refusing deletion loses nothing."""

from django.contrib import admin, messages


class NoDeleteAdminMixin:
    """Refuses deletion: no delete page, no "Delete selected" action."""

    def has_delete_permission(self, request, obj=None):
        return False


class ArchivedListFilter(admin.SimpleListFilter):
    title = "archived"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return (("no", "Current"), ("yes", "Archived"))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class ArchivableAdminMixin(NoDeleteAdminMixin):
    """No deletion; "Archive selected" and "Restore selected" actions, an "archived" filter and
    the archive fields shown read only."""

    actions = ("archive_selected", "restore_selected")

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), ArchivedListFilter)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "archived_at", "archived_by")

    @admin.action(description="Archive selected %(verbose_name_plural)s")
    def archive_selected(self, request, queryset):
        count = 0
        for obj in queryset.filter(archived_at__isnull=True):
            obj.archive(request.user)
            count += 1
        self.message_user(request, f"{count} archived.", messages.SUCCESS)

    @admin.action(description="Restore selected %(verbose_name_plural)s")
    def restore_selected(self, request, queryset):
        count = 0
        for obj in queryset.filter(archived_at__isnull=False):
            obj.restore(request.user)
            count += 1
        self.message_user(request, f"{count} restored.", messages.SUCCESS)
