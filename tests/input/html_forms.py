"""The forms of a page, as a browser would post them: fields read from the HTML with the
standard library's parser (inputs with their types, selects with their options, textareas,
checkboxes and radios, named submit buttons)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    name: str
    kind: str  # text, number, email, date, hidden, textarea, select, checkbox, radio, file, submit
    value: str = ""
    options: list = field(default_factory=list)  # select options, radio/checkbox values
    multiple: bool = False
    checked: list = field(default_factory=list)  # values checked or selected
    inputmode: str = ""


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> Field
    enctype: str = ""

    def defaults(self) -> dict:
        """What the browser posts if the user changes nothing and presses the first button."""
        data = {}
        for f in self.fields.values():
            if f.kind in ("file", "submit"):
                continue
            if (f.kind in ("checkbox", "select") and f.multiple) or f.kind == "checkbox":
                if f.checked:
                    data[f.name] = list(f.checked)
            elif f.kind == "radio":
                if f.checked:
                    data[f.name] = f.checked[0]
            elif f.kind == "select":
                data[f.name] = f.checked[0] if f.checked else (f.options[0] if f.options else "")
            else:
                data[f.name] = f.value
        buttons = [f for f in self.fields.values() if f.kind == "submit"]
        if buttons:
            data[buttons[0].name] = buttons[0].value
        return data


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def _add(self, f: Field):
        fields = self._form.fields
        if f.name in fields and f.kind in ("radio", "checkbox", "submit"):
            known = fields[f.name]
            known.options.extend(f.options)
            known.checked.extend(f.checked)
            if f.kind == "checkbox":
                known.multiple = True
        else:
            fields[f.name] = f

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = HtmlForm(
                action=a.get("action") or "",
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype") or "",
            )
            self.forms.append(self._form)
            return
        if self._form is None or ("name" not in a and tag != "option"):
            return
        name = a.get("name")
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("button", "reset", "image"):
                return
            value = a.get("value") or ""
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                self._add(
                    Field(name, kind, options=[value], checked=[value] if "checked" in a else [])
                )
            elif kind == "submit":
                self._add(Field(name, kind, value=value, options=[value]))
            else:
                self._add(Field(name, kind, value=value, inputmode=a.get("inputmode") or ""))
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            value = a.get("value") or ""
            self._add(Field(name, "submit", value=value, options=[value]))
        elif tag == "select":
            self._select = Field(name, "select", multiple="multiple" in a)
            self._add(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = Field(name, "textarea")
            self._add(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value = self._option.get("value", self._option_text.strip())
            self._select.options.append(value)
            if "selected" in self._option:
                self._select.checked.append(value)
            self._option = None


def forms_of(html: str) -> list[HtmlForm]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_posting_to(html: str, page_url: str, target_path: str) -> HtmlForm | None:
    """The POST form of the page at `page_url` whose action is `target_path` (an empty action
    posts to the page itself), or None."""
    for form in forms_of(html):
        if form.method != "post":
            continue
        action = urlsplit(urljoin(page_url, form.action or page_url)).path
        if action == target_path:
            return form
    return None
