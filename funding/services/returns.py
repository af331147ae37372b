"""Writes of expenditure returns: the school saves, evidences and submits its return; the
strategy manager approves or queries it (DOMAIN.md: Funding, "every school must account for
what it spent"). Every write locks the return, so a headteacher's save and a manager's decision
cannot cross."""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from leadership.models import LeadershipTeamMember, Participation
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..models import (
    EVIDENCE_MAX_BYTES,
    CoverClaim,
    ExpenditureReturn,
    OtherSpending,
    ReturnEvidence,
    ReturnStatus,
)

#: The statuses in which the school may still change its return.
OPEN_STATUSES = (ReturnStatus.DRAFT, ReturnStatus.QUERIED)

#: Evidence types recognised by their first bytes (never by the name or the browser's word):
#: the extension the file is stored with and the content type it is served as.
EVIDENCE_TYPES = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
)
CONTENT_TYPES = {extension: content_type for _magic, extension, content_type in EVIDENCE_TYPES}
CONTENT_TYPES["jpeg"] = "image/jpeg"
#: The names a file of each type may have.
NAME_EXTENSIONS = {"pdf": {"pdf"}, "png": {"png"}, "jpg": {"jpg", "jpeg"}}


@dataclass(frozen=True)
class SpendingLine:
    category: str
    description: str
    amount: Decimal


def _locked_return(participation: Participation) -> ExpenditureReturn | None:
    return (
        ExpenditureReturn.objects.select_for_update()
        .filter(participation_id=participation.pk)
        .first()
    )


def _require_open(expenditure_return: ExpenditureReturn | None) -> None:
    if expenditure_return is not None and expenditure_return.status not in OPEN_STATUSES:
        raise ValidationError(
            f"This return is {expenditure_return.get_status_display().lower()} and can no "
            "longer be changed.",
            code="closed",
        )


def _open_return(participation: Participation) -> ExpenditureReturn:
    """The participation's return, locked and still open; a new draft if there is none."""
    if participation.status not in PLACE_HOLDING_STATUSES:
        raise ValidationError("Only a school holding a place accounts for a grant.")
    expenditure_return = _locked_return(participation)
    _require_open(expenditure_return)
    if expenditure_return is None:
        expenditure_return = ExpenditureReturn(participation=participation)
        expenditure_return.full_clean()
        expenditure_return.save()
    return expenditure_return


@transaction.atomic
def return_save(
    *,
    participation: Participation,
    cover_days: dict[int, Decimal],
    travel_spent: Decimal,
    other_spending: list[SpendingLine],
) -> ExpenditureReturn:
    """Save the whole return at once: cover days per team member (ids of the school's team),
    travel spent, and the other spending lines (replacing those saved before). Nothing is saved
    if any part is refused. A return submitted or approved cannot be changed."""
    expenditure_return = _open_return(participation)
    members = {
        m.pk: m for m in LeadershipTeamMember.objects.filter(participation_id=participation.pk)
    }
    unknown = set(cover_days) - set(members)
    if unknown:
        raise ValidationError("Cover can be claimed only for the school's own leadership team.")
    expenditure_return.travel_spent = travel_spent
    expenditure_return.full_clean()
    expenditure_return.save()

    errors = {}
    existing = {c.member_id: c for c in expenditure_return.cover_claims.all()}
    for member_id, days in cover_days.items():
        claim = existing.pop(member_id, None) or CoverClaim(
            expenditure_return=expenditure_return, member=members[member_id]
        )
        if claim.pk and claim.days == days:
            continue
        claim.days = days
        try:
            claim.full_clean()
        except ValidationError as error:
            errors[f"cover_{member_id}"] = error.messages
            continue
        claim.save()
    for claim in existing.values():
        claim.delete()

    expenditure_return.other_spending.all().delete()
    for index, line in enumerate(other_spending):
        spending = OtherSpending(
            expenditure_return=expenditure_return,
            category=line.category,
            description=line.description,
            amount=line.amount,
        )
        try:
            spending.full_clean()
        except ValidationError as error:
            errors[f"spending_{index}"] = error.messages
            continue
        spending.save()
    if errors:
        # Raising rolls the whole save back: nothing is half-saved.
        raise ValidationError(errors)
    return expenditure_return


