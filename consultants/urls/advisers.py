"""URLs of the consultants app: advisers, their capacity, training, declarations of conflicts
of interest, and the advisers attached to a school."""

from django.urls import path

from ..views import advisers as views

urlpatterns = [
    path("advisers/", views.AdviserListView.as_view(), name="adviser_list"),
    path("advisers/add/", views.AdviserAddView.as_view(), name="adviser_add"),
    path("advisers/<int:pk>/", views.AdviserDetailView.as_view(), name="adviser_detail"),
    path("advisers/<int:pk>/edit/", views.AdviserEditView.as_view(), name="adviser_edit"),
    path(
        "advisers/<int:pk>/capacity/<int:year_pk>/",
        views.CapacityEditView.as_view(),
        name="capacity_edit",
    ),
    path(
        "advisers/<int:pk>/training/<int:year_pk>/",
        views.TrainingEditView.as_view(),
        name="training_edit",
    ),
    path(
        "advisers/<int:pk>/declaration/<int:year_pk>/",
        views.DeclarationEditView.as_view(),
        name="declaration_edit",
    ),
    path("schools/<int:urn>/advisers/", views.SchoolAdvisersView.as_view(), name="school_advisers"),
]
