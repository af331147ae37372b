"""Test helpers of the audit: a record of every audited kind at a school, and changes made
"as" a user the way the history middleware attributes a request's writes."""

import contextlib
from types import SimpleNamespace

from simple_history.models import HistoricalRecords

from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    VisitFactory,
)
from funding.factories import (
    CoverClaimFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    OtherSpendingFactory,
    PaymentFactory,
)
from funding.services.grants import grant_compute
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SuccessCriterionFactory,
)
from leadership.models import ParticipationStatus


@contextlib.contextmanager
def acting_as(user):
    """Writes inside are recorded as `user`'s, as HistoryRequestMiddleware records a
    request's."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def every_kind(school) -> dict:
    """One record of each audited kind at `school`, by model."""
    lea = school.local_authority
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    participation = ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.ACTIVE
    )
    allocation = AllocationFactory(
        adviser=AdviserFactory(local_authority=lea), participation=participation
    )
    visit = VisitFactory(allocation=allocation)
    plan = ActionPlanFactory(participation=participation)
    priority = PlanPriorityFactory(plan=plan)
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    grant_compute(participation=participation)
    records = {
        "participation": participation,
        "allocation": allocation,
        "visit": visit,
        "agreed_action": AgreedActionFactory(visit=visit),
        "action_plan": plan,
        "plan_priority": priority,
        "success_criterion": SuccessCriterionFactory(priority=priority),
        "plan_action": ActionFactory(priority=priority),
        "plan_review": PlanReviewFactory(plan=plan),
        "grant": participation.grant,
        "payment": PaymentFactory(participation=participation),
        "expenditure_return": expenditure_return,
        "cover_claim": CoverClaimFactory(expenditure_return=expenditure_return),
        "other_spending": OtherSpendingFactory(expenditure_return=expenditure_return),
    }
    return records
