"""URLs of the programme year: teams."""

urlpatterns = []
