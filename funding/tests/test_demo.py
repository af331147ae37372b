"""The money's part of `manage.py seed_demo` tells its story: each demo LEA's rates (its own
supply rate), a grant by the rule for every place held, an ample budget last year and a tight
one this year passed once with a recorded override, two instalments per school, PSCL payments
for submitted days, last year's returns (most approved, one queried for money put into the
general budget, one never sent) and this year's draft for the demo headteacher to carry on."""

import datetime
import io
import tempfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q, Sum
from django.test import TestCase, override_settings

from accounts.models import User
from consultants.models import Allocation, Visit, VisitStatus
from funding.demo import EVIDENCE_PDF, HALF_TERM_ENDS
from funding.models import (
    BudgetOverride,
    ExpenditureReturn,
    FundingRates,
    Grant,
    Payment,
    PaymentKind,
    PaymentStatus,
    ReturnStatus,
    SpendingCategory,
)
from funding.selectors.budgets import budget_figures
from funding.services.grants import figures_for
from leadership.models import MemberRole, Participation, ParticipationStatus, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES

pytestmark = pytest.mark.django_db

LEAS = {"991": "northmoor", "992": "southvale"}
SUPPLY_RATES = {"991": Decimal("150.00"), "992": Decimal("140.00")}
DEMO_SCHOOLS = {"991": "Millfield Primary School", "992": "Kingsway Primary School"}
YEARS = ("2003-04", "2004-05")


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """The demo data, seeded once for this module in a transaction rolled back at its end; the
    evidence files in a MEDIA_ROOT of their own."""
    out = io.StringIO()
    with (
        tempfile.TemporaryDirectory() as media_root,
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media_root,
        ),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=False):
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _user(code, local):
    return User.objects.get(email=f"{local}@{LEAS[code]}.example.org")


def _year(code, name="2004-05"):
    return ProgrammeYear.objects.get(local_authority__code=code, name=name)


def _holders(year):
    return Participation.objects.filter(
        programme_year=year, status__in=PLACE_HOLDING_STATUSES
    ).select_related("school", "programme_year")


@pytest.mark.parametrize("code", LEAS)
@pytest.mark.parametrize("name", YEARS)
def test_each_year_has_the_leas_supply_rate_and_a_pscl_day_at_300(code, name):
    rates = FundingRates.objects.get(programme_year=_year(code, name))
    assert (rates.daily_supply_rate, rates.pscl_day_rate, rates.travel_grant) == (
        SUPPLY_RATES[code],
        Decimal("300.00"),
        Decimal("120.00"),
    )


@pytest.mark.parametrize("code", LEAS)
@pytest.mark.parametrize("name", YEARS)
def test_every_place_held_has_the_grant_the_rule_gives(code, name):
    holders = list(_holders(_year(code, name)))
    grants = {
        grant.participation_id: grant for grant in Grant.objects.filter(participation__in=holders)
    }
    assert holders
    assert set(grants) == {p.pk for p in holders}
    for participation in holders:
        assert grants[participation.pk].total == figures_for(participation).total


@pytest.mark.parametrize("code", LEAS)
def test_last_years_budget_is_ample_and_this_years_was_passed_once_with_a_reason(code):
    previous = budget_figures(_year(code, "2003-04"))
    current = budget_figures(_year(code))
    override = BudgetOverride.objects.get(programme_year=_year(code))
    last_joined = max(_holders(_year(code)), key=lambda p: (p.joined_on, p.school.urn))
    assert previous.remaining > 0
    assert not BudgetOverride.objects.filter(programme_year=_year(code, "2003-04")).exists()
    assert current.is_over
    assert override.participation == last_joined
    assert override.committed_before + override.grant_total == current.committed
    assert override.committed_before <= override.budget == current.received
    assert override.by == _user(code, "manager")
    assert override.reason


@pytest.mark.parametrize("code", LEAS)
def test_each_school_gets_two_instalments_adding_up_to_its_grant(code):
    for name in YEARS:
        for participation in _holders(_year(code, name)):
            payments = list(
                Payment.objects.filter(
                    participation=participation, kind=PaymentKind.SCHOOL_GRANT
                ).order_by("instalment")
            )
            grant = Grant.objects.get(participation=participation)
            assert [p.instalment for p in payments] == [1, 2]
            assert sum(p.amount for p in payments) == grant.school_amount
            if name == "2003-04":
                assert {p.status for p in payments} == {PaymentStatus.PAID}
            else:
                first, second = payments
                assert (second.status, second.due_on) == (
                    PaymentStatus.SCHEDULED,
                    datetime.date(2005, 2, 1),
                )
                if participation.joined_on <= datetime.date(2004, 9, 17):
                    assert first.status == PaymentStatus.PAID
                    assert first.paid_on.month == 10


