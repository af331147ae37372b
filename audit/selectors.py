"""Reads of the audit pages: the change history of the programme's records and the log of who
opened confidential data, for the user's LEA (docs/decisions/013-audit.md).

Change history. Each audited model keeps its own django-simple-history table. A page of the
history is one UNION ALL of those tables (each filtered, only the columns that order them), so
the database orders and slices: a count and a page, whatever the number of records. The page's
records are then read table by table (each with its previous version, for the diff), and their
school found through the parents' history tables, a fixed number of queries in all.

The LEA of a record is found through its parents' history tables down to the participation's
school, never through the live rows: a deleted priority's criteria, or a cancelled visit's
actions, stay in their LEA's history after their parents have gone.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst

from accounts.models import Role, User
from consultants.models import (
    Adviser,
    AgreedAction,
    Allocation,
    Visit,
)
from consultants.models.visits import SHARED_STATUSES
from funding.models import CoverClaim, ExpenditureReturn, Grant, OtherSpending, Payment
from leadership.models import (
    Action,
    ActionPlan,
    LeadershipTeamMember,
    Participation,
    PlanPriority,
    PlanReview,
    ProgrammeYear,
    SuccessCriterion,
)
from reports.models import ReportAccess
from schools.models import LocalAuthority, PerformanceDataView, School

#: Rows a page of either audit list shows.
PER_PAGE = 50
#: The longest text value a change shows before it is cut short.
VALUE_CHARS = 200

CREATED, CHANGED, DELETED = "+", "~", "-"


@dataclass(frozen=True)
class Tracked:
    """One audited model: its kind (the filter's value and the label), the foreign key that
    leads to its parent (none for the participation, which names its school), and a short
    title read from its own fields (no query)."""

    kind: str
    label: str
    model: type[Model]
    parent: str | None
    title: Callable[[Any], str] = lambda record: ""

    @property
    def parent_model(self) -> type[Model] | None:
        if self.parent is None:
            return None
        return self.model._meta.get_field(self.parent).related_model


def _money(value) -> str:
    return f"GBP {value:,.2f}" if value is not None else ""


#: The models whose every change the audit shows (issue 8, item 7), in the filter's order.
TRACKED: tuple[Tracked, ...] = (
    Tracked("participation", "Participation", Participation, None,
            lambda r: r.get_status_display()),
    Tracked("allocation", "PSCL allocation", Allocation, "participation",
            lambda r: f"{r.planned_days} days, {r.get_status_display().lower()}"),
    Tracked("visit", "Visit", Visit, "allocation",
            lambda r: f"{r.get_status_display()} visit on {date_format(r.visit_on, 'j F Y')}"),
    Tracked("agreed_action", "Agreed action", AgreedAction, "visit",
            lambda r: Truncator(r.what).chars(80)),
    Tracked("action_plan", "Action plan", ActionPlan, "participation"),
    Tracked("plan_priority", "Plan priority", PlanPriority, "plan", lambda r: r.title),
    Tracked("success_criterion", "Success criterion", SuccessCriterion, "priority",
            lambda r: r.description),
    Tracked("plan_action", "Plan action", Action, "priority", lambda r: r.description),
    Tracked("plan_review", "Plan review", PlanReview, "plan",
            lambda r: f"Review of {date_format(r.reviewed_on, 'j F Y')}"),
    Tracked("grant", "Grant", Grant, "participation", lambda r: _money(r.total)),
    Tracked("payment", "Payment", Payment, "participation",
            lambda r: f"{r.get_kind_display()}, {_money(r.amount)}"),
    Tracked("expenditure_return", "Expenditure return", ExpenditureReturn, "participation",
            lambda r: r.get_status_display()),
    Tracked("cover_claim", "Cover claim", CoverClaim, "expenditure_return",
            lambda r: f"{r.days} cover days"),
    Tracked("other_spending", "Other spending", OtherSpending, "expenditure_return",
            lambda r: Truncator(r.description).chars(80)),
)  # fmt: skip
BY_KIND = {tracked.kind: tracked for tracked in TRACKED}
BY_MODEL = {tracked.model: tracked for tracked in TRACKED}
#: The parents, children before their parents: the order in which a page's records climb to
#: their participation.
CLIMB_ORDER = (Visit, PlanPriority, ExpenditureReturn, Allocation, ActionPlan)
#: How a foreign key's value is named in a change (a column of the row it points to).
FK_NAMES = {
    User: "full_name",
    LeadershipTeamMember: "full_name",
    Adviser: "full_name",
    School: "name",
    ProgrammeYear: "name",
}


def kind_choices() -> list[tuple[str, str]]:
    return [(tracked.kind, tracked.label) for tracked in TRACKED]


# Scope -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What a list is narrowed to. `local_authority` is the manager's own LEA (or the admin's
    choice; none: every LEA, for admins only); `school` a school already checked to be in
    scope; `people` the users whose changes or readings are shown (none: everyone)."""

    local_authority: LocalAuthority | None = None
    school: School | None = None
    kind: str = ""
    people: QuerySet | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def audit_local_authority(user) -> LocalAuthority | None:
    """The LEA whose audit `user` reads: a manager's own; none for an admin (every LEA)."""
    return None if user.is_admin else user.local_authority


def may_read_audit(user) -> bool:
    """Strategy managers (their LEA) and admins read the audit; nobody else."""
    return user.is_authenticated and user.is_active and user.role in (Role.ADMIN, Role.MANAGER)


def people_matching(user, text: str) -> QuerySet:
    """The users whose name or email contains `text`, among those `user` may see and the
    admins (whose changes an LEA's history also shows)."""
    visible = User.objects.visible_to(user) | User.objects.filter(role=Role.ADMIN)
    return visible.filter(Q(full_name__icontains=text) | Q(email__icontains=text)).values("pk")


def _schools_q(filters: AuditFilters) -> Q:
    """The condition on a participation's history row (which names its school)."""
    if filters.school is not None:
        return Q(school_id=filters.school.pk)
    if filters.local_authority is not None:
        return Q(school__local_authority_id=filters.local_authority.pk)
    return Q()


def _scope_q(tracked: Tracked, filters: AuditFilters) -> Q:
    """The condition on `tracked`'s history rows for the school or LEA of `filters`: the
    object's parent (by id) was, at some time, a parent in scope, up to the participation."""
    if filters.school is None and filters.local_authority is None:
        return Q()
    if tracked.parent is None:
        return _schools_q(filters)
    parent = BY_MODEL[tracked.parent_model]
    parent_ids = parent.model.history.filter(_scope_q(parent, filters)).values("id")
    return Q(**{f"{tracked.parent}_id__in": parent_ids})


def _history_rows(tracked: Tracked, filters: AuditFilters) -> QuerySet:
    rows = tracked.model.history.filter(_scope_q(tracked, filters))
    if filters.people is not None:
        rows = rows.filter(history_user_id__in=filters.people)
    if filters.date_from is not None:
        rows = rows.filter(history_date__date__gte=filters.date_from)
    if filters.date_to is not None:
        rows = rows.filter(history_date__date__lte=filters.date_to)
    return rows


def change_index(filters: AuditFilters) -> QuerySet:
    """Every history record of the audited models within `filters`, newest first, as
    (history_date, history_id, kind): one UNION ALL that a paginator counts and slices."""
    chosen = [BY_KIND[filters.kind]] if filters.kind else list(TRACKED)
    parts = [
        _history_rows(tracked, filters)
        .order_by()
        .annotate(record_kind=Value(tracked.kind, output_field=CharField()))
        .values_list("history_date", "history_id", "record_kind")
        for tracked in chosen
    ]
    first, *others = parts
    index = first.union(*others, all=True) if others else first
    return index.order_by("-history_date", "-history_id")


# A page of changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ChangeRow:
    """One history record as the page shows it."""

    at: datetime.datetime
    who: str
    kind_label: str
    title: str
    history_type: str
    school: School | None = None
    url: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    is_withheld: bool = False

    @property
    def action(self) -> str:
        return {CREATED: "Created", CHANGED: "Changed", DELETED: "Deleted"}[self.history_type]


def _records_of_page(index_rows: Iterable[tuple]) -> list[tuple[Tracked, Any]]:
    """The page's history records, each with its previous version as `previous` (or None), in
    the page's order: two queries per kind of record on the page."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for _at, history_id, kind in index_rows:
        ids_by_kind[kind].append(history_id)
    loaded: dict[tuple[str, int], Any] = {}
    for kind, ids in ids_by_kind.items():
        history = BY_KIND[kind].model.history
        previous_id = (
            history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        records = list(
            history.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(previous_id))
        )
        previous_ids = [r.previous_id for r in records if r.previous_id is not None]
        previous = history.filter(history_id__in=previous_ids).in_bulk()
        for record in records:
            record.previous = previous.get(record.previous_id)
            loaded[(kind, record.history_id)] = record
    return [
        (BY_KIND[kind], loaded[(kind, history_id)])
        for _at, history_id, kind in index_rows
        if (kind, history_id) in loaded
    ]


@dataclass
class _Places:
    """Where each of a page's records belongs: its participation (and so school), and which
    of the pages its link could open still exist."""

    participation_of: dict[tuple[type[Model], int], int | None]
    school_of_participation: dict[int, int]
    schools: dict[int, School]
    live_participations: set[int]
    live_allocations: set[int]
    visit_status: dict[int, str]

    def participation(self, tracked: Tracked, record) -> int | None:
        if tracked.parent is None:
            return record.id
        return self.participation_of.get(
            (tracked.parent_model, getattr(record, f"{tracked.parent}_id"))
        )

    def school(self, participation_id: int | None) -> School | None:
        return self.schools.get(self.school_of_participation.get(participation_id))


def _places(records: list[tuple[Tracked, Any]]) -> _Places:
    """Climb from the page's records to their participations and schools through the parents'
    history tables: a query per kind of parent, whatever the number of records."""
    parent_of: dict[type[Model], dict[int, int]] = defaultdict(dict)
    needed: dict[type[Model], set[int]] = defaultdict(set)
    for tracked, record in records:
        if tracked.parent is None:
            needed[Participation].add(record.id)
        else:
            needed[tracked.parent_model].add(getattr(record, f"{tracked.parent}_id"))
    for model in CLIMB_ORDER:
        if not needed[model]:
            continue
        tracked = BY_MODEL[model]
        pairs = (
            model.history.filter(id__in=needed[model])
            .order_by()
            .values_list("id", f"{tracked.parent}_id")
            .distinct()
        )
        for object_id, parent_id in pairs:
            parent_of[model][object_id] = parent_id
            needed[tracked.parent_model].add(parent_id)

    def participation_of(model, object_id):
        while model is not Participation and object_id is not None:
            object_id = parent_of[model].get(object_id)
            model = BY_MODEL[model].parent_model
        return object_id

    participation_of_parent = {
        (model, object_id): participation_of(model, object_id)
        for model, object_ids in needed.items()
        for object_id in object_ids
    }
    participation_ids = needed[Participation] | {
        pk for pk in participation_of_parent.values() if pk is not None
    }
    school_of_participation = dict(
        Participation.history.filter(id__in=participation_ids)
        .order_by()
        .values_list("id", "school_id")
        .distinct()
    )
    schools = School.objects.only("pk", "urn", "name").in_bulk(
        set(school_of_participation.values())
    )
    return _Places(
        participation_of=participation_of_parent,
        school_of_participation=school_of_participation,
        schools=schools,
        live_participations=set(
            Participation.objects.filter(pk__in=participation_ids).values_list("pk", flat=True)
        ),
        live_allocations=set(
            Allocation.objects.filter(pk__in=needed[Allocation]).values_list("pk", flat=True)
        ),
        visit_status=dict(
            Visit.objects.filter(
                pk__in=needed[Visit] | {r.id for t, r in records if t.model is Visit}
            ).values_list("pk", "status")
        ),
    )


def _url(tracked: Tracked, record, places: _Places, user) -> str:
    """The page of the record's object, when it still exists and the user may open it."""
    participation_id = places.participation(tracked, record)
    live = participation_id in places.live_participations
    model = tracked.model
    if model in (Visit, AgreedAction):
        visit_id = record.id if model is Visit else record.visit_id
        status = places.visit_status.get(visit_id)
        if status is not None and (user.is_admin or status in SHARED_STATUSES):
            return reverse("consultants:visit_detail", args=[visit_id])
        return ""
    if not live:
        return ""
    if model is Allocation and record.id in places.live_allocations:
        return reverse("consultants:allocation_detail", args=[record.id])
    if model in (ActionPlan, PlanPriority, SuccessCriterion, Action, PlanReview):
        return reverse("leadership:plan", args=[participation_id])
    if model is Grant:
        return reverse("funding:grant_detail", args=[participation_id])
    if model in (ExpenditureReturn, CoverClaim, OtherSpending):
        return reverse("funding:return_detail", args=[participation_id])
    if model is Payment:
        school = places.school(participation_id)
        return reverse("funding:school_money", args=[school.urn]) if school else ""
    return reverse("leadership:participation_detail", args=[participation_id])


def _is_withheld(tracked: Tracked, record, places: _Places, user) -> bool:
    """A PSCL's draft visit note is theirs until submitted (docs/decisions/006): its values,
    and those of the actions of a visit others may not read, are not shown to a manager."""
    if user.is_admin:
        return False
    if tracked.model is Visit:
        versions = [record, record.previous] if record.previous else [record]
        return any(version.status not in SHARED_STATUSES for version in versions)
    if tracked.model is AgreedAction:
        return places.visit_status.get(record.visit_id) not in SHARED_STATUSES
    return False


def _plain(model: type[Model], name: str, value, fk_names: dict) -> str:
    if value is None or value == "":
        return "(none)"
    model_field = model._meta.get_field(name)
    if model_field.many_to_one:
        return fk_names.get((model_field.related_model, value), f"record {value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(value, "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return Truncator(str(value)).chars(VALUE_CHARS)


def _fk_names(deltas: Iterable[tuple[type[Model], Any]]) -> dict:
    """The names of the rows the page's changed foreign keys point to: a query per kind of
    row named (`FK_NAMES`), whatever the number of changes."""
    wanted: dict[type[Model], set] = defaultdict(set)
    for model, delta in deltas:
        for change in delta.changes:
            model_field = model._meta.get_field(change.field)
            if model_field.many_to_one and model_field.related_model in FK_NAMES:
                wanted[model_field.related_model].update(
                    v for v in (change.old, change.new) if v is not None
                )
    names = {}
    for related, pks in wanted.items():
        for pk, name in related._default_manager.filter(pk__in=pks).values_list(
            "pk", FK_NAMES[related]
        ):
            names[(related, pk)] = name
    return names


def change_rows(index_rows: Iterable[tuple], *, user) -> list[ChangeRow]:
    """The page's rows: when, who, what (with its school and page), and the change: the
    fields changed with their old and new values (django-simple-history's `diff_against`)."""
    index_rows = list(index_rows)
    records = _records_of_page(index_rows)
    places = _places(records)
    deltas = {}
    for tracked, record in records:
        if record.history_type == CHANGED and record.previous is not None:
            deltas[(tracked.kind, record.history_id)] = record.diff_against(record.previous)
    fk_names = _fk_names(
        (BY_KIND[kind].model, delta) for (kind, _history_id), delta in deltas.items()
    )
    rows = []
    for tracked, record in records:
        participation_id = places.participation(tracked, record)
        withheld = _is_withheld(tracked, record, places, user)
        delta = deltas.get((tracked.kind, record.history_id))
        changes = []
        if delta is not None:
            for change in delta.changes:
                label = tracked.model._meta.get_field(change.field).verbose_name
                if withheld:
                    changes.append(FieldChange(capfirst(str(label)), "", ""))
                else:
                    changes.append(
                        FieldChange(
                            capfirst(str(label)),
                            _plain(tracked.model, change.field, change.old, fk_names),
                            _plain(tracked.model, change.field, change.new, fk_names),
                        )
                    )
        rows.append(
            ChangeRow(
                at=record.history_date,
                who=_person(record.history_user),
                kind_label=tracked.label,
                title="" if withheld else tracked.title(record),
                history_type=record.history_type,
                school=places.school(participation_id),
                url=_url(tracked, record, places, user),
                changes=changes,
                is_withheld=withheld,
            )
        )
    return rows


def _person(user) -> str:
    if user is None:
        return "The system (no signed-in user)"
    return user.full_name or user.email


# Who viewed what ---------------------------------------------------------------------------

PAGE_SOURCE, REPORT_SOURCE = "page", "report"


def _within(rows: QuerySet, filters: AuditFilters, *, at: str, school: str, lea: str):
    """`rows` (a log's) within `filters`; `at`, `school` and `lea` name the log's fields."""
    if filters.school is not None:
        rows = rows.filter(**{school: filters.school.pk})
    elif filters.local_authority is not None:
        rows = rows.filter(**{lea: filters.local_authority.pk})
    if filters.people is not None:
        rows = rows.filter(user_id__in=filters.people)
    if filters.date_from is not None:
        rows = rows.filter(**{f"{at}__date__gte": filters.date_from})
    if filters.date_to is not None:
        rows = rows.filter(**{f"{at}__date__lte": filters.date_to})
    return rows


def _view_rows(filters: AuditFilters) -> QuerySet:
    return _within(
        PerformanceDataView.objects.all(),
        filters,
        at="viewed_at",
        school="school_id",
        lea="local_authority_id",
    )


def _report_rows(filters: AuditFilters) -> QuerySet:
    return _within(
        ReportAccess.objects.all(),
        filters,
        at="at",
        school="run__school_id",
        lea="run__local_authority_id",
    )


def view_index(filters: AuditFilters) -> QuerySet:
    """Every opening of a page of confidential performance data and of a report within
    `filters`, newest first, as (at, id, source): one UNION ALL a paginator counts and
    slices."""
    pages = (
        _view_rows(filters)
        .order_by()
        .annotate(record_source=Value(PAGE_SOURCE, output_field=CharField()))
        .values_list("viewed_at", "id", "record_source")
    )
    reports = (
        _report_rows(filters)
        .order_by()
        .annotate(record_source=Value(REPORT_SOURCE, output_field=CharField()))
        .values_list("at", "id", "record_source")
    )
    return pages.union(reports, all=True).order_by("-viewed_at", "-id")


@dataclass(frozen=True)
class ViewRow:
    at: datetime.datetime
    who: str
    what: str
    how: str
    school: School | None
    local_authority: LocalAuthority | None
    url: str = ""


def view_rows(index_rows: Iterable[tuple]) -> list[ViewRow]:
    """The page's readings: two queries, whatever the number."""
    index_rows = list(index_rows)
    page_ids = [pk for _at, pk, source in index_rows if source == PAGE_SOURCE]
    report_ids = [pk for _at, pk, source in index_rows if source == REPORT_SOURCE]
    views = (
        PerformanceDataView.objects.select_related("user", "school", "local_authority").in_bulk(
            page_ids
        )
        if page_ids
        else {}
    )
    accesses = (
        ReportAccess.objects.select_related("user", "run__school", "run__local_authority").in_bulk(
            report_ids
        )
        if report_ids
        else {}
    )
    rows = []
    for _at, pk, source in index_rows:
        if source == PAGE_SOURCE and pk in views:
            view = views[pk]
            rows.append(
                ViewRow(
                    at=view.viewed_at,
                    who=_person(view.user),
                    what=view.get_page_display(),
                    how="Opened",
                    school=view.school,
                    local_authority=view.local_authority,
                    url=reverse("schools:detail", args=[view.school.urn]) if view.school else "",
                )
            )
        elif source == REPORT_SOURCE and pk in accesses:
            access = accesses[pk]
            run = access.run
            rows.append(
                ViewRow(
                    at=access.at,
                    who=_person(access.user),
                    what=str(run),
                    how=access.get_format_display(),
                    school=run.school,
                    local_authority=run.local_authority,
                    url=reverse("reports:run_detail", args=[run.pk]),
                )
            )
    return rows
