"""The static files of the npm packages (config/staticfinders.py, decision 004): what the pages
load is found, served and collected; the packages' sources are not. Needs `npm ci` and
`npm run build` (the Makefile runs both)."""

import posixpath
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from config.staticfinders import NpmFilesFinder

STATIC = Path(settings.BASE_DIR) / "static"


def _listed() -> set[str]:
    return {
        f"{storage.prefix}/{path}"
        for path, storage in NpmFilesFinder().list(None)
        if getattr(storage, "prefix", None)
    }


def test_the_finder_lists_what_the_pages_load_and_none_of_the_packages_sources():
    listed = _listed()

    assert {
        "govuk/govuk-frontend.min.js",
        "govuk/govuk-frontend.min.js.map",
        "govuk/assets/images/govuk-crest.svg",
        "govuk/assets/manifest.json",
        "htmx/htmx.min.js",
    } <= listed
    assert any(path.startswith("govuk/assets/fonts/") for path in listed)
    sources = [path for path in listed if path.endswith((".scss", ".njk", ".mjs", ".yaml"))]
    assert sources == []
    assert len(listed) < 60


def test_the_listed_files_leave_out_what_collectstatic_is_told_to_ignore():
    listed = {path for path, _ in NpmFilesFinder().list(["*.map", "assets"])}

    assert "govuk-frontend.min.js" in listed
    assert not any(path.endswith(".map") or path.startswith("assets/") for path in listed)


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("govuk/govuk-frontend.min.js", "govuk-frontend/dist/govuk/govuk-frontend.min.js"),
        ("govuk/assets/images/govuk-crest.svg", "govuk-frontend/dist/govuk/assets/images"),
        ("htmx/htmx.min.js", "htmx.org/dist/htmx.min.js"),
        # A package's sources, its other builds, and what lies outside its folder: not found.
        ("govuk/components/button/_index.scss", None),
        ("govuk/all.bundle.js", None),
        ("govuk/assets", None),
        ("htmx/htmx.js", None),
        ("htmx/../package.json", None),
        ("govuk-frontend.min.js", None),
    ],
)
def test_the_finder_finds_a_served_file_only(path, found):
    result = finders.find(path)

    if found is None:
        assert result is None
    else:
        assert found in str(result)
        assert Path(result).is_file()


def test_find_all_gives_every_match():
    assert NpmFilesFinder().find("htmx/htmx.min.js", find_all=True) == [
        str(Path(settings.BASE_DIR) / "node_modules" / "htmx.org" / "dist" / "htmx.min.js")
    ]
    assert NpmFilesFinder().find("htmx/htmx.js", find_all=True) == []


def test_the_check_names_a_listed_file_that_is_missing(settings, tmp_path):
    (tmp_path / "present.js").write_text("")
    settings.NPM_STATIC_FILES = {"pkg": (tmp_path, ["present.js", "gone.js", "assets"])}

    warnings = NpmFilesFinder().check()

    assert [warning.id for warning in warnings] == ["config.W001", "config.W001"]
    assert str(tmp_path / "gone.js") in warnings[0].msg
    assert "make install" in warnings[0].hint
    assert str(tmp_path / "assets") in warnings[1].msg


def test_the_installed_packages_have_every_file_named():
    assert NpmFilesFinder().check() == []


def test_every_file_the_stylesheet_and_scripts_point_at_is_found():
    """app.css's url()s and app.js's imports are relative to their own place under /static/."""
    pointers = [
        ("dist", re.findall(r'url\("?([^")]+)"?\)', (STATIC / "dist" / "app.css").read_text())),
        ("js", re.findall(r'from "([^"]+)"', (STATIC / "js" / "app.js").read_text())),
    ]
    named = [
        posixpath.normpath(f"{folder}/{target}")
        for folder, targets in pointers
        for target in targets
        if not target.startswith("data:")
    ]

    assert "govuk/govuk-frontend.min.js" in named
    assert "govuk/assets/images/govuk-crest.svg" in named
    assert [path for path in named if finders.find(path) is None] == []


@pytest.mark.django_db
def test_a_served_file_is_answered_and_a_source_file_is_not():
    client = Client()

    served = client.get("/static/govuk/govuk-frontend.min.js")
    source = client.get("/static/govuk/components/button/_index.scss")

    assert served.status_code == 200
    assert b"initAll" in b"".join(served.streaming_content)
    assert source.status_code == 404
