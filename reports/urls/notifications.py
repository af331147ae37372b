"""URLs of the reports app: notifications (see reports/urls/__init__.py for the map)."""

urlpatterns = []
