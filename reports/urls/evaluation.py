"""URLs of the reports app: evaluation (see reports/urls/__init__.py for the map)."""

from django.urls import path

from ..views import evaluation

urlpatterns = [
    path(
        "evaluation/<int:year_pk>/",
        evaluation.EvaluationDraftView.as_view(),
        name="evaluation_draft",
    ),
    path(
        "evaluation/<int:year_pk>/thresholds/",
        evaluation.EvaluationThresholdsView.as_view(),
        name="evaluation_thresholds",
    ),
]
