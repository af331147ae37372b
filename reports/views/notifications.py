"""The user's notifications and how they hear of them (issue 6, item 6). Every signed-in user
has both pages, for themselves only: the list shows their own notifications, and the
preference is theirs."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, ListView

from ..forms.notifications import NotificationPreferenceForm
from ..models import Notification, NotificationFrequency
from ..services.notifications import notification_preference, set_notification_preference

#: Notifications on a page of the list.
NOTIFICATIONS_PER_PAGE = 25

SAVED_MESSAGES = {
    NotificationFrequency.IMMEDIATE: "You will get an email each time something changes.",
    NotificationFrequency.WEEKLY: "You will get a weekly digest of what changed.",
}


class NotificationListView(LoginRequiredMixin, ListView):
    """What the user has been told, newest first, each with its link, and whether it was
    emailed at once, in a digest, or waits for the next digest."""

    template_name = "reports/notifications/list.html"
    context_object_name = "notifications"
    paginate_by = NOTIFICATIONS_PER_PAGE

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user).select_related("school")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context.update(
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            ellipsis=Paginator.ELLIPSIS,
            preference=notification_preference(self.request.user),
        )
        return context


class NotificationPreferencesView(LoginRequiredMixin, FormView):
    """The user chooses an email each time or a weekly digest."""

    template_name = "reports/notifications/preferences.html"
    form_class = NotificationPreferenceForm

    def get_initial(self):
        return {"frequency": notification_preference(self.request.user).frequency}

    def form_valid(self, form):
        preference = set_notification_preference(
            user=self.request.user, frequency=form.cleaned_data["frequency"]
        )
        messages.success(self.request, SAVED_MESSAGES[preference.frequency])
        return redirect(reverse("reports:notification_preferences"))
