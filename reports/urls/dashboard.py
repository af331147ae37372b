"""URLs of the reports app: dashboard (see reports/urls/__init__.py for the map)."""

urlpatterns = []
