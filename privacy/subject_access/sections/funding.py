"""What the funding app holds about a person: payments they recorded, returns they submitted or
decided, evidence they uploaded or removed, budget overrides they made."""

from django.db.models import Q

from funding.models import BudgetOverride, ExpenditureReturn, Payment, ReturnEvidence

from ..registry import rows, section


@section(
    "funding_records",
    "Payments, returns, evidence and budget decisions",
    covers=(
        "funding.Payment.created_by",
        "funding.ExpenditureReturn.submitted_by",
        "funding.ExpenditureReturn.decided_by",
        "funding.ReturnEvidence.uploaded_by",
        "funding.ReturnEvidence.archived_by",
        "funding.BudgetOverride.by",
    ),
)
def funding_records(user):
    payments = rows(
        Payment.objects.filter(created_by=user),
        school="participation__school__name",
        kind="kind",
        amount="amount",
        due_on="due_on",
    )
    returns = rows(
        ExpenditureReturn.objects.filter(Q(submitted_by=user) | Q(decided_by=user)),
        school="participation__school__name",
        status="status",
        submitted_at="submitted_at",
        decided_at="decided_at",
        query_message="query_message",
    )
    evidence = rows(
        ReturnEvidence.objects.filter(Q(uploaded_by=user) | Q(archived_by=user)),
        school="expenditure_return__participation__school__name",
        original_name="original_name",
        description="description",
        uploaded_at="uploaded_at",
        removed_at="archived_at",
    )
    overrides = rows(
        BudgetOverride.objects.filter(by=user),
        programme_year="programme_year__name",
        school="participation__school__name",
        reason="reason",
        at="at",
    )
    return (
        [{"record": "payment recorded", **r} for r in payments]
        + [{"record": "expenditure return", **r} for r in returns]
        + [{"record": "evidence", **r} for r in evidence]
        + [{"record": "budget override", **r} for r in overrides]
    )
