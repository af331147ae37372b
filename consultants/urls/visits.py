"""URLs of the consultants app: the PSCL's visit log (planning, logging, reading visits, agreed
actions, the pre-visit note and the calendar feed)."""

from django.urls import path

from ..views import visits as views

urlpatterns = [
    path("allocations/<int:pk>/visits/plan/", views.VisitPlanView.as_view(), name="visit_plan"),
    path("allocations/<int:pk>/visits/new/", views.VisitNewView.as_view(), name="visit_new"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/log/", views.VisitLogView.as_view(), name="visit_log"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("visits/<int:pk>/cancel/", views.VisitCancelView.as_view(), name="visit_cancel"),
    path(
        "visits/<int:pk>/pre-visit-note/",
        views.PreVisitNoteView.as_view(),
        name="pre_visit_note",
    ),
    path("agreed-actions/<int:pk>/done/", views.ActionDoneView.as_view(), name="action_done"),
    path("schools/<int:urn>/visits/", views.SchoolVisitsView.as_view(), name="school_visits"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/new-address/", views.CalendarRotateView.as_view(), name="calendar_rotate"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
]
