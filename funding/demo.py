"""Demo data for the money, loaded by `manage.py seed_demo` after the consultant leaders
(`consultants.demo.seed_consultants`).

For each demo LEA and each of its two programme years:
- the funding rates: a supply day at the LEA's own rate (Northmoor GBP 150, Southvale GBP 140),
  a PSCL day at GBP 300, DOMAIN.md's other 2004-05 figures;
- the grant of every school holding a place, worked out by `grant_compute` (so the rule holds);
- the budget: last year ample; this year tight, so that accepting the last school took the
  commitment past it, which the strategy manager allowed with a recorded reason (an override);
- two grant instalments per school: last year both paid; this year the first paid in October
  (or a fortnight after a late acceptance) and the second scheduled for February;
- PSCL payments for submitted visits' days at the PSCL day rate: last year's paid, this year's
  autumn half-term scheduled;
- expenditure returns: last year approved for most schools, one queried (it put part of the
  grant into the general budget), one never submitted; this year none due yet but a draft for
  the demo headteacher's school, to carry on with. Each has cover claims per team member,
  travel, other spending and a supply invoice (a tiny valid PDF stored in MEDIA_ROOT).

Every row is found by its natural key and written only when it differs
(`accounts.demo.upsert`); no random draw is used, timestamps are fixed and evidence tokens derive
from the school and year, so seeding again changes nothing.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.demo import EMAIL_LOCAL_PARTS, upsert
from accounts.models import Role, User
from consultants.models import Allocation, VisitStatus
from leadership.demo import DEMO_TODAY, SeededProgramme
from leadership.models import MemberRole, Participation, ParticipationStatus, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES
from schools.demo import SeededLea

from .grants import money
from .models import (
    Budget,
    BudgetOverride,
    CoverClaim,
    ExpenditureReturn,
    FundingRates,
    Grant,
    OtherSpending,
    Payee,
    Payment,
    PaymentKind,
    PaymentStatus,
    ReturnEvidence,
    ReturnStatus,
    SpendingCategory,
)
from .services.grants import grant_compute

#: The daily supply-cover rate each demo LEA sets (DOMAIN.md: set by the LEA).
SUPPLY_RATES = {"991": Decimal("150.00"), "992": Decimal("140.00")}
PSCL_DAY_RATE = Decimal("300.00")

#: When each year's money arrived and the grants were worked out.
BUDGET_RECEIVED = {"2003-04": datetime.date(2003, 4, 1), "2004-05": datetime.date(2004, 4, 1)}
#: Last year's budget is the commitment with this much to spare (rounded up to GBP 1,000).
AMPLE_MARGIN = Decimal("1.10")
OVERRIDE_REASON = (
    "The last school accepted this year is one of the schools furthest from its targets; "
    "the reserve set aside for the KS2 results covers the difference. Agreed with the "
    "Director of Education."
)

#: Grant instalments: (due, paid) for last year; this year's first is paid in October.
PREVIOUS_INSTALMENTS = (
    (datetime.date(2003, 10, 1), datetime.date(2003, 10, 3)),
    (datetime.date(2004, 2, 2), datetime.date(2004, 2, 4)),
)
FIRST_DUE = datetime.date(2004, 10, 1)
PAID_AFTER = datetime.timedelta(days=4)
LATE_JOINER_DUE_AFTER = datetime.timedelta(days=14)
SECOND_DUE = datetime.date(2005, 2, 1)

#: PSCL payments: last year's, for the whole year, paid; this year's, for the autumn
#: half-term (to Friday 22 October 2004), scheduled.
PREVIOUS_PSCL_DUE = datetime.date(2004, 7, 16)
PREVIOUS_PSCL_PAID = datetime.date(2004, 7, 21)
HALF_TERM_ENDS = datetime.date(2004, 10, 22)
HALF_TERM_PSCL_DUE = datetime.date(2004, 12, 3)

#: Last year's returns: when the schools submitted and the manager decided.
RETURNS_SUBMITTED = datetime.date(2004, 7, 9)
RETURNS_DECIDED = datetime.date(2004, 7, 23)
QUERY_MESSAGE = (
    "GBP 400 of the grant went into the general supply budget. Say how the team's cover for "
    "the central sessions was paid for, and send the supply invoices."
)
GENERAL_BUDGET_SPENT = Decimal("400.00")
MATERIALS = (
    "Guided reading books for Year 2",
    "Mental maths resources for Key Stage 2",
    "Supply cover for a writing moderation afternoon",
)

#: The smallest file a PDF reader opens: one empty page.
EVIDENCE_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)
EVIDENCE_NAME = "supply-invoice.pdf"


@dataclass
class SeededFunding:
    """An LEA's money as seeded, for the command's summary."""

    lea: Any
    year_name: str = ""
    budget: Decimal = Decimal("0.00")
    committed: Decimal = Decimal("0.00")
    grants: int = 0
    overrides: int = 0
    payments: dict[str, int] = field(default_factory=dict)
    returns: dict[str, dict[str, int]] = field(default_factory=dict)


def seed_funding(
    *, seeded_leas: list[SeededLea], programmes: list[SeededProgramme]
) -> list[SeededFunding]:
    """Create or update each seeded LEA's rates, grants, budgets, payments and expenditure
    returns for last year and this.

    Needs the programme years (`seed_leadership`) and the consultant leaders' allocations and
    visits (`seed_consultants`). Deterministic; writes only what differs from the database.
    """
    by_lea = {programme.lea.pk: programme for programme in programmes}
    return [_seed_lea(seeded, by_lea[seeded.lea.pk]) for seeded in seeded_leas]


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


@dataclass
class _Lea:
    lea: Any
    demo_school: Any
    manager: User
    head: User


def _seed_lea(seeded: SeededLea, programme: SeededProgramme) -> SeededFunding:
    lea = seeded.lea
    domain = f"{lea.name.lower()}.example.org"
    people = {
        user.role: user
        for user in User.objects.filter(
            email__in=[
                f"{EMAIL_LOCAL_PARTS[role]}@{domain}" for role in (Role.MANAGER, Role.HEADTEACHER)
            ]
        )
    }
    context = _Lea(
        lea=lea,
        demo_school=seeded.demo_school,
        manager=people[Role.MANAGER],
        head=people[Role.HEADTEACHER],
    )
    summary = SeededFunding(lea=lea, year_name=programme.current_year.name)
    for year, is_current in ((programme.previous_year, False), (programme.current_year, True)):
        _seed_rates(context, year)
        holders = _place_holders(year)
        grants = _seed_grants(year, holders)
        if is_current:
            budget, override = _seed_tight_budget(context, year, holders, grants)
            summary.budget = budget.allocation_received
            summary.committed = sum((grant.total for grant in grants.values()), Decimal("0.00"))
            summary.grants = len(grants)
            summary.overrides = 1 if override else 0
        else:
            _seed_ample_budget(year, grants)
        _seed_grant_instalments(context, year, holders, grants, is_current=is_current)
        _seed_pscl_payments(context, year, is_current=is_current)
        _seed_returns(context, year, holders, grants, is_current=is_current)
        summary.returns[year.name] = _count_returns(year, holders, due=not is_current)
    summary.payments = {
        str(status.label).lower(): Payment.objects.filter(
            participation__programme_year__local_authority=lea, status=status
        ).count()
        for status in PaymentStatus
    }
    return summary


def _place_holders(year: ProgrammeYear) -> list[Participation]:
    return list(
        Participation.objects.filter(programme_year=year, status__in=PLACE_HOLDING_STATUSES)
        .select_related("school", "programme_year")
        .order_by("school__urn")
    )


def _seed_rates(context: _Lea, year: ProgrammeYear) -> FundingRates:
    rates, _ = upsert(
        FundingRates,
        lookup={"programme_year": year},
        values={
            "daily_supply_rate": SUPPLY_RATES.get(context.lea.code, Decimal("150.00")),
            "supply_days_per_person": Decimal("5.0"),
            "funded_people_large": 3,
            "funded_people_small": 2,
            "travel_grant": Decimal("120.00"),
            "pscl_day_rate": PSCL_DAY_RATE,
            # Returns are due at the end of the September after the year: 2003-04's by
            # 30 September 2004, so the demo's autumn shows last year's late returns overdue.
            "returns_due_on": datetime.date(year.ends_on.year, 9, 30),
        },
    )
    return rates


def _seed_grants(year: ProgrammeYear, holders: list[Participation]) -> dict[int, Grant]:
    """Each place holder's grant from the rule (a school without a roll has none yet)."""
    computed_at = _at(BUDGET_RECEIVED.get(year.name, year.starts_on))
    for participation in holders:
        if participation.school.number_on_roll is not None:
            grant_compute(participation=participation, now=computed_at)
    return {
        grant.participation_id: grant
        for grant in Grant.objects.filter(participation__in=holders).order_by(
            "participation__school__urn"
        )
    }


