"""Data protection: retention, subject-access exports and archived records (issue 8)."""

from django.urls import path  # noqa: F401

app_name = "privacy"

urlpatterns: list = []
