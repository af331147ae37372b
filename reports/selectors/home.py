"""Reads for the home page: each role's headline figures, from the database, in the user's scope.

Every figure is counted through the models' `visible_to(user)`, so a home page can never show a
number that includes rows the user may not see. The number of queries does not grow with the
number of schools.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.db.models import Avg, Count, Max, OuterRef, Q, Subquery

from accounts import clock
from accounts.models import Role, User
from consultants.models import Allocation
from consultants.selectors.pages import (
    NewVisitNotes,
    OurPscl,
    new_visit_notes,
    our_pscl,
    pscl_home_allocations,
)
from funding.selectors.pages import OurGrant, PaymentTotals, our_grant, pscl_payment_totals
from leadership.models import Participation, ProgrammeYear
from leadership.selectors.programme import (
    ProgrammeYearFigures,
    current_participation,
    current_programme_years,
    programme_year_figures,
)
from schools.models import (
    SMALL_SCHOOL_MAX_PUPILS,
    VALUE_ADDED_AVERAGE,
    Inspection,
    KeyStage,
    KeyStageResult,
    LocalAuthority,
    OfstedCategory,
    School,
    ValueAdded,
)


@dataclass(frozen=True)
class RoleCount:
    role: str
    label: str
    count: int


@dataclass(frozen=True)
class AdminHomeFigures:
    """Every LEA with its number of schools, and the active accounts by role."""

    kind: ClassVar[str] = "admin"
    #: Each LEA carries `school_count`.
    local_authorities: list[LocalAuthority]
    users_by_role: list[RoleCount]

    @property
    def lea_count(self) -> int:
        return len(self.local_authorities)

    @property
    def school_count(self) -> int:
        return sum(lea.school_count for lea in self.local_authorities)

    @property
    def user_count(self) -> int:
        return sum(row.count for row in self.users_by_role)


@dataclass(frozen=True)
class OfstedCategoryCount:
    category: str
    label: str
    count: int


@dataclass(frozen=True)
class Ks2Averages:
    """The mean across schools of each school's % at the expected level, for one year."""

    year: int
    school_count: int
    english_percentage: Decimal | None
    maths_percentage: Decimal | None


@dataclass(frozen=True)
class LeaHomeFigures:
    """The schools of a strategy manager's or link adviser's LEA, counted the ways the school
    list filters them. Schools with no roll recorded are neither small nor large."""

    kind: ClassVar[str] = "lea"
    small_school_max_pupils: ClassVar[int] = SMALL_SCHOOL_MAX_PUPILS
    value_added_average: ClassVar[Decimal] = VALUE_ADDED_AVERAGE
    local_authority: LocalAuthority
    school_count: int
    small_school_count: int
    large_school_count: int
    below_average_value_added_count: int
    ofsted_categories: list[OfstedCategoryCount]
    #: None when no school of the LEA has KS2 results.
    latest_ks2: Ks2Averages | None
    #: The LEA's current programme year (the one under way, else the latest), None if none.
    programme: ProgrammeYearFigures | None = None
    #: For a link adviser: the visit notes of their schools submitted in the last two weeks.
    new_visit_notes: NewVisitNotes | None = None

    @property
    def in_ofsted_category_count(self) -> int:
        return sum(row.count for row in self.ofsted_categories)


@dataclass(frozen=True)
class ConsultantHomeFigures:
    """A PSCL's LEA and the schools allocated to them now, each with its days used and left and
    the next planned visit."""

    kind: ClassVar[str] = "consultant"
    local_authority: LocalAuthority
    #: The PSCL's current allocations, with `days_delivered` (and so `days_left`),
    #: `next_visit_on` and `next_visit_purpose` (see `pscl_home_allocations` in
    #: `consultants.selectors.pages`).
    allocations: list[Allocation]
    #: What the PSCL has been paid and has scheduled for their days.
    payments: PaymentTotals | None = None

    @property
    def schools(self) -> list[School]:
        return [allocation.participation.school for allocation in self.allocations]


@dataclass(frozen=True)
class SchoolHomeFigures:
    """A headteacher's or governor's own school and its latest results, value added and
    inspection (each None when the school has none)."""

    kind: ClassVar[str] = "school"
    value_added_average: ClassVar[Decimal] = VALUE_ADDED_AVERAGE
    school: School
    latest_ks2: KeyStageResult | None
    latest_value_added: ValueAdded | None
    latest_inspection: Inspection | None
    #: The school's participation in its LEA's current programme year, None if it has none.
    participation: Participation | None = None
    #: For the headteacher: the school's PSCL this year, None if it has none.
    our_pscl: OurPscl | None = None
    #: For the headteacher and governors: this year's grant, paid so far and the return.
    our_grant: OurGrant | None = None


HomeFigures = AdminHomeFigures | LeaHomeFigures | ConsultantHomeFigures | SchoolHomeFigures


