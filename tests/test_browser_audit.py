"""The audit pages in headless Debian Chromium: a strategy manager opens a school's page, then
finds that reading and a change to a participation on the audit pages, filters the changes,
and every page passes an axe-core scan with no CSP violation or script error."""

import pytest

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from audit.tests.records import every_kind
from conftest import make_user
from schools.factories import LocalAuthorityFactory, SchoolFactory
from tests.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    collect_problems,
    sign_in,
    skip_without_chromium,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

skip_without_chromium()


def test_a_manager_reads_who_changed_and_who_viewed_what(live_server, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    lea = LocalAuthorityFactory(name="Northmoor", code="855")
    school = SchoolFactory(local_authority=lea, name="Millfield Primary School")
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    participation = every_kind(school)["participation"]
    participation.is_not_yet_progressing = True
    participation._history_user = manager
    participation.save()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)

        page.goto(f"{live_server.url}/schools/{school.urn}/")
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="Audit", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
        assert axe_violations(page) == []

        page.get_by_role("link", name="Change history").click()
        expect(page.locator("main")).to_contain_text("Not yet making the progress")
        assert axe_violations(page) == []
        page.get_by_label("Kind of record").select_option("participation")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.locator("tbody")).to_contain_text("Participation")
        expect(page.locator("tbody")).not_to_contain_text("Plan priority")
        page.get_by_label("School URN").fill("999999")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert axe_violations(page) == []

        page.goto(f"{live_server.url}/audit/views/")
        expect(page.locator("main")).to_contain_text("Millfield Primary School")
        assert axe_violations(page) == []
        browser.close()

    assert problems == []