def evidence_type(head: bytes) -> str | None:
    """The extension of the evidence type whose magic bytes `head` starts with, or None."""
    for magic, extension, _content_type in EVIDENCE_TYPES:
        if head.startswith(magic):
            return extension
    return None


def evidence_check(upload) -> tuple[str, str]:
    """Check an uploaded file is evidence we accept: a PDF, PNG or JPEG by its first bytes, its
    name's extension agreeing, no bigger than `EVIDENCE_MAX_BYTES`, and a plain file name (no
    folders, no hidden names). Returns (the stored extension, the name kept for display);
    raises ValidationError with the reason."""
    name = upload.name or ""
    if (
        "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or any(not char.isprintable() for char in name)
    ):
        raise ValidationError(
            "The file name must be a plain name, like invoice.pdf, without folders",
            code="bad_name",
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"The file must be smaller than {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = evidence_type(head)
    named = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension is None or named not in NAME_EXTENSIONS[extension]:
        raise ValidationError("The file must be a PDF, PNG or JPEG", code="bad_type")
    return extension, name[:200]


@transaction.atomic
def evidence_add(*, participation: Participation, upload, description: str, by) -> ReturnEvidence:
    """Keep an uploaded file as evidence for the return (starting the return if needed). The
    stored name is ours (a random token), the original name is kept only for display."""
    extension, original_name = evidence_check(upload)
    expenditure_return = _open_return(participation)
    token = secrets.token_hex(16)
    evidence = ReturnEvidence(
        expenditure_return=expenditure_return,
        token=token,
        original_name=original_name,
        description=description,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    upload.seek(0)
    evidence.file.save(f"evidence.{extension}", ContentFile(upload.read()), save=False)
    storage, stored = evidence.file.storage, evidence.file.name
    # The file is written before the row; if the row fails, the file goes with it.
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: ReturnEvidence, by=None) -> None:
    """Take a piece of evidence off the return while the return is open. It is archived, not
    deleted: the row and its file stay (for the audit of the money) until the retention rules
    remove them."""
    expenditure_return = _locked_return(evidence.expenditure_return.participation)
    _require_open(expenditure_return)
    ReturnEvidence.objects.get(pk=evidence.pk, expenditure_return=expenditure_return).archive(by)


@transaction.atomic
def return_submit(*, participation: Participation, by, now=None) -> ExpenditureReturn:
    """Send the return to the strategy manager. Only a draft or a queried return is submitted;
    the query message stays in the history."""
    expenditure_return = _locked_return(participation)
    if expenditure_return is None:
        raise ValidationError("Save the return before submitting it.", code="no_return")
    _require_open(expenditure_return)
    expenditure_return.status = ReturnStatus.SUBMITTED
    expenditure_return.submitted_at = now or timezone.now()
    expenditure_return.submitted_by = by
    expenditure_return.full_clean()
    expenditure_return.save()
    return expenditure_return


class Decision:
    APPROVE = "APPROVE"
    QUERY = "QUERY"
    CHOICES = [
        (APPROVE, "Approve the return"),
        (QUERY, "Query the return: ask the school a question"),
    ]


@transaction.atomic
def return_decide(
    *, participation: Participation, decision: str, message: str = "", by, now=None
) -> ExpenditureReturn:
    """Approve a submitted return, or query it with a message the school sees (required).
    Each decision is kept in the return's history."""
    expenditure_return = _locked_return(participation)
    if expenditure_return is None or expenditure_return.status != ReturnStatus.SUBMITTED:
        raise ValidationError(
            "Only a submitted return can be approved or queried.", code="not_submitted"
        )
    message = (message or "").strip()
    if decision == Decision.QUERY:
        if not message:
            raise ValidationError(
                {"message": "Enter the question the school should answer"}, code="required"
            )
        expenditure_return.status = ReturnStatus.QUERIED
        expenditure_return.query_message = message
    elif decision == Decision.APPROVE:
        expenditure_return.status = ReturnStatus.APPROVED
    else:
        raise ValidationError({"decision": "Choose whether to approve or query the return"})
    expenditure_return.decided_at = now or timezone.now()
    expenditure_return.decided_by = by
    expenditure_return.full_clean()
    expenditure_return.save()
    return expenditure_return
