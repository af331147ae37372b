"""The subject-access exports about the person and those they made."""

from ...models import SubjectAccessRequest
from ..registry import rows, section


@section(
    "subject_access",
    "Subject-access exports",
    covers=("privacy.SubjectAccessRequest.subject", "privacy.SubjectAccessRequest.requested_by"),
)
def subject_access(user):
    about = rows(
        SubjectAccessRequest.objects.filter(subject=user),
        by="requested_by__full_name",
        at="requested_at",
    )
    made = rows(
        SubjectAccessRequest.objects.filter(requested_by=user),
        about="subject_label",
        at="requested_at",
    )
    return [{"record": "export of their data", **r} for r in about] + [
        {"record": "export they made", **r} for r in made
    ]
