"""The data protection pages: the landing page (the retention rules in force, the last run, the
subject-access log) and the subject-access export. Admins and strategy managers only; a manager
finds and exports only the people of their own LEA (others answer 404)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from accounts.models import User

from .forms import PersonSearchForm
from .models import SubjectAccessRequest
from .services.retention import last_run, rules_in_force
from .services.subject_access import subject_access_export, subject_access_people

#: How many recent exports the landing page lists.
RECENT_EXPORTS = 10


class PrivacyAccessMixin(LoginRequiredMixin):
    permission = "privacy.view_data_protection"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PrivacyHomeView(PrivacyAccessMixin, TemplateView):
    template_name = "privacy/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exports = SubjectAccessRequest.objects.select_related("requested_by")
        if not self.request.user.is_admin:
            exports = exports.filter(requested_by=self.request.user)
        run = last_run()
        rules_now = rules_in_force()
        context.update(
            rules=rules_now,
            run=run,
            run_rows=[(rule.label, run.counts.get(rule.kind.value, 0)) for rule in rules_now]
            if run
            else [],
            exports=exports[:RECENT_EXPORTS],
        )
        return context


class SubjectAccessView(PrivacyAccessMixin, TemplateView):
    """Find a person by name or email address, then download their data."""

    permission = "privacy.export_subject_access"
    template_name = "privacy/subject_access.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PersonSearchForm(self.request.GET if "q" in self.request.GET else None)
        people = None
        if form.is_bound and form.is_valid():
            people = list(
                subject_access_people(user=self.request.user, query=form.cleaned_data["q"])
            )
        context.update(form=form, people=people)
        return context


class SubjectAccessDownloadView(PrivacyAccessMixin, View):
    """The ZIP file of everything held about one person (POST: each download is logged)."""

    permission = "privacy.export_subject_access"

    def post(self, request, pk):
        subject = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
        name, content = subject_access_export(subject=subject, requested_by=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
