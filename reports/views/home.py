"""The home page: each role's headline figures."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from reports.selectors.home import home_figures


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's home page, with real figures for their role and scope."""

    template_name = "reports/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = home_figures(self.request.user)
        return context
