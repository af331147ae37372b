"""The audit pages: who changed what, and who read which confidential data (issue 8)."""

from django.urls import path  # noqa: F401

app_name = "audit"

urlpatterns: list = []
