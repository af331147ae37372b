"""Funding: rates and grants, budgets and overrides, payments, expenditure returns."""

from .budgets import Budget, BudgetOverride
from .payments import Payee, Payment, PaymentKind, PaymentStatus
from .rates import FundingRates, Grant
from .returns import (
    EVIDENCE_MAX_BYTES,
    NOT_FOR_THE_PROGRAMME,
    CoverClaim,
    ExpenditureReturn,
    OtherSpending,
    ReturnEvidence,
    ReturnStatus,
    SpendingCategory,
)

__all__ = [
    "EVIDENCE_MAX_BYTES",
    "NOT_FOR_THE_PROGRAMME",
    "Budget",
    "BudgetOverride",
    "CoverClaim",
    "ExpenditureReturn",
    "FundingRates",
    "Grant",
    "OtherSpending",
    "Payee",
    "Payment",
    "PaymentKind",
    "PaymentStatus",
    "ReturnEvidence",
    "ReturnStatus",
    "SpendingCategory",
]
