"""Writes of the school's story: notes, concerns and their steps, good practice, watchlists.

The views check who may do each; these functions hold the rules of what may be done.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from schools.models import School

from ..models import (
    Concern,
    ConcernEscalation,
    ConcernLevel,
    GoodPractice,
    Note,
    Participation,
    Watch,
)
from ..selectors.engagement import GOOD_PRACTICE_STATUSES

#: The steps a concern is escalated through, one at a time (issue 3, item 9): to the link
#: adviser, to the strategy manager, then a formal notification to the governing body.
ESCALATION_STEPS = (
    ConcernLevel.RAISED,
    ConcernLevel.LINK_ADVISER,
    ConcernLevel.STRATEGY_MANAGER,
    ConcernLevel.GOVERNING_BODY,
)


def next_escalation_level(level: str) -> ConcernLevel | None:
    """The level a concern at `level` may be escalated to next; None once it has reached the
    governing body or been resolved."""
    if level not in ESCALATION_STEPS or level == ESCALATION_STEPS[-1]:
        return None
    return ESCALATION_STEPS[ESCALATION_STEPS.index(level) + 1]


@transaction.atomic
def note_add(*, school: School, author, text: str) -> Note:
    """Write a note on `school`, dated now and signed by `author`."""
    note = Note(school=school, author=author, text=text.strip())
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def concern_raise(*, school: School, raised_by, severity: str, summary: str) -> Concern:
    """Raise a concern about `school`'s engagement. It starts at the level RAISED."""
    concern = Concern(
        school=school,
        raised_by=raised_by,
        severity=severity,
        summary=summary.strip(),
        level=ConcernLevel.RAISED,
    )
    concern.full_clean()
    concern.save()
    return concern


def _locked(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


@transaction.atomic
def concern_escalate(
    *, concern: Concern, to_level: str, note: str, by, letter: str = ""
) -> ConcernEscalation:
    """Move `concern` one step forward to `to_level`, recording the step with `note` and, for
    the formal notification of the governing body, its `letter` (required then, and only then).

    `to_level` must be the next step from the concern's level as it is in the database now: a
    concern is never moved back, never skips a step, and two people escalating it at the same
    moment take one step between them (the row is locked), the other being told why not.
    """
    concern = _locked(concern)
    if concern.level == ConcernLevel.RESOLVED:
        raise ValidationError("This concern is resolved: it cannot be escalated.")
    expected = next_escalation_level(concern.level)
    if expected is None:
        raise ValidationError(
            "The governing body has already been notified of this concern, the last step: "
            "it can now only be resolved."
        )
    if to_level != expected:
        current = ConcernLevel(concern.level).label.lower()
        if to_level in ESCALATION_STEPS and ESCALATION_STEPS.index(
            to_level
        ) <= ESCALATION_STEPS.index(concern.level):
            raise ValidationError(
                f"This concern is already {current}: a concern only moves forward. "
                f"Its next step is: {expected.label.lower()}."
            )
        raise ValidationError(
            f"A concern is escalated one step at a time. This one is {current}; "
            f"its next step is: {expected.label.lower()}."
        )
    note, letter = note.strip(), letter.strip()
    if not note:
        raise ValidationError({"note": "Say why the concern is escalated"})
    if to_level == ConcernLevel.GOVERNING_BODY and not letter:
        raise ValidationError(
            {"letter": "Write the letter to the chair of governors: it is kept with this step"}
        )
    if to_level != ConcernLevel.GOVERNING_BODY and letter:
        raise ValidationError(
            {"letter": "Only the notification of the governing body carries a letter"}
        )
    step = ConcernEscalation(
        concern=concern, to_level=to_level, note=note, letter=letter, escalated_by=by
    )
    step.full_clean()
    step.save()
    concern.level = to_level
    concern.full_clean()
    concern.save(update_fields=["level"])
    return step


@transaction.atomic
def concern_resolve(*, concern: Concern, note: str, by) -> ConcernEscalation:
    """Close `concern` at whatever level it has reached, with `note` saying how it was resolved
    (required): the note is kept as the concern's resolution and as its last step."""
    concern = _locked(concern)
    if concern.level == ConcernLevel.RESOLVED:
        raise ValidationError("This concern is already resolved.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say how the concern was resolved"})
    step = ConcernEscalation(
        concern=concern, to_level=ConcernLevel.RESOLVED, note=note, escalated_by=by
    )
    step.full_clean()
    step.save()
    concern.level = ConcernLevel.RESOLVED
    concern.resolution = note
    concern.full_clean()
    concern.save(update_fields=["level", "resolution"])
    return step


@transaction.atomic
def good_practice_write(
    *, participation: Participation, title: str, case_study: str, by
) -> GoodPractice:
    """Flag `participation` as good practice with its case study, or rewrite the case study it
    has. Only a school that has taken part (active or completed) can be written up; the case
    study keeps its first author and date."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status not in GOOD_PRACTICE_STATUSES:
        raise ValidationError(
            "Only a school that is taking part in the programme, or has completed it, can be "
            "written up as good practice."
        )
    try:
        study = participation.good_practice
    except GoodPractice.DoesNotExist:
        study = GoodPractice(participation=participation, written_by=by)
    study.title = title.strip()
    study.case_study = case_study.strip()
    study.full_clean()
    study.save()
    if not participation.is_good_practice:
        participation.is_good_practice = True
        participation.full_clean()
        participation.save(update_fields=["is_good_practice"])
    return study


@transaction.atomic
def watch_add(*, user, school: School) -> Watch:
    """Put `school` on `user`'s watchlist. Adding it again changes nothing."""
    # get_or_create, not full_clean and save: two clicks at once must not fail on the unique
    # constraint, and there is nothing else to validate.
    watch, _ = Watch.objects.get_or_create(user=user, school=school)
    return watch


@transaction.atomic
def watch_remove(*, user, school: School) -> bool:
    """Take `school` off `user`'s watchlist; False if it was not on it."""
    deleted, _ = Watch.objects.filter(user=user, school=school).delete()
    return bool(deleted)
