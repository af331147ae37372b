"""Shared set-up for the Playwright journeys: Debian's Chromium, and the axe-core scan."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def skip_without_chromium():
    """Skip the module where Chromium is missing, except in CI, which always installs it."""
    if not shutil.which(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip(
            f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium); "
            ".ci/run installs it, so CI always runs this test.",
            allow_module_level=True,
        )


def axe_violations(page):
    """Serious and critical axe-core violations on the current page."""
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def collect_problems(page, problems: list[str]) -> None:
    """Record console errors (a CSP violation is one) and uncaught script errors."""
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))


def sign_in(page, base_url, email, password):
    """Sign in through the real pages: the password, then (for a user who must use two-factor
    sign-in, or has chosen to) the code of their authenticator app, computed from the device the
    live server reads from the same test database; a user of a required role with no app yet is
    given one first, so that the test lands where a signed-in user would."""
    from accounts.models import User
    from accounts.twofactor import policy

    with _orm_allowed():
        user = User.objects.filter(email=email.strip().lower()).first()
        device = None
        if user is not None and user.is_active and policy.needs_second_factor(user):
            from accounts.factories import totp_device_for

            device = totp_device_for(user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    if device is None:
        page.get_by_role("button", name="Sign in").click()
        return
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/accounts/two-factor/" in page.url:
        from accounts.factories import totp_code_for

        with _orm_allowed():
            code = totp_code_for(device)
        page.get_by_label("Code").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


@contextmanager
def _orm_allowed():
    """Playwright's sync API runs an event loop in the test's thread; the ORM calls of `sign_in`
    run between its steps, never during one (as the browser tests' own set-up does)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
