"""The school list's filters (django-filter), over the schools the user may see."""

import django_filters
from django import forms
from django.db.models import Q

from .forms import SchoolFilterForm
from .models import LocalAuthority, OfstedCategory, Phase, School
from .selectors import school_list

SMALL = "small"
LARGE = "large"
#: DOMAIN.md: Funding draws the line at 120 pupils (`SchoolQuerySet.small` and `.large`).
SIZE_CHOICES = [(SMALL, "Small (120 pupils or fewer)"), (LARGE, "Large (more than 120 pupils)")]

IN_ANY_CATEGORY = "ANY"
OFSTED_CATEGORY_CHOICES = [
    (IN_ANY_CATEGORY, "In any category"),
    *[
        (category.value, category.label)
        for category in OfstedCategory
        if category != OfstedCategory.NONE
    ],
    (OfstedCategory.NONE.value, "Not in a category"),
]

#: The largest number the URN column holds; a longer number cannot be a URN.
_LARGEST_URN = 2**31 - 1


def _visible_leas(request):
    user = getattr(request, "user", None)
    if user is None:
        return LocalAuthority.objects.none()
    return LocalAuthority.objects.visible_to(user)


class SchoolFilter(django_filters.FilterSet):
    """Filters over the schools the requesting user may see, never more.

    Without a queryset it starts from `school_list(user=request.user)`. The LEA filter is only
    offered to a user who can see more than one LEA, and only lists those LEAs. Values that are
    not valid (a tampered URL, an LEA out of reach) are reported against their field.
    """

    q = django_filters.CharFilter(
        label="Name or URN",
        method="filter_name_or_urn",
        max_length=100,
        error_messages={"max_length": "Name or URN must be 100 characters or fewer"},
    )
    lea = django_filters.ModelChoiceFilter(
        label="LEA",
        field_name="local_authority",
        queryset=_visible_leas,
        empty_label="All LEAs",
        error_messages={"invalid_choice": "Select an LEA from the list"},
    )
    phase = django_filters.ChoiceFilter(
        label="Phase",
        choices=Phase.choices,
        empty_label="All phases",
        error_messages={"invalid_choice": "Select a phase from the list"},
    )
    size = django_filters.ChoiceFilter(
        label="Size",
        choices=SIZE_CHOICES,
        method="filter_size",
        empty_label="All sizes",
        error_messages={"invalid_choice": "Select a size from the list"},
    )
    ofsted_category = django_filters.ChoiceFilter(
        label="Ofsted category",
        choices=OFSTED_CATEGORY_CHOICES,
        method="filter_ofsted_category",
        empty_label="All schools",
        error_messages={"invalid_choice": "Select an Ofsted category from the list"},
    )
    below_average_va = django_filters.BooleanFilter(
        label="Only schools with value added below 100",
        widget=forms.CheckboxInput,
        method="filter_below_average_va",
    )

    class Meta:
        model = School
        fields = []
        form = SchoolFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        user = getattr(request, "user", None)
        if queryset is None:
            queryset = School.objects.none() if user is None else school_list(user=user)
        super().__init__(data, queryset, request=request, prefix=prefix)
        if _visible_leas(request)[:2].count() < 2:
            del self.filters["lea"]

    def filter_name_or_urn(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        condition = Q(name__icontains=text)
        if text.isdecimal() and int(text) <= _LARGEST_URN:
            condition |= Q(urn=int(text))
        return queryset.filter(condition)

    def filter_size(self, queryset, name, value):
        return queryset.small() if value == SMALL else queryset.large()

    def filter_ofsted_category(self, queryset, name, value):
        if value == IN_ANY_CATEGORY:
            return queryset.in_ofsted_category()
        return queryset.filter(ofsted_category=value)

    def filter_below_average_va(self, queryset, name, value):
        return queryset.value_added_below_average() if value else queryset
