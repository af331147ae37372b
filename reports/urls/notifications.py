"""URLs of the reports app: notifications (see reports/urls/__init__.py for the map)."""

from django.urls import path

from ..views.notifications import NotificationListView, NotificationPreferencesView

urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notification_list"),
    path(
        "notifications/preferences/",
        NotificationPreferencesView.as_view(),
        name="notification_preferences",
    ),
]
