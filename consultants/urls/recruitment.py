"""URLs of the consultants app: recruiting PSCLs."""

from django.urls import path

from ..views import recruitment as views

urlpatterns = [
    path(
        "programme-years/<int:year_pk>/recruitment/",
        views.ApplicationListView.as_view(),
        name="application_list",
    ),
    path(
        "programme-years/<int:year_pk>/recruitment/add/",
        views.ApplicationAddView.as_view(),
        name="application_add",
    ),
    path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"
    ),
    path(
        "applications/<int:pk>/edit/", views.ApplicationEditView.as_view(), name="application_edit"
    ),
    path(
        "applications/<int:pk>/step/", views.ApplicationStepView.as_view(), name="application_step"
    ),
    path(
        "applications/<int:pk>/letter/",
        views.ApplicationLetterView.as_view(),
        name="application_letter",
    ),
    path(
        "applications/<int:pk>/recommend/",
        views.ApplicationRecommendView.as_view(),
        name="application_recommend",
    ),
]
