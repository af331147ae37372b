"""Helpers for the tests that compare the forms written by `accounts.govuk_forms` with the
markup crispy-forms-gds writes for the same layout: what the app's other forms still use, so
a change of either shows in a test."""

import re

from django.template import Context, Template


def same(html: str) -> str:
    """Markup without the whitespace next to its tags (the templates' indentation, the newline
    that starts a textarea) or before a tag's end, which browsers do not show here."""
    html = re.sub(r"\s+", " ", html).replace(" >", ">")
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html).strip()


def crispy(form, layout, *, form_tag=False, form_id="", form_method="post", context=None) -> str:
    """`form` written by crispy-forms-gds with `layout`, small labels and legends, as the app's
    forms set them."""
    from crispy_forms_gds.helper import FormHelper
    from crispy_forms_gds.layout import Size

    form.helper = FormHelper()
    form.helper.form_tag = form_tag
    form.helper.form_id = form_id
    form.helper.form_method = form_method
    form.helper.disable_csrf = True
    form.helper.label_size = Size.SMALL
    form.helper.legend_size = Size.SMALL
    form.helper.layout = layout
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": form, **(context or {})})
    )
