"""The data protection pages in headless Debian Chromium: a strategy manager opens the page from
home, reads the retention rules, finds a person of their LEA and downloads their data; every
page passes an axe-core scan with no CSP violation or script error."""

import json
import zipfile

import pytest

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from privacy.models import SubjectAccessRequest
from privacy.services.retention import apply_retention
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


def test_a_manager_reads_the_rules_and_exports_a_persons_data(live_server, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    lea = LocalAuthorityFactory(name="Northmoor", code="855")
    school = SchoolFactory(local_authority=lea, name="Millfield Primary School")
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    head = make_user(
        Role.HEADTEACHER, school=school, email="head@millfield.example.org", full_name="Ruth Baker"
    )
    apply_retention(dry_run=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(accept_downloads=True)
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)

        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="Data protection", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Data protection")
        expect(page.locator("#retention-rules")).to_contain_text("Deactivated user accounts")
        expect(page.locator("#last-run")).to_contain_text("A dry run")
        assert axe_violations(page) == []

        page.get_by_role("link", name="Export a person's data").click()
        page.get_by_role("button", name="Search").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_label("Name or email address").fill("ruth")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#people")).to_contain_text("head@millfield.example.org")
        assert axe_violations(page) == []
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download the data of Ruth Baker").click()
        download = download_info.value
        with zipfile.ZipFile(download.path()) as content:
            document = json.loads(content.read("subject-access.json"))
        assert document["subject"]["email"] == head.email

        page.goto(f"{live_server.url}/privacy/")
        expect(page.locator("#exports")).to_contain_text("Ruth Baker")
        assert axe_violations(page) == []
        browser.close()
    assert SubjectAccessRequest.objects.get().subject == head
    assert problems == []
