from django.views.generic import TemplateView


class SchoolListView(TemplateView):
    template_name = "schools/school_list.html"


class SchoolDetailView(TemplateView):
    template_name = "schools/school_detail.html"
