"""Every page of the visit log in a phone-sized headless Chromium: each passes an axe-core scan
(no serious or critical violation), and the browser reports no CSP violation or script error.
The PSCL's pages, the form with its errors, the visit with its changes since submission, and
the headteacher's pages. (The end-to-end journey, a PSCL logging a visit that the link adviser
reads, is in `tests/`.)"""

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from consultants.factories import AgreedActionFactory, PreVisitNoteFactory, VisitFactory
from schools.factories import LocalAuthorityFactory, SchoolFactory
from tests.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    collect_problems,
    sign_in,
    skip_without_chromium,
)

from .test_visits_world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

skip_without_chromium()

PHONE = {"width": 375, "height": 800}


def test_every_visit_page_passes_axe_at_phone_width(live_server):
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    school = SchoolFactory(local_authority=lea, name="Millfield Primary School")
    sibling = SchoolFactory(local_authority=lea, name="Oakwood Primary School")
    roles = (Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR)
    users = {role: make_user(role, lea=lea, school=school) for role in roles}
    world = make_world(lea=lea, school=school, sibling_school=sibling, users=users)
    visit = VisitFactory(allocation=world.allocation)
    AgreedActionFactory(visit=visit)
    planned = PreVisitNoteFactory(visit__allocation=world.allocation).visit
    base = f"{live_server.url}/consultants/"
    problems: list[str] = []
    violations = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=PHONE).new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, users[Role.CONSULTANT].email, DEMO_PASSWORD)
        for path in (
            f"allocations/{world.allocation.pk}/visits/new/",
            f"allocations/{world.allocation.pk}/visits/plan/",
            f"visits/{visit.pk}/",
            f"visits/{visit.pk}/edit/",
            f"visits/{planned.pk}/log/",
            f"visits/{planned.pk}/cancel/",
            f"schools/{school.urn}/visits/",
            "calendar/",
        ):
            page.goto(base + path)
            violations[path] = axe_violations(page)

        page.goto(f"{base}allocations/{world.allocation.pk}/visits/new/")
        page.get_by_label("Hours", exact=True).check()
        page.get_by_label("Number of hours").fill("2.5")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        violations["the form with errors"] = axe_violations(page)

        page.goto(f"{base}visits/{visit.pk}/edit/")
        page.get_by_label("Notes").fill("Changed after submission.")
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("heading", name="Changes since submission")).to_be_visible()
        violations["the visit with its changes"] = axe_violations(page)

        head_page = browser.new_context(viewport=PHONE).new_page()
        collect_problems(head_page, problems)
        sign_in(head_page, live_server.url, users[Role.HEADTEACHER].email, DEMO_PASSWORD)
        for path in (f"schools/{school.urn}/visits/", f"visits/{planned.pk}/pre-visit-note/"):
            head_page.goto(base + path)
            violations[f"headteacher: {path}"] = axe_violations(head_page)
        browser.close()
    assert {path: found for path, found in violations.items() if found} == {}
    assert problems == []