def _seed_ample_budget(year: ProgrammeYear, grants: dict[int, Grant]) -> Budget:
    committed = sum((grant.total for grant in grants.values()), Decimal("0.00"))
    thousands = (committed * AMPLE_MARGIN / 1000).to_integral_value(rounding=ROUND_CEILING)
    budget, _ = upsert(
        Budget,
        lookup={"programme_year": year},
        values={
            "allocation_received": money(thousands * 1000),
            "received_on": BUDGET_RECEIVED.get(year.name),
            "notes": "The DfES grant for the year, as confirmed in the spring.",
        },
    )
    return budget


def _last_accepted(holders: list[Participation], grants: dict[int, Grant]) -> Participation:
    with_grant = [p for p in holders if p.pk in grants]
    return max(with_grant, key=lambda p: (p.joined_on or datetime.date.min, p.school.urn))


def _seed_tight_budget(
    context: _Lea, year: ProgrammeYear, holders: list[Participation], grants: dict[int, Grant]
) -> tuple[Budget, BudgetOverride | None]:
    """A budget between the commitment before the last acceptance and after it, and the
    manager's override that let the last school in."""
    last = _last_accepted(holders, grants)
    last_grant = grants[last.pk]
    before = sum((grant.total for pk, grant in grants.items() if pk != last.pk), Decimal("0.00"))
    allocation = money(
        ((before + last_grant.total / 2) / 100).to_integral_value(rounding=ROUND_DOWN) * 100
    )
    budget, _ = upsert(
        Budget,
        lookup={"programme_year": year},
        values={
            "allocation_received": allocation,
            "received_on": BUDGET_RECEIVED.get(year.name),
            "notes": "The DfES grant for the year: 34 funded places and a reserve of 3.",
        },
    )
    override, _ = upsert(
        BudgetOverride,
        lookup={"programme_year": year, "participation": last},
        values={
            "committed_before": before,
            "grant_total": last_grant.total,
            "budget": allocation,
            "reason": OVERRIDE_REASON,
            "by": context.manager,
            "at": _at(last.joined_on or DEMO_TODAY, 15),
        },
    )
    return budget, override


