"""Dependencies between the apps point one way (ARCHITECTURE.md, STYLE.md):

    accounts <- schools <- leadership <- consultants <- funding <- reports <- api, audit, privacy

An app may import only the apps to its left; api (the REST API), audit (the change history and
access logs) and privacy (retention, subject-access exports) sit on top of them all, side by side.
funding builds on consultants (PSCLs are paid for the days their submitted visits delivered),
never the other way round. The rule is about the application code: tests (an app's tests/
package, test_*.py, conftest.py) may build their data with any app's factories.
"""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
#: Each app's layer: an app may import apps of lower layers only.
LAYERS = {
    "accounts": 0,
    "schools": 1,
    "leadership": 2,
    "consultants": 3,
    "funding": 4,
    "reports": 5,
    "api": 6,
    "audit": 6,
    "privacy": 6,
}


def _is_test_module(path: Path, app_dir: Path) -> bool:
    parts = path.relative_to(app_dir).parts
    return "tests" in parts[:-1] or path.name.startswith("test_") or path.name == "conftest.py"


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def forbidden_imports(root: Path, app: str) -> list[str]:
    """Every import in `app`'s application code (under `root`) of an app it may not depend on,
    as "path:line imports module"."""
    app_dir = root / app
    found = []
    for path in sorted(app_dir.rglob("*.py")):
        if _is_test_module(path, app_dir):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lineno, module in _imported_modules(tree):
            target = module.split(".")[0]
            if target != app and target in LAYERS and LAYERS[target] >= LAYERS[app]:
                found.append(f"{path.relative_to(root)}:{lineno} imports {module}")
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    assert (BASE_DIR / app / "__init__.py").exists()

    assert forbidden_imports(BASE_DIR, app) == []


def test_the_check_finds_upward_and_sideways_imports_anywhere_in_a_module(tmp_path):
    (tmp_path / "schools").mkdir()
    (tmp_path / "schools" / "services.py").write_text(
        "from accounts.models import User\n"
        "from .models import School\n"
        "def f():\n"
        "    from reports import tasks\n"
    )
    (tmp_path / "consultants" / "tests").mkdir(parents=True)
    (tmp_path / "consultants" / "visits.py").write_text("import funding.models as f\n")
    (tmp_path / "consultants" / "tests" / "test_visits.py").write_text("import reports.views\n")

    assert forbidden_imports(tmp_path, "schools") == ["schools/services.py:4 imports reports"]
    assert forbidden_imports(tmp_path, "consultants") == [
        "consultants/visits.py:1 imports funding.models"
    ]
