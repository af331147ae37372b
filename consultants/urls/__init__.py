"""The consultants app's URLs, one module per area."""

from . import advisers, allocations, pages, recruitment, visits

app_name = "consultants"

urlpatterns = [
    *advisers.urlpatterns,
    *recruitment.urlpatterns,
    *allocations.urlpatterns,
    *visits.urlpatterns,
    *pages.urlpatterns,
]
