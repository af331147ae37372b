"""Template context shared by every page."""

from django.urls import reverse

from .models import Role


def navigation(request):
    """The header's navigation for the signed-in user's role: a list of items with `label`,
    `url`, `active` (the page is the item's or below it) and `current` (the page is the item's).
    Worked out once a request for its user: a page whose parts are rendered with the request
    (the school page's sections) would otherwise reverse every item's URL again for each."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    cached = getattr(request, "_plp_navigation", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    context = _navigation(request, user)
    request._plp_navigation = (user.pk, context)
    return context


def _navigation(request, user) -> dict:
    items = [("Home", reverse("home"))]
    if user.role in (Role.ADMIN, Role.MANAGER):
        # The Monday check of the LEA: early warnings linking to the schools concerned.
        items.append(("Dashboard", reverse("reports:dashboard")))
    if user.role in (Role.HEADTEACHER, Role.GOVERNOR):
        if user.school_id:
            items.append(("Our school", reverse("schools:detail", args=[user.school.urn])))
        # The school's issued progress reports (issue 6: the governor's page of reports).
        items.append(("Reports", reverse("reports:run_list")))
    else:
        if user.role == Role.CONSULTANT:
            # The PSCL's own caseload comes first: it is where their work starts.
            items.append(("My schools", reverse("consultants:caseload")))
        items.append(("Schools", reverse("schools:list")))
        # Headteachers and governors follow their participation from the home page.
        items.append(("Programme", reverse("leadership:year_list")))
        if user.role in (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER):
            items.append(("Concerns", reverse("leadership:concern_list")))
        if user.role == Role.LINK_ADVISER:
            items.append(("Visit notes", reverse("consultants:visit_feed")))
            # Where link advisers recommend applicants to be PSCLs.
            items.append(("Advisers", reverse("consultants:adviser_list")))
        if user.role in (Role.ADMIN, Role.MANAGER):
            items.append(("PSCLs", reverse("consultants:pscl_home")))
            # Budgets, grants, payments, returns and value for money.
            items.append(("Funding", reverse("funding:funding_home")))
        # Names by URL only: accounts never imports reports (tests/test_dependencies.py).
        items.append(("Reports", reverse("reports:run_list")))
        items.append(("Watchlist", reverse("leadership:watchlist")))
    items.append(("Good practice", reverse("leadership:good_practice_list")))
    if user.is_admin and user.is_staff:
        items.append(("Django admin", reverse("admin:index")))
    current = request.path
    # The item of the page is the one whose URL is the longest start of the page's path, so
    # that a page under /reports/dashboard/ marks "Dashboard", not "Reports" (/reports/) too.
    containing = [
        url for _label, url in items if url == current or (url != "/" and current.startswith(url))
    ]
    active_url = max(containing, key=len, default=None)
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "active": url == active_url,
                "current": url == current,
            }
            for label, url in items
        ]
    }
