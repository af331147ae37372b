"""URLs of the programme year: engagement."""

urlpatterns = []
