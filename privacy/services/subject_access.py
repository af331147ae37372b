"""The subject-access export: everything held about one person in a ZIP file, and the log of
each export (`SubjectAccessRequest`)."""

import csv
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from accounts.exports import safe_text
from accounts.models import User

from ..models import SubjectAccessRequest
from ..subject_access.registry import SECTIONS

#: What the export says about what it cannot hold.
NOTES = (
    "Passwords are stored only as one-way hashes and are never exported; API token keys and "
    "two-factor secrets are not exported either, only that they exist.",
    "Security events (sign-ins, refusals) are written to the application's log, not stored in "
    "the database, so they are not part of this export.",
    "Leadership team membership is matched by email address: team members do not sign in.",
)


def subject_access_people(*, user, query: str, limit: int = 50):
    """The people `user` may export whose name or email address contains `query`: anyone for
    an admin, the people of their own LEA and its schools for a strategy manager."""
    query = query.strip()
    if not query:
        return User.objects.none()
    return (
        User.objects.visible_to(user)
        .filter(Q(full_name__icontains=query) | Q(email__icontains=query))
        .order_by("full_name", "email")[:limit]
    )


def gather(subject: User) -> dict[str, list[dict]]:
    """Every registered section's rows about `subject`."""
    return {name: section.gather(subject) for name, section in SECTIONS.items()}


def _cell(value):
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else value


def _csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        # Text a spreadsheet would run as a formula is neutralised, as in every other export.
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


@transaction.atomic
def subject_access_export(*, subject: User, requested_by: User) -> tuple[str, bytes]:
    """The ZIP file of everything held about `subject`: `subject-access.json` (every section's
    rows), `summary.html` (the same, readable) and one CSV file per section that has rows. The
    export is logged, with the number of rows per section. The caller checks that
    `requested_by` may export `subject`. Returns (file name, bytes)."""
    exported_at = timezone.now()
    sections = gather(subject)
    counts = {name: len(found) for name, found in sections.items()}
    SubjectAccessRequest.objects.create(
        subject=subject,
        subject_label=str(subject),
        requested_by=requested_by,
        item_counts=counts,
    )
    document = {
        "subject": {"id": subject.pk, "full_name": subject.full_name, "email": subject.email},
        "exported_at": exported_at,
        "exported_by": str(requested_by),
        "notes": NOTES,
        "sections": {
            name: {"title": SECTIONS[name].title, "rows": found} for name, found in sections.items()
        },
    }
    text = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    # The summary shows the values as the JSON has them (dates in ISO form).
    plain = json.loads(text)
    summary = render_to_string(
        "privacy/subject_access_summary.html",
        {
            "subject": subject,
            "exported_at": exported_at,
            "exported_by": requested_by,
            "notes": NOTES,
            "sections": [
                (SECTIONS[name].title, found["rows"]) for name, found in plain["sections"].items()
            ],
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.json", text)
        archive.writestr("summary.html", summary)
        for name, found in plain["sections"].items():
            if found["rows"]:
                archive.writestr(f"csv/{name}.csv", _csv(found["rows"]))
    stamp = exported_at.strftime("%Y%m%d-%H%M")
    name = f"subject-access-{slugify(subject.full_name) or subject.pk}-{stamp}.zip"
    return name, buffer.getvalue()
