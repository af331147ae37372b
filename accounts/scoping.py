"""The one place that turns a user into the rows they may see.

Every model's `visible_to(user)` QuerySet method calls `scope_to_schools` with the path from that
model to its school (or `scope_to_lea` with the path to its LEA). Views load objects only through
those methods, so an object outside the user's scope is simply not found: 404.

The scopes (DOMAIN.md: People):
- admin: every LEA;
- strategy manager and link adviser: their LEA;
- PSCL: only the schools allocated to them now. Allocations belong to the consultants app, which
  registers the lookup with `register_consultant_schools` when it starts (this module never
  imports it); without one, a PSCL sees no school;
- headteacher and governor: their own school.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from .models import Role

#: `(user) -> QuerySet of school ids` allocated to a PSCL; set by the consultants app.
_consultant_schools: Callable[[object], QuerySet] | None = None


def register_consultant_schools(lookup: Callable[[object], QuerySet]) -> None:
    """Set the lookup of the school ids allocated to a PSCL (one subquery, no evaluation)."""
    global _consultant_schools
    _consultant_schools = lookup


def _path(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def scope_to_schools(queryset: QuerySet, user, *, school_path: str) -> QuerySet:
    """Limit `queryset` to rows whose school `user` may see.

    `school_path` is the lookup from the queryset's model to its school ("" for School itself,
    "school" for a model with a `school` foreign key).
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_admin:
        return queryset
    pk = _path(school_path, "pk") if school_path else "pk"
    if user.role in (Role.MANAGER, Role.LINK_ADVISER):
        return queryset.filter(
            **{_path(school_path, "local_authority_id"): user.local_authority_id}
        )
    if user.role in (Role.HEADTEACHER, Role.GOVERNOR):
        return queryset.filter(**{pk: user.school_id})
    if user.role == Role.CONSULTANT and _consultant_schools is not None:
        return queryset.filter(**{f"{pk}__in": _consultant_schools(user)})
    return queryset.none()


def sees_school(user, school) -> bool | None:
    """Whether `user` may see `school`, as `scope_to_schools` decides, answered from the
    school's own fields where the scope is one of them (every role but the PSCL); None for a
    PSCL, whose scope is their allocations: the caller asks `visible_to` (a query). For the
    rules (`leadership.rules.can_see`), which would otherwise query for every check."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.role in (Role.MANAGER, Role.LINK_ADVISER):
        return school.local_authority_id == user.local_authority_id
    if user.role in (Role.HEADTEACHER, Role.GOVERNOR):
        return school.pk == user.school_id
    if user.role == Role.CONSULTANT and _consultant_schools is not None:
        return None
    return False


def scope_to_lea(queryset: QuerySet, user, *, lea_path: str) -> QuerySet:
    """Limit `queryset` to rows of the LEA `user` belongs to (through their school for
    headteachers and governors). `lea_path` is "" for LocalAuthority itself."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_admin:
        return queryset
    pk = _path(lea_path, "pk") if lea_path else "pk"
    if user.is_lea_staff:
        return queryset.filter(**{pk: user.local_authority_id})
    if user.is_school_member:
        return queryset.filter(**{_path(lea_path, "schools"): user.school_id})
    return queryset.none()
