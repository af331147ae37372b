"""The budget guard on acceptances (issue 5, item 3): accepting a place commits its grant; an
acceptance that would take the commitment past the LEA's budget is refused unless a strategy
manager overrides it with a reason, which is recorded."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from leadership.services.programme import OVERRIDABLE

from ..grants import gbp
from ..models import Budget, BudgetOverride
from ..selectors.budgets import committed_total
from .grants import figures_for, grant_compute


def budget_check_acceptance(*, participation, programme_year, by, override_reason: str) -> None:
    """Registered with `leadership.services.programme.register_acceptance_check`: runs inside
    the acceptance, after the programme year's row is locked, so two acceptances racing for the
    last of the budget are served one after the other and the second sees the first's grant.

    With no budget recorded for the year there is nothing to exceed. Saves the school's grant
    (the commitment) when the acceptance may go ahead; a school with no number on roll can be
    accepted only while no budget is recorded, and gets its grant once its roll is known."""
    budget = Budget.objects.filter(programme_year=programme_year).first()
    if budget is not None:
        figures = figures_for(participation)
        committed = committed_total(programme_year, excluding_participation=participation)
        if committed + figures.total > budget.allocation_received:
            over = committed + figures.total - budget.allocation_received
            message = (
                f"Accepting {participation.school.name} commits its grant of "
                f"{gbp(figures.total)}, which takes the commitment to "
                f"{gbp(committed + figures.total)}: {gbp(over)} over the budget of "
                f"{gbp(budget.allocation_received)} for {programme_year.name}."
            )
            may_override = by is not None and by.role in (Role.ADMIN, Role.MANAGER)
            if not override_reason or not may_override:
                if not may_override:
                    raise ValidationError(
                        message + " The strategy manager must confirm this acceptance.",
                        code="over_budget",
                    )
                # Marked as a limit the manager may go beyond; the message is formatted with the
                # params, so a "%" in a school's name is escaped.
                raise ValidationError(
                    (message + " Give a reason to go ahead anyway.").replace("%", "%%"),
                    code="over_budget",
                    params=OVERRIDABLE,
                )
            override = BudgetOverride(
                programme_year=programme_year,
                participation=participation,
                committed_before=committed,
                grant_total=figures.total,
                budget=budget.allocation_received,
                reason=override_reason,
                by=by,
                at=timezone.now(),
            )
            override.full_clean()
            override.save()
    if participation.school.number_on_roll is not None:
        grant_compute(participation=participation)


@transaction.atomic
def budget_save(*, programme_year, allocation_received, received_on=None, notes="") -> Budget:
    budget = Budget.objects.select_for_update().filter(programme_year=programme_year).first()
    budget = budget or Budget(programme_year=programme_year)
    budget.allocation_received = allocation_received
    budget.received_on = received_on
    budget.notes = notes
    budget.full_clean()
    budget.save()
    return budget
