"""Bad input (issue 8, item 10) in a real browser: with script stored in every free-text field
(tests/input/poison.py), the pages that show the most of it run none of it: `window.__xss` stays
undefined, no dialog opens, and no element of the payload is in the page's DOM."""

import pytest
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from tests.browser import CHROMIUM, CHROMIUM_ARGS, sign_in, skip_without_chromium

from .poison import poison_world
from .world import TODAY, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

skip_without_chromium()


def pages(world):
    own = world.own
    part = own.participation.pk
    return [
        reverse("home"),
        reverse("schools:detail", args=[own.school.urn]),
        reverse("leadership:timeline", args=[own.school.urn]),
        reverse("leadership:participation_detail", args=[part]),
        reverse("leadership:team", args=[part]),
        reverse("leadership:plan", args=[part]),
        reverse("consultants:visit_detail", args=[own.visit.pk]),
        reverse("funding:return_detail", args=[part]),
        reverse("leadership:concern_detail", args=[own.concern.pk]),
        reverse("reports:dashboard"),
        reverse("leadership:team_member_edit", args=[own.member.pk]),
    ]


def test_stored_script_never_runs_in_the_browser(live_server, settings, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PLP_TODAY = TODAY
    world = build_world()
    manager = world.own.users[Role.MANAGER]
    dialogs, opened, shown_as_text = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)
        # After signing in: the payloads go into the email addresses too.
        poison_world()
        for path in pages(world):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            opened.append(path)
            assert page.evaluate("typeof window.__xss") == "undefined", path
            # The payload is text in the page, never elements.
            assert page.locator("img[src='x']").count() == 0, path
            assert page.locator("svg[onload]").count() == 0, path
            if "<script>window.__xss=1</script>" in page.inner_text("main"):
                shown_as_text.append(path)
        browser.close()
    assert dialogs == []
    assert len(opened) == len(pages(world))
    # ...and the stored text is there, shown as text.
    assert len(shown_as_text) >= len(opened) // 2, shown_as_text
