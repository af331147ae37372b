"""Sections that the apps above `schools` add to a school's page (its participation in the
programme, its plan's flags, its timeline...) without `schools` importing them: each app
registers a function in its AppConfig.ready()."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

SchoolSection = Callable[[HttpRequest, "School"], SafeString | None]  # noqa: F821

_sections: list[SchoolSection] = []


def register_school_section(section: SchoolSection) -> SchoolSection:
    """Add `section` to every school page; it returns rendered HTML, or None to show nothing.
    It is called only for a school the user may see, and must keep to the user's scope."""
    if section not in _sections:
        _sections.append(section)
    return section


def school_sections(request: HttpRequest, school) -> list[SafeString]:
    """The rendered sections for `school`'s page, in the order they were registered."""
    rendered = (section(request, school) for section in _sections)
    return [html for html in rendered if html]
