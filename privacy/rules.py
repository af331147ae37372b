"""Who may use the data protection pages: admins and strategy managers (managers for the people
of their own LEA, through `User.objects.visible_to`)."""

import rules

from accounts.models import Role


@rules.predicate
def is_admin_or_manager(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role in (Role.ADMIN, Role.MANAGER)
    )


rules.add_perm("privacy.view_data_protection", is_admin_or_manager)
rules.add_perm("privacy.export_subject_access", is_admin_or_manager)
