"""The data pages of issue 7 in headless Debian Chromium: an admin uploads a GIAS file with a bad
row, reads the dry run's report of it, imports the good rows, and finds the school in the
register with its download links. Every page on the way passes an axe-core scan, and the browser
reports no CSP violation or script error."""

import pytest

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from schools.models import ImportRecord, ImportStatus, School
from schools.tests.data import gias_row, gias_text
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


def test_an_admin_checks_a_gias_file_imports_its_good_rows_and_finds_the_school(
    live_server, settings, tmp_path, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path
    admin = make_user(Role.ADMIN, email="admin@plp.example.org")
    gias_file = tmp_path / "edubasealldata20250422.csv"
    gias_file.write_text(
        gias_text([gias_row(), gias_row(URN="100001", NumberOfPupils="lots")]), encoding="utf-8"
    )
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, admin.email, DEMO_PASSWORD)

        page.goto(f"{live_server.url}/schools/")
        page.get_by_role("link", name="Import data").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert axe_violations(page) == []
        page.locator("a[href$='/imports/new/gias/']").first.click()
        assert axe_violations(page) == []
        page.get_by_label("CSV file").set_input_files(str(gias_file))
        page.get_by_role("button", name="Upload and check").click()

        # The dry run: one school to create, one bad row with its line and column.
        expect(page.locator("main")).to_contain_text("NumberOfPupils")
        assert axe_violations(page) == []
        assert School.objects.count() == 0
        page.get_by_label("Import the good rows and leave out the rows with errors").check()
        page.get_by_role("button", name="Import", exact=True).click()
        expect(page.locator("main")).to_contain_text("The Aldgate School")
        assert axe_violations(page) == []

        page.goto(f"{live_server.url}/schools/")
        expect(page.get_by_role("link", name="The Aldgate School")).to_be_visible()
        expect(page.get_by_role("link", name="CSV").first).to_be_visible()
        assert axe_violations(page) == []
        browser.close()

    assert problems == []
    assert list(School.objects.values_list("urn", flat=True)) == [100000]
    assert ImportRecord.objects.filter(is_dry_run=False, status=ImportStatus.DONE).count() == 1
