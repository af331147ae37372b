"""URLs of the reports app: runs and batches (see reports/urls/__init__.py for the map)."""

from django.urls import path

from ..views import runs

urlpatterns = [
    path("", runs.RunListView.as_view(), name="run_list"),
    path("<int:pk>/", runs.RunDetailView.as_view(), name="run_detail"),
    path("<int:pk>/status/", runs.RunStatusView.as_view(), name="run_status"),
    path("<int:pk>/pdf/", runs.RunPdfView.as_view(), name="run_pdf"),
    path("new/governor/", runs.GovernorReportRequestView.as_view(), name="request_governor"),
    path("new/caseload/", runs.CaseloadReportRequestView.as_view(), name="request_caseload"),
    path("new/statement/", runs.StatementRequestView.as_view(), name="request_statement"),
    path("batches/", runs.BatchListView.as_view(), name="batch_list"),
    path("batches/new/", runs.BatchStartView.as_view(), name="batch_start"),
    path("batches/<int:pk>/", runs.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/progress/", runs.BatchProgressView.as_view(), name="batch_progress"),
]
