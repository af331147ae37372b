"""URLs of the reports app: runs (see reports/urls/__init__.py for the map)."""

urlpatterns = []
