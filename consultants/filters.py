"""Filters of the year's allocations (django-filter), for the matching board's exports: the
same GET parameters give the same allocations."""

import django_filters
from django.db.models import Q

from .models import Allocation, AllocationStatus

#: The largest number the URN column holds; a longer number cannot be a URN.
_LARGEST_URN = 2**31 - 1


class AllocationFilter(django_filters.FilterSet):
    """Filters over a year's allocations that the user may see, never more: the queryset it is
    given is already scoped. Without a status, the current allocations (as the board shows);
    with statuses, those (an ended or declined match included)."""

    q = django_filters.CharFilter(
        label="School name or URN", method="filter_school", max_length=100
    )
    status = django_filters.MultipleChoiceFilter(label="Status", choices=AllocationStatus.choices)

    class Meta:
        model = Allocation
        fields = []

    @property
    def qs(self):
        allocations = super().qs
        if self.is_bound and self.is_valid() and self.form.cleaned_data.get("status"):
            return allocations
        return allocations.current()

    def filter_school(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        condition = Q(participation__school__name__icontains=text)
        if text.isdecimal() and int(text) <= _LARGEST_URN:
            condition |= Q(participation__school__urn=int(text))
        return queryset.filter(condition)
