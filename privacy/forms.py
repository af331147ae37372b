from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or email address",
        max_length=150,
        error_messages={"required": "Enter part of the person's name or email address"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "person-search"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("q", field_width=Fluid.TWO_THIRDS), Button.secondary("search", "Search")
        )
