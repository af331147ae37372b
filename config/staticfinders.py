"""The static files of the front-end packages installed from npm (pinned in package-lock.json):
only those the pages load, not the packages' sources.

GOV.UK Frontend's `dist/govuk` holds about 850 files: the Sass, Nunjucks templates, fixtures, ES
modules and source maps of every component. The pages load its compiled script and its assets
(fonts, images, the web app manifest); the site's stylesheet is compiled from its Sass into
static/dist by `npm run build`. htmx's `dist` holds a build for each module system; the pages
load `htmx.min.js`.

`NPM_STATIC_FILES` (config/settings.py) names, for each URL prefix under STATIC_URL, the package
folder and the files and folders of it that are served. This finder finds and lists those only,
so `collectstatic` copies, hashes and compresses only them, and WhiteNoise, which outside
production reads the finders' list of files each time its middleware is built (once a process,
or once a test client), has a quarter of the files to read."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, searched_locations
from django.core.checks import Warning
from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_join


class NpmFilesFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        #: (prefix, package folder, its storage, the paths in it that are served)
        self.packages = []
        for prefix, (root, served) in settings.NPM_STATIC_FILES.items():
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix
            self.packages.append((prefix, Path(root), storage, tuple(served)))
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        return [
            Warning(
                f"{root / name} in NPM_STATIC_FILES does not exist.",
                hint="Install the npm packages: make install (npm ci).",
                id="config.W001",
            )
            for _, root, _, served in self.packages
            for name in served
            if not (root / name).exists()
        ]

    # RemovedInDjango61Warning: When the deprecation ends, replace with:
    # def find(self, path, find_all=False):
    def find(self, path, find_all=False, **kwargs):
        if kwargs:
            find_all = self._check_deprecated_find_param(find_all=find_all, **kwargs)
        matches = []
        for prefix, root, _, served in self.packages:
            name = path.removeprefix(f"{prefix}/")
            if name == path or not _is_served(name, served):
                continue
            if str(root) not in searched_locations:
                searched_locations.append(str(root))
            found = safe_join(root, name)
            if os.path.isfile(found):
                if not find_all:
                    return found
                matches.append(found)
        return matches

    def list(self, ignore_patterns):
        for _, root, storage, served in self.packages:
            for name in served:
                if utils.matches_patterns(name, ignore_patterns or ()):
                    continue
                if (root / name).is_dir():
                    for path in utils.get_files(storage, ignore_patterns, location=name):
                        yield path, storage
                elif (root / name).is_file():
                    yield name, storage


def _is_served(name: str, served: tuple[str, ...]) -> bool:
    """Whether `name` (a path in a package folder) is one of `served` or inside one of them."""
    return any(name == entry or name.startswith(f"{entry}/") for entry in served)
