"""URLs of the reports app: evaluation (see reports/urls/__init__.py for the map)."""

urlpatterns = []
