"""URLs of the consultants app: matching PSCLs to schools and their allocations."""

from django.urls import path

from ..views import allocations as views
from ..views import exports

urlpatterns = [
    path(
        "programme-years/<int:year_pk>/matching/",
        views.MatchingBoardView.as_view(),
        name="matching",
    ),
    path(
        "programme-years/<int:year_pk>/allocations.csv",
        exports.AllocationExportView.as_view(file_format="csv"),
        name="allocations_csv",
    ),
    path(
        "programme-years/<int:year_pk>/allocations.xlsx",
        exports.AllocationExportView.as_view(file_format="xlsx"),
        name="allocations_xlsx",
    ),
    path(
        "participations/<int:pk>/match/",
        views.MatchSuggestionsView.as_view(),
        name="match_suggestions",
    ),
    path(
        "programme-years/<int:year_pk>/matching/suggest-all/",
        views.SuggestAllView.as_view(),
        name="suggest_all",
    ),
    path("allocations/<int:pk>/", views.AllocationDetailView.as_view(), name="allocation_detail"),
    path(
        "allocations/<int:pk>/days/",
        views.AllocationDaysView.as_view(),
        name="allocation_days",
    ),
    path("allocations/<int:pk>/end/", views.AllocationEndView.as_view(), name="allocation_end"),
    path(
        "allocations/<int:pk>/request-change/",
        views.AllocationRequestChangeView.as_view(),
        name="allocation_request_change",
    ),
    path(
        "allocations/<int:pk>/withdraw-request/",
        views.AllocationWithdrawRequestView.as_view(),
        name="allocation_withdraw_request",
    ),
    path(
        "allocations/<int:pk>/decline/",
        views.AllocationDeclineView.as_view(),
        name="allocation_decline",
    ),
]