def _halves(amount: Decimal) -> tuple[Decimal, Decimal]:
    first = (amount / 2).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return first, amount - first


def _seed_grant_instalments(
    context: _Lea,
    year: ProgrammeYear,
    holders: list[Participation],
    grants: dict[int, Grant],
    *,
    is_current: bool,
) -> None:
    for participation in holders:
        grant = grants.get(participation.pk)
        if grant is None:
            continue
        amounts = _halves(grant.school_amount)
        if is_current:
            joined = participation.joined_on or FIRST_DUE
            first_due = max(FIRST_DUE, joined + LATE_JOINER_DUE_AFTER)
            first_paid = first_due + PAID_AFTER
            dates = (
                (first_due, first_paid if first_paid <= DEMO_TODAY else None),
                (SECOND_DUE, None),
            )
        else:
            dates = PREVIOUS_INSTALMENTS
        for number, (amount, (due_on, paid_on)) in enumerate(
            zip(amounts, dates, strict=True), start=1
        ):
            upsert(
                Payment,
                lookup={
                    "participation": participation,
                    "kind": PaymentKind.SCHOOL_GRANT,
                    "instalment": number,
                },
                values={
                    "allocation": None,
                    "payee": Payee.SCHOOL,
                    "payee_name": participation.school.name,
                    "days": None,
                    "amount": amount,
                    "due_on": due_on,
                    "paid_on": paid_on,
                    "status": PaymentStatus.PAID if paid_on else PaymentStatus.SCHEDULED,
                    "reference": (
                        f"PLP/{year.name}/{participation.school.urn}/{number}" if paid_on else ""
                    ),
                    "cancelled_reason": "",
                    "created_by": context.manager,
                },
            )


