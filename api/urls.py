"""The REST API under /api/ (namespace "api"): the records, the OpenAPI schema, and its docs.

Swagger UI is the split view (its start-up script is a file of its own) and both docs pages use
templates of this app without inline style or script, under the site's CSP; their assets come
from drf-spectacular-sidecar, served by the site itself.
"""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("leas", views.LocalAuthorityViewSet, basename="lea")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("programme-years", views.ProgrammeYearViewSet, basename="programme-year")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("plan-reviews", views.PlanReviewViewSet, basename="plan-review")
router.register("report-runs", views.ReportRunViewSet, basename="report-run")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
]
