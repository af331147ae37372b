"""The funding app's URLs, one module per area."""

from . import grants, pages, payments, returns

app_name = "funding"

urlpatterns = [
    *grants.urlpatterns,
    *payments.urlpatterns,
    *returns.urlpatterns,
    *pages.urlpatterns,
]
