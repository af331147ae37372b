"""What the schools app holds about a person: the imports they ran and the confidential
performance data they opened."""

from django.apps import apps

from schools.models import ImportRecord

from ..registry import rows, section


@section("imports", "Imports run", covers=("schools.ImportRecord.user",))
def imports(user):
    return rows(
        ImportRecord.objects.filter(user=user).order_by("created_at"),
        at="created_at",
        kind="kind",
        file_name="file_name",
        dry_run="is_dry_run",
        status="status",
        rows="rows",
    )


@section(
    "performance_data_views",
    "Performance data opened",
    covers=("schools.PerformanceDataView.user",),
)
def performance_data_views(user):
    try:
        model = apps.get_model("schools", "PerformanceDataView")
    except LookupError:
        return []
    return rows(
        model.objects.filter(user=user).order_by("viewed_at"),
        at="viewed_at",
        page="page",
        school="school__name",
        lea="local_authority__name",
    )
