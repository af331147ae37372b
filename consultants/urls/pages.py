"""URLs of the consultants app: the people's pages (the PSCL's caseload, the link adviser's
feed of visit notes, the manager's PSCL overview and evaluations) and the school's evaluation of
its PSCL's support."""

from django.urls import path

from consultants.views import exports
from consultants.views import pages as views

urlpatterns = [
    path("pscls/", views.PsclHomeView.as_view(), name="pscl_home"),
    path("my-schools/", views.CaseloadView.as_view(), name="caseload"),
    path("visit-notes/", views.VisitFeedView.as_view(), name="visit_feed"),
    path(
        "visit-notes.csv",
        exports.VisitFeedExportView.as_view(file_format="csv"),
        name="visit_feed_csv",
    ),
    path(
        "visit-notes.xlsx",
        exports.VisitFeedExportView.as_view(file_format="xlsx"),
        name="visit_feed_xlsx",
    ),
    path(
        "programme-years/<int:year_pk>/pscls/",
        views.PsclOverviewView.as_view(),
        name="pscl_overview",
    ),
    path(
        "programme-years/<int:year_pk>/pscls/<int:pk>/evaluations/",
        views.PsclEvaluationsView.as_view(),
        name="pscl_evaluations",
    ),
    path(
        "allocations/<int:pk>/evaluate/",
        views.EvaluateSupportView.as_view(),
        name="evaluate_support",
    ),
]
