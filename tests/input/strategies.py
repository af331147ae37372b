"""Hypothesis strategies for the values a form's fields may be sent: what a user would type or
choose, and what an attacker or a broken client would send instead (other objects' ids, the
other LEA's among them, very long strings, unicode, control characters, NUL bytes, numbers out
of range, negative money, malformed dates, missing fields)."""

import string

from hypothesis import strategies as st

from .html_forms import Field, HtmlForm

#: A field left out of the request altogether.
MISSING = object()

NASTY = [
    "",
    " ",
    "\t\n",
    "0",
    "-1",
    "-0.01",
    "-99999.99",
    "1e309",
    "1e-7",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x1F",
    "²",
    "١٢",
    "½",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "9" * 40,
    "12345678.123456789",
    "1,000",
    "£120",
    "3.5.1",
    "2004-02-30",
    "31/02/2004",
    "0000-00-00",
    "9999-12-31",
    "99999",
    "-2004",
    "2004-13-01",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202ecod.exe",
    "\ufeff",
    "\uff3a\u0338\u0322\u034e\u0344a\u0323\u0337\u0350l\u0331\u0334\u0313g\u0337o",
    "😀" * 50,
    "<script>window.__xss=1</script>",
    "' OR '1'='1",
    "../../etc/passwd",
    "a" * 300,
    "x" * 10_001,
    "None",
    "null",
    "true",
    "[]",
    "{}",
]


def _plausible_text(f: Field):
    name = f.name.lower()
    if name.endswith("_0") or name.endswith("day"):
        return st.integers(1, 28).map(str)
    if name.endswith("_1") or name.endswith("month"):
        return st.integers(1, 12).map(str)
    if name.endswith("_2") or name.endswith("year"):
        return st.sampled_from(["2004", "2005"])
    if f.kind == "number" or f.inputmode == "numeric":
        return st.integers(0, 40).map(str)
    if f.inputmode == "decimal":
        return st.decimals(0, 500, places=2).map(str)
    if f.kind == "email" or "email" in name:
        return st.just("someone@example.org")
    if f.kind == "date":
        return st.just("2004-12-01")
    if f.kind == "password":
        return st.just("A-long-and-unusual-passphrase-9")
    if f.kind == "url":
        return st.just("https://example.org/")
    return st.text(string.ascii_letters + " .,'-", min_size=1, max_size=40).map(str.strip)


def good_value(f: Field):
    """What a user would send for `f`."""
    if f.kind == "hidden":
        return st.just(f.value)
    if f.kind == "submit":
        return st.sampled_from(f.options or [f.value])
    if f.kind == "select":
        options = [o for o in f.options if o != ""] or f.options or [""]
        if f.multiple:
            return st.lists(st.sampled_from(options), unique=True, max_size=3)
        return st.sampled_from(options)
    if f.kind == "radio":
        return st.sampled_from(f.options)
    if f.kind == "checkbox":
        if f.multiple or len(f.options) > 1:
            return st.lists(st.sampled_from(f.options), unique=True)
        return st.sampled_from([MISSING, f.options[0]])
    plausible = _plausible_text(f)
    if f.value:
        return st.one_of(st.just(f.value), plausible)
    return plausible


def bad_value(f: Field, ids: list[int]):
    """What a broken or hostile client might send for `f` instead."""
    choices = [
        st.just(MISSING),
        st.sampled_from(NASTY),
        st.text(max_size=60),
        st.sampled_from(ids).map(str),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.lists(st.sampled_from(NASTY[:30]), min_size=2, max_size=3),
    ]
    if f.options:
        # A real choice of another field, or several values where one is expected.
        choices.append(st.lists(st.sampled_from(f.options), min_size=2, max_size=3))
    return st.one_of(choices)


@st.composite
def payload(draw, form: HtmlForm | None, ids: list[int]):
    """The data of one POST of `form`: every field plausible, or one, some or all bad."""
    fields = [f for f in (form.fields.values() if form else []) if f.kind != "file"]
    names = [f.name for f in fields]
    mode = draw(st.sampled_from(["valid", "valid", "one", "some", "chaos"]))
    bad = set()
    if names and mode == "one":
        bad = {draw(st.sampled_from(names))}
    elif names and mode == "some":
        bad = set(draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))))
    elif mode == "chaos":
        bad = set(names)
    data = {}
    for f in fields:
        value = draw(bad_value(f, ids) if f.name in bad else good_value(f))
        if value is not MISSING:
            data[f.name] = value
    if mode == "chaos" or not names:
        extra = draw(
            st.dictionaries(
                st.sampled_from(
                    ["id", "pk", "school", "user", "status", "amount", "action", "next"]
                ),
                st.one_of(st.sampled_from(NASTY), st.sampled_from(ids).map(str)),
                max_size=3,
            )
        )
        data.update(extra)
    return data
