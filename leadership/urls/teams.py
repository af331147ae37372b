"""URLs of the programme year: leadership teams and their time, training events and registers,
school-to-school visits."""

from django.urls import path

from ..views import teams as views

urlpatterns = [
    path("participations/<int:pk>/team/", views.TeamView.as_view(), name="team"),
    path(
        "participations/<int:pk>/team/add/",
        views.TeamMemberAddView.as_view(),
        name="team_member_add",
    ),
    path(
        "team-members/<int:pk>/edit/",
        views.TeamMemberEditView.as_view(),
        name="team_member_edit",
    ),
    path(
        "team-members/<int:pk>/remove/",
        views.TeamMemberRemoveView.as_view(),
        name="team_member_remove",
    ),
    path(
        "team-members/<int:pk>/activity/",
        views.ActivityLogView.as_view(),
        name="activity_log",
    ),
    path(
        "participations/<int:pk>/visits/",
        views.SchoolVisitListView.as_view(),
        name="school_visits",
    ),
    path(
        "participations/<int:pk>/visits/add/",
        views.SchoolVisitAddView.as_view(),
        name="school_visit_add",
    ),
    path(
        "school-visits/<int:pk>/edit/",
        views.SchoolVisitEditView.as_view(),
        name="school_visit_edit",
    ),
    path(
        "school-visits/<int:pk>/delete/",
        views.SchoolVisitDeleteView.as_view(),
        name="school_visit_delete",
    ),
    path(
        "programme-years/<int:pk>/training/",
        views.TrainingEventListView.as_view(),
        name="training_events",
    ),
    path(
        "programme-years/<int:pk>/training/add/",
        views.TrainingEventAddView.as_view(),
        name="training_event_add",
    ),
    path(
        "programme-years/<int:pk>/training/missed/",
        views.MissedSessionsView.as_view(),
        name="missed_sessions",
    ),
    path(
        "training/<int:pk>/edit/",
        views.TrainingEventEditView.as_view(),
        name="training_event_edit",
    ),
    path(
        "training/<int:pk>/register/",
        views.TrainingRegisterView.as_view(),
        name="training_register",
    ),
    path(
        "training/<int:pk>/register/build/",
        views.TrainingRegisterBuildView.as_view(),
        name="training_register_build",
    ),
]