def _seed_pscl_payments(context: _Lea, year: ProgrammeYear, *, is_current: bool) -> None:
    """A PSCL payment per allocation for the days of its submitted visits: last year's whole
    year (paid), this year's autumn half-term (scheduled)."""
    up_to = HALF_TERM_ENDS if is_current else year.ends_on
    allocations = (
        Allocation.objects.filter(participation__programme_year=year)
        .select_related("adviser__home_school", "participation__school")
        .annotate(
            days_submitted=Sum(
                "visits__days",
                filter=Q(visits__status=VisitStatus.SUBMITTED, visits__visit_on__lte=up_to),
            )
        )
        .order_by("participation__school__urn", "adviser__full_name", "pk")
    )
    for allocation in allocations:
        # Quantized: SQLite sums decimals through floats.
        days = Decimal(allocation.days_submitted or 0).quantize(Decimal("0.01"))
        if days <= 0:
            continue
        adviser = allocation.adviser
        home = adviser.home_school
        upsert(
            Payment,
            lookup={
                "participation": allocation.participation,
                "allocation": allocation,
                "kind": PaymentKind.PSCL_DAYS,
                "instalment": 1,
            },
            values={
                "payee": Payee.PSCL_SCHOOL if home else Payee.PSCL,
                "payee_name": home.name if home else adviser.full_name,
                "days": days,
                "amount": money(days * PSCL_DAY_RATE),
                "due_on": HALF_TERM_PSCL_DUE if is_current else PREVIOUS_PSCL_DUE,
                "paid_on": None if is_current else PREVIOUS_PSCL_PAID,
                "status": PaymentStatus.SCHEDULED if is_current else PaymentStatus.PAID,
                "reference": (
                    ""
                    if is_current
                    else f"PLP/{year.name}/PSCL/{allocation.participation.school.urn}"
                ),
                "cancelled_reason": "",
                "created_by": context.manager,
            },
        )


def _seed_returns(
    context: _Lea,
    year: ProgrammeYear,
    holders: list[Participation],
    grants: dict[int, Grant],
    *,
    is_current: bool,
) -> None:
    if is_current:
        demo = next((p for p in holders if p.school_id == context.demo_school.pk), None)
        if demo is not None and demo.pk in grants:
            _seed_return(context, demo, grants[demo.pk], index=0, status=ReturnStatus.DRAFT)
        return
    completed = [
        p
        for p in holders
        if p.status == ParticipationStatus.COMPLETED
        and p.pk in grants
        and p.school_id != context.demo_school.pk
    ]
    never_submitted = completed[-1] if completed else None
    queried = completed[-2] if len(completed) > 1 else None
    for index, participation in enumerate(p for p in holders if p.pk in grants):
        if participation == never_submitted:
            continue
        status = ReturnStatus.QUERIED if participation == queried else ReturnStatus.APPROVED
        _seed_return(context, participation, grants[participation.pk], index=index, status=status)


