"""URL configuration: one include per app, the admin, and the home page."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

from accounts.twofactor import views as two_factor_views
from config.views import health
from reports.views import HomeView

# The admin site refuses anyone whose session has not passed two-factor sign-in (django-otp), and
# its own log-in page sends people to the site's sign-in (password, then code): no way round it.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "PLP Admin"
admin.site.site_title = "PLP Admin"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("schools/", include("schools.urls")),
    path("programme/", include("leadership.urls")),
    path("consultants/", include("consultants.urls")),
    path("funding/", include("funding.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("audit/", include("audit.urls")),
    path("privacy/", include("privacy.urls")),
    path("admin/login/", two_factor_views.admin_login, name="admin_login_two_factor"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the Django admin's).
    path("health/", health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("images/favicon.svg"))),
]