def _submitted_days(allocation, up_to):
    return Visit.objects.filter(
        allocation=allocation, status=VisitStatus.SUBMITTED, visit_on__lte=up_to
    ).aggregate(days=Sum("days"))["days"]


@pytest.mark.parametrize("code", LEAS)
def test_pscls_are_paid_for_submitted_days_last_year_and_scheduled_for_this_half_term(code):
    for name, up_to, status in (
        ("2003-04", _year(code, "2003-04").ends_on, PaymentStatus.PAID),
        ("2004-05", HALF_TERM_ENDS, PaymentStatus.SCHEDULED),
    ):
        payments = Payment.objects.filter(
            kind=PaymentKind.PSCL_DAYS, participation__programme_year=_year(code, name)
        ).select_related("allocation")
        assert payments.exists()
        for payment in payments:
            assert payment.status == status
            assert payment.days == _submitted_days(payment.allocation, up_to)
            assert payment.amount == payment.days * Decimal("300.00")
        paid_allocations = {payment.allocation_id for payment in payments}
        unpaid_with_days = [
            allocation
            for allocation in Allocation.objects.filter(
                participation__programme_year=_year(code, name)
            ).exclude(pk__in=paid_allocations)
            if _submitted_days(allocation, up_to)
        ]
        assert unpaid_with_days == []


@pytest.mark.parametrize("code", LEAS)
def test_last_years_returns_are_approved_but_one_queried_and_one_never_sent(code):
    holders = list(_holders(_year(code, "2003-04")))
    returns = ExpenditureReturn.objects.filter(participation__in=holders)
    queried = returns.get(status=ReturnStatus.QUERIED)
    assert returns.count() == len(holders) - 1
    assert returns.filter(status=ReturnStatus.APPROVED).count() == len(holders) - 2
    assert queried.query_message
    assert queried.other_spending.filter(category=SpendingCategory.GENERAL_BUDGET).exists()
    assert (
        not returns.exclude(pk=queried.pk)
        .filter(
            other_spending__category__in=[
                SpendingCategory.GENERAL_BUDGET,
                SpendingCategory.UNRELATED,
            ]
        )
        .exists()
    )
    missing = [p for p in holders if not returns.filter(participation=p).exists()]
    assert len(missing) == 1
    assert missing[0].school.name != DEMO_SCHOOLS[code]


@pytest.mark.parametrize("code", LEAS)
def test_every_return_accounts_for_cover_travel_and_evidence(code):
    returns = ExpenditureReturn.objects.filter(
        participation__programme_year__local_authority__code=code
    ).select_related("participation")
    assert returns.exists()
    for expenditure_return in returns:
        # The current team: a former member with no claim (archived) is not expected.
        team = expenditure_return.participation.team_members.active()
        if not expenditure_return.participation.grant.is_small_school:
            # The head of a larger school takes part unfunded (DOMAIN.md: Funding).
            team = team.exclude(role=MemberRole.HEADTEACHER)
        members = set(team.values_list("pk", flat=True))
        claimed = set(expenditure_return.cover_claims.values_list("member", flat=True))
        assert members
        assert claimed == members
        assert expenditure_return.travel_spent > 0
        evidence = expenditure_return.evidence.get()
        with evidence.file.open("rb") as stored:
            assert stored.read() == EVIDENCE_PDF
        assert evidence.file.name.endswith(".pdf")


@pytest.mark.parametrize("code", LEAS)
def test_this_year_only_the_demo_school_has_a_draft_its_headteacher_can_carry_on(code):
    head = _user(code, "head")
    returns = ExpenditureReturn.objects.filter(participation__programme_year=_year(code))
    draft = returns.get()
    assert draft.status == ReturnStatus.DRAFT
    assert draft.participation.school == head.school
    assert draft.participation.school.name == DEMO_SCHOOLS[code]
    assert draft.participation.status == ParticipationStatus.ACTIVE
    assert draft.cover_claims.exists()
    assert head.has_perm("funding.edit_return", draft)
    assert not _user(code, "governor").has_perm("funding.edit_return", draft)


@pytest.mark.parametrize("code", LEAS)
def test_the_demo_pscl_sees_only_their_own_payments_and_the_head_the_schools(code):
    pscl = _user(code, "pscl")
    head = _user(code, "head")
    own = Payment.objects.filter(allocation__adviser__user=pscl)
    assert own.exists()
    assert set(Payment.objects.visible_to(pscl)) == set(own)
    head_sees = Payment.objects.visible_to(head)
    assert head_sees.exists()
    assert not head_sees.exclude(
        Q(participation__school=head.school) & Q(kind=PaymentKind.SCHOOL_GRANT)
    ).exists()
