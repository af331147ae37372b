"""URLs of the programme year: programme."""

urlpatterns = []
