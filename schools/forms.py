"""Forms of the schools register."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Div, Field, Layout, Size
from django import forms

from .imports.reading import head_problem

#: The filters in the order the form shows them, with how each is laid out.
_FILTER_LAYOUT = {
    "q": Field.text,
    "lea": Field.select,
    "phase": Field.select,
    "size": Field.select,
    "ofsted_category": Field.select,
    "below_average_va": lambda name: Field.checkbox(name, small=True),
}

_BUTTONS = HTML(
    '<div class="govuk-button-group">'
    '<button type="submit" class="govuk-button" data-module="govuk-button">Apply filters</button>'
    '<a class="govuk-link" href="{{ request.path }}">Clear filters</a>'
    "</div>"
)


class SchoolFilterForm(forms.Form):
    """The school list's filters as a GOV.UK form sent by GET, so a filtered list has a URL.

    The fields come from `schools.filters.SchoolFilter`; only those present are laid out (the
    LEA filter is left out for users who see one LEA). The button carries no name, so it adds
    nothing to the query string that the pagination links keep.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "school-filters"
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        columns = [
            Div(make_field(name), css_class="govuk-grid-column-one-third")
            for name, make_field in _FILTER_LAYOUT.items()
            if name in self.fields
        ]
        self.helper.layout = Layout(Div(*columns, css_class="govuk-grid-row"), _BUTTONS)


#: The largest import file accepted: the whole England GIAS file is about 60 MB.
IMPORT_MAX_BYTES = 200 * 1024 * 1024


class ImportUploadForm(forms.Form):
    """The file of an import, and the options of its kind (the year of a KS2 file, whether a
    GIAS import keeps all-through schools). Whether the file can be read is the importer's
    question: it answers with a clear message on the import's page."""

    file = forms.FileField(
        label="CSV file",
        help_text="A CSV file as downloaded, UTF-8 or Windows-1252.",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty: choose another",
            "invalid": "Choose a file to upload",
        },
    )
    year = forms.IntegerField(
        label="Year of the tests",
        help_text="The summer of the tests, for example 2019.",
        min_value=1990,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the year of the tests",
            "invalid": "Enter the year as four digits, like 2019",
            "min_value": "Enter a year from 1990",
            "max_value": "Enter a year before 2100",
        },
    )
    all_through = forms.BooleanField(label="Also import all-through schools", required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != "KS2":
            del self.fields["year"]
        if kind != "GIAS":
            del self.fields["all_through"]
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        layout = [Field("file")]
        if "year" in self.fields:
            layout.append(Field.text("year", field_width=4))
        if "all_through" in self.fields:
            layout.append(Field.checkbox("all_through", small=True))
        layout.append(Button("upload", "Upload and check", data_prevent_double_click="true"))
        self.helper.layout = Layout(*layout)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 200 MB")
        upload.seek(0)
        problem = head_problem(upload.read(8192))
        upload.seek(0)
        if problem:
            raise forms.ValidationError(problem)
        return upload

    def import_options(self) -> dict:
        options = {}
        if "year" in self.fields:
            options["year"] = self.cleaned_data["year"]
        if "all_through" in self.fields:
            options["all_through"] = self.cleaned_data["all_through"]
        return options


class ImportConfirmForm(forms.Form):
    """Confirming a dry run. A file with errors imports only if the user ticks the box."""

    import_good_rows = forms.BooleanField(
        label="Import the good rows and leave out the rows with errors", required=False
    )

    def __init__(self, *args, has_errors: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_errors = has_errors
        if not has_errors:
            del self.fields["import_good_rows"]
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own form posts to the confirm URL
        layout = [Field.checkbox("import_good_rows", small=True)] if has_errors else []
        layout.append(Button("confirm", "Import", data_prevent_double_click="true"))
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        if self.has_errors and not cleaned.get("import_good_rows"):
            self.add_error(
                "import_good_rows",
                "The file has errors: tick the box to import the good rows, or correct the file",
            )
        return cleaned
