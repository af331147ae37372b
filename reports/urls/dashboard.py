"""URLs of the reports app: dashboard (see reports/urls/__init__.py for the map)."""

from django.urls import path

from reports.views.dashboard import DashboardView, WarningDetailView

urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/warnings/<slug:kind>/",
        WarningDetailView.as_view(),
        name="warning_detail",
    ),
]