def home_figures(user: User, *, today: datetime.date | None = None) -> HomeFigures:
    """The headline figures for `user`'s home page, chosen by their role and limited to what
    they may see. The programme year shown is the one under way on `today` (by default the
    local date), else the latest."""
    today = today or clock.today()
    if user.role == Role.ADMIN:
        return _admin_figures(user)
    if user.role in (Role.MANAGER, Role.LINK_ADVISER):
        return _lea_figures(user, today=today)
    if user.role == Role.CONSULTANT:
        return ConsultantHomeFigures(
            local_authority=user.local_authority,
            allocations=pscl_home_allocations(user=user, today=today),
            payments=pscl_payment_totals(user=user),
        )
    return _school_figures(user, today=today)


def _admin_figures(user: User) -> AdminHomeFigures:
    local_authorities = list(
        LocalAuthority.objects.visible_to(user)
        .annotate(school_count=Count("schools"))
        .order_by("name")
    )
    counts = dict(
        User.objects.visible_to(user)
        .filter(is_active=True)
        .order_by()
        .values_list("role")
        .annotate(count=Count("pk"))
    )
    return AdminHomeFigures(
        local_authorities=local_authorities,
        users_by_role=[RoleCount(role, role.label, counts.get(role, 0)) for role in Role],
    )


def _lea_figures(user: User, *, today: datetime.date) -> LeaHomeFigures:
    # The LEA and the id of its current programme year in one query.
    current_year = current_programme_years(today=today).filter(local_authority=OuterRef("pk"))
    lea = LocalAuthority.objects.annotate(
        current_programme_year_id=Subquery(current_year.values("pk")[:1])
    ).get(pk=user.local_authority_id)
    programme = None
    if lea.current_programme_year_id is not None:
        year = ProgrammeYear.objects.get(pk=lea.current_programme_year_id)
        year.local_authority = lea
        programme = programme_year_figures(year)
    categories = [c for c in OfstedCategory if c != OfstedCategory.NONE]
    counts = School.objects.visible_to(user).aggregate(
        total=Count("pk"),
        small=Count("pk", filter=Q(number_on_roll__lte=SMALL_SCHOOL_MAX_PUPILS)),
        large=Count("pk", filter=Q(number_on_roll__gt=SMALL_SCHOOL_MAX_PUPILS)),
        below_average_value_added=Count("pk", filter=Q(latest_value_added__lt=VALUE_ADDED_AVERAGE)),
        **{c.value: Count("pk", filter=Q(ofsted_category=c)) for c in categories},
    )
    return LeaHomeFigures(
        local_authority=lea,
        school_count=counts["total"],
        small_school_count=counts["small"],
        large_school_count=counts["large"],
        below_average_value_added_count=counts["below_average_value_added"],
        ofsted_categories=[OfstedCategoryCount(c, c.label, counts[c.value]) for c in categories],
        latest_ks2=_latest_ks2_averages(user),
        programme=programme,
        new_visit_notes=(
            new_visit_notes(user=user, today=today) if user.role == Role.LINK_ADVISER else None
        ),
    )


def _latest_ks2_averages(user: User) -> Ks2Averages | None:
    """The averages for the latest year in which any school in scope has a KS2 figure."""
    results = KeyStageResult.objects.visible_to(user).filter(
        Q(english_percentage__isnull=False) | Q(maths_percentage__isnull=False),
        key_stage=KeyStage.KS2,
    )
    latest_year = results.order_by("-year").values("year")[:1]
    averages = results.filter(year=Subquery(latest_year)).aggregate(
        year=Max("year"),
        school_count=Count("school", distinct=True),
        english=Avg("english_percentage"),
        maths=Avg("maths_percentage"),
    )
    if averages["year"] is None:
        return None
    return Ks2Averages(
        year=averages["year"],
        school_count=averages["school_count"],
        english_percentage=averages["english"],
        maths_percentage=averages["maths"],
    )


def _school_figures(user: User, *, today: datetime.date) -> SchoolHomeFigures:
    school = School.objects.visible_to(user).select_related("local_authority").get()
    participation = current_participation(school=school, today=today)
    is_head = participation is not None and user.role == Role.HEADTEACHER
    return SchoolHomeFigures(
        school=school,
        latest_ks2=(
            KeyStageResult.objects.filter(school=school, key_stage=KeyStage.KS2)
            .order_by("-year")
            .first()
        ),
        latest_value_added=(
            ValueAdded.objects.filter(school=school, score__isnull=False).order_by("-year").first()
        ),
        latest_inspection=Inspection.objects.filter(school=school)
        .order_by("-inspected_on")
        .first(),
        participation=participation,
        our_pscl=(
            our_pscl(user=user, participation=participation, today=today) if is_head else None
        ),
        # Governors see the grant too: they make sure it furthers the programme (DOMAIN.md).
        our_grant=(
            our_grant(user=user, participation=participation) if participation is not None else None
        ),
    )
