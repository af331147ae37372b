"""Filters of the programme year's list of participations (django-filter), for the year's page
links and its exports: the same GET parameters give the same schools."""

import django_filters
from django.db.models import Q

from .models import Participation, ParticipationStatus

#: The largest number the URN column holds; a longer number cannot be a URN.
_LARGEST_URN = 2**31 - 1


class ParticipationFilter(django_filters.FilterSet):
    """Filters over a programme year's participations that the user may see, never more: the
    queryset it is given is already scoped (`programme_year_participations`)."""

    q = django_filters.CharFilter(
        label="School name or URN", method="filter_school", max_length=100
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=ParticipationStatus.choices
    )

    class Meta:
        model = Participation
        fields = []

    def filter_school(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        condition = Q(school__name__icontains=text)
        if text.isdecimal() and int(text) <= _LARGEST_URN:
            condition |= Q(school__urn=int(text))
        return queryset.filter(condition)
