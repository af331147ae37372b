"""The reports' section of a school's page: the school's issued governor reports that the
reader may open, and for strategy managers and admins a way to ask for one. Registered in
`ReportsConfig.ready()` with `schools.panels.register_school_section`; `schools` never imports
reports."""

from django.template.loader import render_to_string

from .selectors.runs import issued_reports_by_term, may_follow_every_run


def reports_school_section(request, school):
    """The school's governor reports the user may read (through `visible_to`), latest term
    first; None for a reader who has none to read and may not ask for one."""
    user = request.user
    groups = issued_reports_by_term(user=user, school=school)
    may_ask = may_follow_every_run(user)
    if not groups and not may_ask:
        return None
    # Rendered without the request: the section reads nothing from it, and a RequestContext
    # would run every context processor (the header's navigation) again for each section.
    return render_to_string(
        "reports/runs/school_section.html",
        {"school": school, "groups": groups, "may_ask": may_ask},
    )
