"""URLs of the programme year: plans."""

urlpatterns = []
