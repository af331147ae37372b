"""Forms of the report pages: asking for a governor report, a PSCL caseload report or a funding
statement, starting a batch, and the filters of the list of runs.

Each form offers only what its user may see (the programme years of their LEA, its schools and
PSCLs); the rules of what may be asked for are the services' (`reports.services.runs`,
`reports.services.batches`), whose errors the views show against these fields.

A form that asks for a report carries an idempotency key, made once when the form is drawn: the
same form sent twice (a double click, a resubmission) carries the same key, and the service
answers it with the same run or batch instead of a second one.
"""

import uuid

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Div, Field, Layout, Size
from django import forms

from consultants.models import Adviser, Term
from leadership.models import Participation, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES
from schools.models import School

from ..models import ReportKind, ReportRun, RunStatus

_FILTER_BUTTONS = HTML(
    '<div class="govuk-button-group">'
    '<button type="submit" class="govuk-button govuk-button--secondary" '
    'data-module="govuk-button">Apply filters</button>'
    '<a class="govuk-link" href="{{ request.path }}">Clear filters</a>'
    "</div>"
)


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(
        *fields, "idempotency_key", Button("save", button, data_prevent_double_click="true")
    )
    return helper


def visible_years(user):
    """The programme years `user` may ask reports for, the latest first."""
    return (
        ProgrammeYear.objects.visible_to(user)
        .select_related("local_authority")
        .order_by("-starts_on", "local_authority__name")
    )


class ProgrammeYearChoiceField(forms.ModelChoiceField):
    """A programme year by its name; with its LEA's name for an admin, who sees every LEA."""

    def __init__(self, *args, show_lea: bool = False, **kwargs):
        self.show_lea = show_lea
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name}, {obj.local_authority.name}" if self.show_lea else obj.name


class ReportRequestForm(forms.Form):
    """What every request for a report has: the programme year and the idempotency key."""

    programme_year = ProgrammeYearChoiceField(
        label="Programme year",
        queryset=ProgrammeYear.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the programme year",
            "invalid_choice": "Choose a programme year from the list",
        },
    )
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form has expired: send it again",
            "invalid": "The form has expired: send it again",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["programme_year"]
        field.queryset = visible_years(user)
        field.show_lea = user.is_admin
        # Made when the form is drawn; kept through a redisplay with errors, so that sending
        # the corrected form still counts as the same request.
        self.fields["idempotency_key"].initial = uuid.uuid4

    def request_key(self, kind: str) -> str:
        """The key the service keeps: the user's and the report's, so that one user's key can
        never meet another's."""
        return f"form:{kind}:{self.user.pk}:{self.cleaned_data['idempotency_key'].hex}"


class GovernorReportForm(ReportRequestForm):
    """Ask for one school's governor progress report for one term."""

    school = forms.ModelChoiceField(
        label="School",
        queryset=School.objects.none(),
        empty_label="Choose a school",
        error_messages={
            "required": "Choose the school",
            "invalid_choice": "Choose a school from the list",
        },
    )
    term = forms.ChoiceField(
        label="Term",
        choices=Term.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the term",
            "invalid_choice": "Choose a term from the list",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # The schools that held a place in a year the user may see; the service checks that
        # the school chosen took part in the year chosen.
        participating = Participation.objects.filter(
            programme_year__in=self.fields["programme_year"].queryset,
            status__in=PLACE_HOLDING_STATUSES,
        ).values("school")
        self.fields["school"].queryset = (
            School.objects.visible_to(user).filter(pk__in=participating).order_by("name")
        )
        self.helper = _helper(
            Field.select("programme_year"),
            Field.select("school"),
            Field.radios("term", inline=True),
            button="Ask for the report",
        )


class CaseloadReportForm(ReportRequestForm):
    """Ask for a PSCL caseload report: a strategy manager for one PSCL or for every PSCL of the
    year; a PSCL for their own caseload only (the field is left out)."""

    adviser = forms.ModelChoiceField(
        label="PSCL",
        queryset=Adviser.objects.none(),
        required=False,
        empty_label="Every PSCL of the year",
        error_messages={"invalid_choice": "Choose a PSCL from the list"},
    )

    def __init__(self, *args, user, pscl_only: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if pscl_only:
            del self.fields["adviser"]
            fields = [Field.select("programme_year")]
        else:
            self.fields["adviser"].queryset = (
                Adviser.objects.visible_to(user).pscls().order_by("full_name")
            )
            fields = [Field.select("programme_year"), Field.select("adviser")]
        self.helper = _helper(*fields, button="Ask for the report")


class StatementReportForm(ReportRequestForm):
    """Ask for a programme year's funding statement."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.helper = _helper(Field.select("programme_year"), button="Ask for the statement")


class BatchStartForm(ReportRequestForm):
    """Start the governor reports of every active school of an LEA for one term."""

    term = forms.ChoiceField(
        label="Term",
        choices=Term.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the term",
            "invalid_choice": "Choose a term from the list",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.helper = _helper(
            Field.select("programme_year"),
            Field.radios("term", inline=True),
            button="Start the reports",
        )


class RunFilterForm(forms.Form):
    """The list of runs' filters as a GOV.UK form sent by GET, so a filtered list has a URL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "run-filters"
        self.helper.label_size = Size.SMALL
        columns = [
            Div(Field.select(name), css_class="govuk-grid-column-one-quarter")
            for name in ("kind", "programme_year", "term", "status")
            if name in self.fields
        ]
        self.helper.layout = Layout(Div(*columns, css_class="govuk-grid-row"), _FILTER_BUTTONS)


def _filter_years(request):
    user = getattr(request, "user", None)
    if user is None:
        return ProgrammeYear.objects.none()
    return visible_years(user)


class RunFilter(django_filters.FilterSet):
    """Filters over the runs the user may list (the view gives the queryset): kind, programme
    year, term and, for those who follow every run, status."""

    kind = django_filters.ChoiceFilter(
        label="Kind",
        choices=ReportKind.choices,
        empty_label="All kinds",
        error_messages={"invalid_choice": "Select a kind from the list"},
    )
    programme_year = django_filters.ModelChoiceFilter(
        label="Programme year",
        queryset=_filter_years,
        empty_label="All years",
        error_messages={"invalid_choice": "Select a programme year from the list"},
    )
    term = django_filters.ChoiceFilter(
        label="Term",
        choices=Term.choices,
        empty_label="All terms",
        error_messages={"invalid_choice": "Select a term from the list"},
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=RunStatus.choices,
        empty_label="All statuses",
        error_messages={"invalid_choice": "Select a status from the list"},
    )

    class Meta:
        model = ReportRun
        fields = []
        form = RunFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, with_status=True):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if not with_status:
            del self.filters["status"]
