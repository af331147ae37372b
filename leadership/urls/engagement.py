"""URLs of the programme year: engagement (the school's story)."""

from django.urls import path

from ..views import engagement as views

urlpatterns = [
    path("schools/<int:urn>/timeline/", views.TimelineView.as_view(), name="timeline"),
    path("schools/<int:urn>/notes/add/", views.NoteAddView.as_view(), name="note_add"),
    path(
        "schools/<int:urn>/concerns/raise/",
        views.ConcernRaiseView.as_view(),
        name="concern_raise",
    ),
    path("schools/<int:urn>/watch/", views.WatchView.as_view(watching=True), name="watch_add"),
    path(
        "schools/<int:urn>/unwatch/",
        views.WatchView.as_view(watching=False),
        name="watch_remove",
    ),
    path("watchlist/", views.WatchlistView.as_view(), name="watchlist"),
    path("concerns/", views.ConcernListView.as_view(), name="concern_list"),
    path("concerns/<int:pk>/", views.ConcernDetailView.as_view(), name="concern_detail"),
    path(
        "concerns/<int:pk>/escalate/",
        views.ConcernEscalateView.as_view(),
        name="concern_escalate",
    ),
    path("concerns/<int:pk>/resolve/", views.ConcernResolveView.as_view(), name="concern_resolve"),
    path("concerns/<int:pk>/letter/", views.ConcernLetterView.as_view(), name="concern_letter"),
    path("good-practice/", views.GoodPracticeListView.as_view(), name="good_practice_list"),
    path(
        "good-practice/<int:pk>/",
        views.GoodPracticeDetailView.as_view(),
        name="good_practice_detail",
    ),
    path(
        "participations/<int:pk>/good-practice/",
        views.GoodPracticeWriteView.as_view(),
        name="good_practice_write",
    ),
]
