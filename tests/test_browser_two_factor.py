"""Two-factor sign-in in headless Chromium: a strategy manager's first sign-in sets up an
authenticator app from the key on the page, keeps the recovery codes, and later signs in with the
password and a code, after a wrong one. The set-up, recovery-code and code pages pass an axe-core
scan, and the browser reports no Content Security Policy violation (the QR code is a data:
image)."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.factories import DEMO_PASSWORD, totp_code_for
from accounts.models import Role
from conftest import make_user
from schools.factories import LocalAuthorityFactory
from tests.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    collect_problems,
    skip_without_chromium,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

skip_without_chromium()


def _password_step(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_sets_up_two_factor_then_signs_in_with_a_code(live_server, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    base = live_server.url

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        collect_problems(page, problems)

        _password_step(page, base, manager.email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
        expect(page.get_by_role("img", name="QR code")).to_be_visible()
        assert axe_violations(page) == []

        key = page.locator(".app-otp-key").inner_text().replace(" ", "")
        code = str(TOTP(_b32_to_bytes(key)).token()).zfill(6)
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Confirm").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
        expect(page.locator(".app-recovery-codes li")).to_have_count(10)
        assert axe_violations(page) == []
        page.get_by_role("link", name="I have kept my recovery codes").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Northmoor")

        page.get_by_role("button", name="Sign out").click()
        _password_step(page, base, manager.email)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Enter the code from your authenticator app"
        )
        assert axe_violations(page) == []

        page.get_by_label("Code").fill("000000" if code != "000000" else "111111")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-message")).to_contain_text("The code is not right")
        expect(page).to_have_title("Error: Enter your code - PLP Admin")
        assert axe_violations(page) == []

        # django-otp makes the app wait a second after a wrong code before it takes another.
        page.wait_for_timeout(1500)
        device = TOTPDevice.objects.get(user=manager)
        page.get_by_label("Code").fill(totp_code_for(device))
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Northmoor")

        page.get_by_role("link", name="Your account").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
        expect(page.get_by_text("Required for your role.")).to_be_visible()
        assert axe_violations(page) == []
        browser.close()

    assert problems == []


def _b32_to_bytes(key: str) -> bytes:
    from base64 import b32decode

    return b32decode(key + "=" * (-len(key) % 8))
