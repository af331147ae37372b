"""Writes of the people's pages: the school's termly evaluation of its PSCL's support (issue 4:
The school's evaluation of support; DOMAIN.md: Monitoring and evaluation, "schools' written
evaluations of the support they received")."""

import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Allocation, SupportEvaluation


@transaction.atomic
def support_evaluation_write(
    *,
    allocation: Allocation,
    term: str,
    rating: int,
    comments: str,
    by,
    at: datetime.datetime | None = None,
) -> tuple[SupportEvaluation, bool]:
    """Rate `allocation`'s support for `term` (1 poor to 5 excellent) with comments, or change
    the rating the school already gave for that term: one rating per term per allocation.
    Returns the evaluation and whether it is new. The allocation is locked, so that two
    submissions for the same term at once leave one rating, the later one."""
    Allocation.objects.select_for_update().get(pk=allocation.pk)
    evaluation = SupportEvaluation.objects.filter(allocation=allocation, term=term).first()
    created = evaluation is None
    if created:
        evaluation = SupportEvaluation(allocation=allocation, term=term)
    evaluation.rating = rating
    evaluation.comments = comments.strip()
    evaluation.written_by = by
    evaluation.written_at = at or timezone.now()
    evaluation.full_clean()
    evaluation.save()
    return evaluation, created
