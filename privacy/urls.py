"""Data protection: retention, subject-access exports and archived records (issue 8)."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.PrivacyHomeView.as_view(), name="home"),
    path("subject-access/", views.SubjectAccessView.as_view(), name="subject_access"),
    path(
        "subject-access/<int:pk>/download/",
        views.SubjectAccessDownloadView.as_view(),
        name="subject_access_download",
    ),
]
