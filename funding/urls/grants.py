"""URLs of the funding app: the year's rates, the schools' grants and the grant offer letter."""

from django.urls import path

from ..views import grants as views

urlpatterns = [
    path("programme-years/<int:year_pk>/rates/", views.RatesView.as_view(), name="rates"),
    path(
        "programme-years/<int:year_pk>/rates/edit/",
        views.RatesEditView.as_view(),
        name="rates_edit",
    ),
    path(
        "programme-years/<int:year_pk>/grants/",
        views.GrantListView.as_view(),
        name="grant_list",
    ),
    path(
        "programme-years/<int:year_pk>/grants/recompute/",
        views.GrantsRecomputeView.as_view(),
        name="grants_recompute",
    ),
    path("participations/<int:pk>/grant/", views.GrantDetailView.as_view(), name="grant_detail"),
    path(
        "participations/<int:pk>/grant/letter/",
        views.GrantLetterView.as_view(),
        name="grant_letter",
    ),
    path(
        "participations/<int:pk>/grant/letter.pdf",
        views.GrantLetterPdfView.as_view(),
        name="grant_letter_pdf",
    ),
]
