"""Forms of the schools register."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from accounts.govuk_forms import Column, GovukFilterFormMixin, Show

from .imports.reading import head_problem


class SchoolFilterForm(GovukFilterFormMixin, forms.Form):
    """The school list's filters as a GOV.UK form sent by GET, so a filtered list has a URL.

    The fields come from `schools.filters.SchoolFilter`; only those present are laid out (the
    LEA filter is left out for users who see one LEA). Written in one pass with the page
    (`accounts.govuk_forms`): the list is the page most asked for.
    """

    form_id = "school-filters"
    columns = tuple(
        Column(show, "govuk-grid-column-one-third")
        for show in (
            Show("q"),
            Show("lea"),
            Show("phase"),
            Show("size"),
            Show("ofsted_category"),
            Show("below_average_va", small=True),
        )
    )


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
