"""The programme year's URLs, one module per area."""

from . import engagement, plans, programme, teams

app_name = "leadership"

urlpatterns = [
    *programme.urlpatterns,
    *teams.urlpatterns,
    *plans.urlpatterns,
    *engagement.urlpatterns,
]
