"""Shared set-up for the Playwright journeys: Debian's Chromium, and the axe-core scan."""

import os
import shutil
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
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
