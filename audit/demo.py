"""The audit's part of the demo (`manage.py seed_audit_demo`, run by `seed_demo`): who did the
seeded changes, and who opened which school's performance data, so that the demo manager's
audit pages read like an LEA's.

Idempotent: the history rows without a user are given one once (none are left to give on a
second run), and the log of readings is written only for an LEA that has none yet.
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.demo import EMAIL_LOCAL_PARTS
from accounts.models import Role, User
from consultants.models import AgreedAction, Visit
from leadership.models import Participation, ProgrammeYear
from schools.models import LocalAuthority, PerformanceDataView, PerformancePage, School

from .selectors import TRACKED, AuditFilters, _scope_q


@dataclass(frozen=True)
class SeededAudit:
    lea: LocalAuthority
    attributed: int
    readings: int


def _demo_users(lea: LocalAuthority) -> dict[str, User]:
    domain = f"{lea.name.lower()}.example.org"
    emails = {role: f"{part}@{domain}" for role, part in EMAIL_LOCAL_PARTS.items()}
    found = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    return {role: found[email] for role, email in emails.items() if email in found}


def _attribute(lea: LocalAuthority, manager: User) -> int:
    """Give the seeded history rows of `lea` that have no user the person who would have made
    the change: a visit and its actions the PSCL who logged it, the rest the strategy manager."""
    filters = AuditFilters(local_authority=lea)
    count = 0
    for tracked in TRACKED:
        rows = tracked.model.history.filter(_scope_q(tracked, filters), history_user__isnull=True)
        if tracked.model is Visit:
            author = Visit.objects.filter(pk=OuterRef("id")).values("created_by")[:1]
            count += rows.update(history_user_id=Subquery(author))
        elif tracked.model is AgreedAction:
            author = Visit.objects.filter(pk=OuterRef("visit_id")).values("created_by")[:1]
            count += rows.update(history_user_id=Subquery(author))
        else:
            count += rows.update(history_user=manager)
    return count


def _readings(lea: LocalAuthority, users: dict[str, User]) -> list[PerformanceDataView]:
    """A fortnight of readings: the manager's selection and school pages, the headteacher's and
    the governor's own school, the PSCL's and the link adviser's schools."""
    now = timezone.now()
    schools = list(School.objects.filter(local_authority=lea).order_by("name")[:6])
    year = ProgrammeYear.objects.filter(local_authority=lea).order_by("-starts_on").first()
    participation = (
        Participation.objects.filter(programme_year=year).select_related("school").first()
        if year
        else None
    )
    plan: list[tuple[str, int, PerformancePage, School | None]] = [
        (Role.MANAGER, 13 * 24 + 2, PerformancePage.SELECTION, None),
        (Role.MANAGER, 12 * 24 + 5, PerformancePage.SCHOOL_LIST, None),
        (Role.MANAGER, 9 * 24 + 1, PerformancePage.SCHOOL_EXPORT, None),
        (Role.LINK_ADVISER, 6 * 24 + 3, PerformancePage.SCHOOL_LIST, None),
    ]
    for index, school in enumerate(schools):
        plan.append((Role.MANAGER, (11 - index) * 24 + 4, PerformancePage.SCHOOL_DETAIL, school))
        plan.append(
            (Role.LINK_ADVISER, (8 - index) * 24 + 6, PerformancePage.SCHOOL_DETAIL, school)
        )
    head = users.get(Role.HEADTEACHER)
    if head is not None and head.school_id:
        for hours in (10 * 24, 4 * 24 + 2, 20):
            plan.append((Role.HEADTEACHER, hours, PerformancePage.SCHOOL_DETAIL, head.school))
        plan.append((Role.GOVERNOR, 3 * 24 + 7, PerformancePage.SCHOOL_DETAIL, head.school))
    pscl = users.get(Role.CONSULTANT)
    if pscl is not None:
        for school in School.objects.visible_to(pscl).order_by("name")[:3]:
            plan.append((Role.CONSULTANT, 5 * 24 + 8, PerformancePage.SCHOOL_DETAIL, school))
    if participation is not None:
        plan.append(
            (
                Role.MANAGER,
                2 * 24 + 3,
                PerformancePage.PARTICIPATION_JUDGEMENT,
                participation.school,
            )
        )
    plan.append((Role.MANAGER, 26, PerformancePage.API_SCHOOL_LIST, None))
    return [
        PerformanceDataView(
            user=users[role],
            viewed_at=now - datetime.timedelta(hours=hours),
            page=page,
            school=school,
            local_authority=lea,
        )
        for role, hours, page, school in plan
        if role in users
    ]


def seed_audit() -> list[SeededAudit]:
    """Attribute the demo LEAs' seeded history and write their log of readings (once)."""
    seeded = []
    for lea in LocalAuthority.objects.order_by("name"):
        users = _demo_users(lea)
        manager = users.get(Role.MANAGER)
        if manager is None:
            continue
        attributed = _attribute(lea, manager)
        readings = 0
        if not PerformanceDataView.objects.filter(local_authority=lea).exists():
            readings = len(PerformanceDataView.objects.bulk_create(_readings(lea, users)))
        seeded.append(SeededAudit(lea=lea, attributed=attributed, readings=readings))
    return seeded
