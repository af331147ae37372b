"""URLs of the funding app: expenditure returns (the school accounts for its grant; the
strategy manager approves or queries)."""

from django.urls import path

from ..views import returns as views

urlpatterns = [
    path(
        "programme-years/<int:year_pk>/returns/",
        views.ReturnListView.as_view(),
        name="return_list",
    ),
    path(
        "participations/<int:pk>/return/",
        views.ReturnDetailView.as_view(),
        name="return_detail",
    ),
    path(
        "participations/<int:pk>/return/edit/",
        views.ReturnEditView.as_view(),
        name="return_edit",
    ),
    path(
        "participations/<int:pk>/return/submit/",
        views.ReturnSubmitView.as_view(),
        name="return_submit",
    ),
    path(
        "participations/<int:pk>/return/evidence/",
        views.ReturnEvidenceAddView.as_view(),
        name="return_evidence_add",
    ),
    path(
        "evidence/<int:pk>/",
        views.ReturnEvidenceDownloadView.as_view(),
        name="return_evidence",
    ),
    path(
        "evidence/<int:pk>/remove/",
        views.ReturnEvidenceRemoveView.as_view(),
        name="return_evidence_remove",
    ),
    path(
        "participations/<int:pk>/return/decide/",
        views.ReturnDecideView.as_view(),
        name="return_decide",
    ),
]
