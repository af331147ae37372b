"""Pages of the schools register: the school list and each school's background file."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from django_filters.views import FilterView

from .charts import results_chart_svg
from .filters import SchoolFilter
from .models import School
from .panels import school_sections
from .selectors import school_background, school_list


class SchoolListView(LoginRequiredMixin, FilterView):
    """The schools the user may see, filtered, 25 a page. Any signed-in role may use it: each
    sees only their own scope (an admin every LEA, a headteacher their own school)."""

    filterset_class = SchoolFilter
    template_name = "schools/school_list.html"
    context_object_name = "schools"
    paginate_by = 25

    def get_queryset(self):
        return school_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        )
        context["ellipsis"] = Paginator.ELLIPSIS
        # The LEA column, like the LEA filter, is only for users who see more than one LEA.
        context["show_lea"] = "lea" in context["filter"].filters
        return context


class SchoolDetailView(LoginRequiredMixin, TemplateView):
    """A school's background file (DOMAIN.md). A school outside the user's scope is not found."""

    template_name = "schools/school_detail.html"

    def dispatch(self, request, *args, **kwargs):
        # Loaded after the sign-in check, so that an anonymous visitor is sent to sign in
        # rather than told the school does not exist.
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.school = get_object_or_404(
            School.objects.visible_to(request.user).select_related("local_authority"),
            urn=kwargs["urn"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        background = school_background(self.school)
        context["school"] = self.school
        context["background"] = background
        context["chart_svg"] = results_chart_svg(
            background.results,
            school_name=self.school.name,
            chart_id=f"results-chart-{self.school.urn}",
        )
        context["sections"] = school_sections(self.request, self.school)
        return context
