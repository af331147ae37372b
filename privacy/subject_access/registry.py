"""The registry of subject-access sections.

A section gathers one kind of record held about a person, as rows of plain values (never a
password hash, a token's key or a two-factor secret), in a fixed number of queries whatever
the person's history. Each section names the `app_label.Model.field` references to the user it
reads (`covers`): tests/privacy check that every reference to the user model in the project is
covered by a section or listed in `NOT_EXPORTED` with the reason. A new model that names a user
needs a section here (or a reason there), or that test fails.
"""

from collections.abc import Callable
from dataclasses import dataclass

Rows = list[dict]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    gather: Callable[..., Rows]
    covers: tuple[str, ...] = ()


SECTIONS: dict[str, Section] = {}

#: References to the user that no section exports, and why.
NOT_EXPORTED = {
    "authtoken.TokenProxy.user": "A proxy of authtoken.Token, which the api_token section covers.",
}


def section(name: str, title: str, *, covers: tuple[str, ...] = ()):
    """Register `func(user) -> rows` as the section `name`. Registering a name again replaces
    it, so that a module imported twice does not list a section twice."""

    def register(func):
        SECTIONS[name] = Section(name=name, title=title, gather=func, covers=covers)
        return func

    return register


def covered_references() -> set[str]:
    return {ref for section in SECTIONS.values() for ref in section.covers}


def rows(queryset, **columns: str) -> Rows:
    """The rows of `queryset` as dicts of `column -> value at the lookup path`, in one query."""
    paths = list(dict.fromkeys(columns.values()))
    return [{name: row[path] for name, path in columns.items()} for row in queryset.values(*paths)]