def _seed_return(
    context: _Lea, participation: Participation, grant: Grant, *, index: int, status: str
) -> ExpenditureReturn:
    is_draft = status == ReturnStatus.DRAFT
    is_demo_school = participation.school_id == context.demo_school.pk
    submitter = context.head if is_demo_school else None
    # The draft so far: one trip to a school outside the locality.
    travel = Decimal("36.40") if is_draft else money(Decimal(60 + (index * 17) % 60))
    expenditure_return, _ = upsert(
        ExpenditureReturn,
        lookup={"participation": participation},
        values={
            "travel_spent": travel,
            "status": status,
            "submitted_at": None if is_draft else _at(RETURNS_SUBMITTED, 9 + index % 7),
            "submitted_by": None if is_draft else submitter,
            "decided_at": None if is_draft else _at(RETURNS_DECIDED, 11),
            "decided_by": None if is_draft else context.manager,
            "query_message": QUERY_MESSAGE if status == ReturnStatus.QUERIED else "",
        },
    )
    members = list(participation.team_members.active().order_by("full_name"))
    if not grant.is_small_school:
        # In a larger school the head takes part unfunded (DOMAIN.md: Funding): no cover to claim.
        members = [member for member in members if member.role != MemberRole.HEADTEACHER]
    for number, member in enumerate(members):
        if is_draft:
            # This autumn so far: the first central session and some time with the PSCL.
            days = Decimal("1.5") if number == 0 else Decimal("1.0")
        else:
            # Most used their five days; every fourth school a member fell half a day short.
            days = grant.supply_days_per_person
            if index % 4 == 3 and number == len(members) - 1:
                days -= Decimal("0.5")
        upsert(
            CoverClaim,
            lookup={"expenditure_return": expenditure_return, "member": member},
            values={"days": days},
        )
    if not is_draft:
        upsert(
            OtherSpending,
            lookup={
                "expenditure_return": expenditure_return,
                "description": MATERIALS[index % len(MATERIALS)],
            },
            values={
                "category": SpendingCategory.MATERIALS,
                "amount": money(Decimal(45 + (index * 13) % 80)),
            },
        )
    if status == ReturnStatus.QUERIED:
        upsert(
            OtherSpending,
            lookup={
                "expenditure_return": expenditure_return,
                "description": "Moved into the school's general supply budget",
            },
            values={"category": SpendingCategory.GENERAL_BUDGET, "amount": GENERAL_BUDGET_SPENT},
        )
    _seed_evidence(context, expenditure_return, participation, uploaded_by=submitter)
    return expenditure_return


def evidence_token(participation: Participation) -> str:
    """The demo evidence's token, drawn from the school and year, not at random, so that a
    second seed finds the same row."""
    key = f"demo-evidence:{participation.programme_year.name}:{participation.school.urn}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _seed_evidence(
    context: _Lea, expenditure_return: ExpenditureReturn, participation, *, uploaded_by
) -> ReturnEvidence:
    token = evidence_token(participation)
    uploaded_at = (
        _at(DEMO_TODAY - datetime.timedelta(days=3), 16)
        if expenditure_return.status == ReturnStatus.DRAFT
        else _at(RETURNS_SUBMITTED, 8)
    )
    evidence, created = upsert(
        ReturnEvidence,
        lookup={"token": token},
        values={
            "expenditure_return": expenditure_return,
            "original_name": EVIDENCE_NAME,
            "description": "Supply agency invoice for the team's cover",
            "uploaded_by": uploaded_by,
            "uploaded_at": uploaded_at,
        },
        build=lambda **fields: _with_file(ReturnEvidence(**fields)),
    )
    if not created and (not evidence.file or not default_storage.exists(evidence.file.name)):
        # The row is there but its file is not (a fresh MEDIA_ROOT): write it again.
        evidence.file.save(EVIDENCE_NAME, ContentFile(EVIDENCE_PDF), save=True)
    return evidence


def _with_file(evidence: ReturnEvidence) -> ReturnEvidence:
    """A new evidence row with the PDF stored through its FileField (the path is the model's
    `evidence_path`: the return and the token)."""
    evidence.file.save(EVIDENCE_NAME, ContentFile(EVIDENCE_PDF), save=False)
    return evidence


def _count_returns(year: ProgrammeYear, holders: list[Participation], *, due: bool):
    """The year's returns by status, and, once they are due, the schools without one."""
    counts = {
        str(status.label).lower(): ExpenditureReturn.objects.filter(
            participation__programme_year=year, status=status
        ).count()
        for status in ReturnStatus
    }
    with_return = ExpenditureReturn.objects.filter(participation__programme_year=year).count()
    if due:
        counts["not submitted"] = len(holders) - with_return
    return counts
