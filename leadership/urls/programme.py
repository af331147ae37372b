"""URLs of the programme year: the years, selection, participations and invitation letters."""

from django.urls import path

from ..views import exports
from ..views import programme as views

YEAR = "programme-years/<int:pk>/"
PARTICIPATION = "participations/<int:pk>/"

urlpatterns = [
    path("", views.ProgrammeYearListView.as_view(), name="year_list"),
    path("programme-years/new/", views.ProgrammeYearCreateView.as_view(), name="year_create"),
    path(YEAR, views.ProgrammeYearDetailView.as_view(), name="year_detail"),
    path(
        f"{YEAR}participations.csv",
        exports.ParticipationExportView.as_view(file_format="csv"),
        name="year_participations_csv",
    ),
    path(
        f"{YEAR}participations.xlsx",
        exports.ParticipationExportView.as_view(file_format="xlsx"),
        name="year_participations_xlsx",
    ),
    path(f"{YEAR}edit/", views.ProgrammeYearUpdateView.as_view(), name="year_edit"),
    path(
        f"{YEAR}release-reserve/",
        views.ReleaseReservePlaceView.as_view(),
        name="year_release_reserve",
    ),
    path(f"{YEAR}selection/", views.SelectionView.as_view(), name="selection"),
    path(
        f"{YEAR}selection/flags/<int:urn>/",
        views.SelectionFlagView.as_view(),
        name="selection_flag",
    ),
    path(PARTICIPATION, views.ParticipationDetailView.as_view(), name="participation_detail"),
    path(
        f"{PARTICIPATION}move/<str:to_status>/",
        views.ParticipationMoveView.as_view(),
        name="participation_move",
    ),
    path(
        f"{PARTICIPATION}judgement/",
        views.ParticipationJudgementView.as_view(),
        name="participation_judgement",
    ),
    path(
        f"{PARTICIPATION}letter/",
        views.InvitationLetterView.as_view(),
        name="participation_letter",
    ),
    path(
        f"{PARTICIPATION}letter.pdf",
        views.InvitationLetterPdfView.as_view(),
        name="participation_letter_pdf",
    ),
]
