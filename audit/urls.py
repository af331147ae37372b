"""The audit pages: who changed what, and who read which confidential data (issue 8)."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditHomeView.as_view(), name="home"),
    path("changes/", views.ChangeHistoryView.as_view(), name="changes"),
    path(
        "changes.csv",
        views.ChangeHistoryExportView.as_view(file_format="csv"),
        name="changes_csv",
    ),
    path(
        "changes.xlsx",
        views.ChangeHistoryExportView.as_view(file_format="xlsx"),
        name="changes_xlsx",
    ),
    path("views/", views.ViewLogView.as_view(), name="views"),
    path("views.csv", views.ViewLogExportView.as_view(file_format="csv"), name="views_csv"),
    path("views.xlsx", views.ViewLogExportView.as_view(file_format="xlsx"), name="views_xlsx"),
]
