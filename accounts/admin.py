"""Django admin for accounts: every user of every LEA, for administrators (staff) only."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import ngettext

from .forms_admin import UserAdminChangeForm, UserAdminCreationForm
from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = (
        "email",
        "full_name",
        "role",
        "local_authority",
        "school",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = ("role", "is_active", "is_staff", "local_authority")
    list_select_related = ("local_authority", "school")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    autocomplete_fields = ("local_authority", "school")
    readonly_fields = ("last_login", "date_joined")
    actions = ("deactivate_users", "reset_two_factor")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title")}),
        (
            "Role and place",
            {
                "description": (
                    "Strategy managers, link advisers and PSCLs belong to an LEA; headteachers "
                    "and governors to a school; administrators to neither."
                ),
                "fields": ("role", "local_authority", "school"),
            },
        ),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": (
                    "Strategy managers, link advisers and PSCLs belong to an LEA; headteachers "
                    "and governors to a school; administrators to neither, and are made staff "
                    "and superusers."
                ),
                "fields": (
                    "email",
                    "full_name",
                    "job_title",
                    "role",
                    "local_authority",
                    "school",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.action(description="Deactivate selected users", permissions=["change"])
    def deactivate_users(self, request, queryset):
        """Stop the selected accounts from signing in; the administrator's own is kept."""
        own_selected = queryset.filter(pk=request.user.pk).exists()
        count = queryset.exclude(pk=request.user.pk).filter(is_active=True).update(is_active=False)
        self.message_user(
            request,
            ngettext("%d user deactivated.", "%d users deactivated.", count) % count,
            messages.SUCCESS,
        )
        if own_selected:
            self.message_user(request, "Your own account was left active.", messages.WARNING)

    @admin.action(
        description="Reset two-factor sign-in of selected users (lost phone)",
        permissions=["change"],
    )
    def reset_two_factor(self, request, queryset):
        """Remove the selected users' authenticator apps and recovery codes, as when a phone is
        lost: at their next sign-in a required role sets up a new app. Each reset is written to the
        user's admin history and to the security log."""
        from .security import log_event
        from .twofactor.services import two_factor_remove

        count = 0
        for user in queryset:
            if two_factor_remove(user=user):
                count += 1
                self.log_change(request, user, "Two-factor sign-in reset (devices removed).")
                log_event("otp.reset", request=request, target_user_id=user.pk)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %d user.",
                "Two-factor sign-in reset for %d users.",
                count,
            )
            % count,
            messages.SUCCESS,
        )
