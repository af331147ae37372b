"""Reads of PSCL recruitment: a programme year's applications with their counts by status, and
an application's history."""

from django.db.models import Count, QuerySet

from leadership.models import ProgrammeYear

from ..models import Application, ApplicationStatus, ApplicationStep


def application_list(*, programme_year: ProgrammeYear, user, status: str = "") -> QuerySet:
    """The applications of `programme_year` that `user` may see, of one `status` (all when
    empty), the newest first, with what the list shows loaded in the same query."""
    applications = (
        Application.objects.visible_to(user)
        .filter(programme_year=programme_year)
        .select_related("home_school", "recommended_by", "adviser")
        .order_by("-received_on", "full_name", "pk")
    )
    if status:
        applications = applications.filter(status=status)
    return applications


def application_counts(*, programme_year: ProgrammeYear, user) -> list[tuple[str, str, int]]:
    """How many of the year's applications stand at each status: (value, label, count) in the
    order of the steps, every status listed. One query."""
    counts = dict(
        Application.objects.visible_to(user)
        .filter(programme_year=programme_year)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [
        (status.value, status.label, counts.get(status.value, 0)) for status in ApplicationStatus
    ]


def application_history(*, application: Application) -> QuerySet:
    """The application's steps, oldest first, with who made each."""
    return ApplicationStep.objects.filter(application=application).select_related("changed_by")
