"""scripts/audit_dependencies.py (`make audit`): how it judges pip-audit's answers. A known
vulnerability fails; a service that could not be reached is said loudly and never reads as
"audited"; pip-audit's own failures fail. pip-audit itself is faked here (the machine running the
tests may have no route to a vulnerability service), except to check that the real one accepts
the command line and reads the real requirements files."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SCRIPT = BASE_DIR / "scripts" / "audit_dependencies.py"
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"

_spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(_spec)
# Registered before it runs: its dataclass looks its module up there.
sys.modules.setdefault("audit_dependencies", audit)
_spec.loader.exec_module(audit)

DJANGO_ADVISORY = {
    "id": "PYSEC-2099-1",
    "fix_versions": ["5.2.99"],
    "aliases": ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"],
}


def _report(*dependencies: dict) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def _audited(name: str, version: str = "1.0", *vulns: dict) -> dict:
    return {"name": name, "version": version, "vulns": list(vulns)}


def _skipped(name: str) -> dict:
    return {
        "name": name,
        "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)",
    }


def test_a_report_with_no_vulnerability_passes_and_says_so():
    verdict = audit.judge("base.txt", 0, _report(_audited("django"), _audited("celery")), "", {})

    assert verdict.status == audit.CLEAN
    assert verdict.audited == 2
    assert audit.exit_code([verdict], strict=True) == 0
    assert "No known vulnerability" in audit.describe([verdict], strict=False)


def test_a_known_vulnerability_fails_and_names_the_package_advisory_and_fix():
    report = _report(_audited("django", "5.2.1", DJANGO_ADVISORY), _audited("celery"))

    verdict = audit.judge("base.txt", 1, report, "", {})

    assert verdict.status == audit.VULNERABLE
    assert audit.exit_code([verdict], strict=False) == 1
    message = audit.describe([verdict], strict=False)
    assert "VULNERABLE django 5.2.1: PYSEC-2099-1 / CVE-2099-0001" in message
    assert "fixed in 5.2.99" in message
    assert "No known vulnerability" not in message


def test_a_vulnerability_fails_even_when_other_packages_could_not_be_looked_up():
    report = _report(_audited("django", "5.2.1", DJANGO_ADVISORY), _skipped("celery"))

    verdict = audit.judge("base.txt", 1, report, "", {})

    assert audit.exit_code([verdict], strict=False) == 1
    assert "not audited: celery" in audit.describe([verdict], strict=False)


def test_an_accepted_advisory_passes_by_any_of_its_ids_and_is_listed_with_its_reason():
    report = _report(_audited("django", "5.2.1", DJANGO_ADVISORY))
    accepted = {"GHSA-aaaa-bbbb-cccc": "only the Oracle backend; we use PostgreSQL"}

    verdict = audit.judge("base.txt", 1, report, "", accepted)

    assert verdict.status == audit.CLEAN
    assert audit.exit_code([verdict], strict=True) == 0
    assert "accepted: only the Oracle backend" in audit.describe([verdict], strict=False)


def test_when_no_package_could_be_looked_up_it_says_not_audited_loudly_without_failing():
    report = _report(_skipped("django"), _skipped("celery"))

    verdict = audit.judge("base.txt", 0, report, "No known vulnerabilities found", {})

    assert verdict.status == audit.UNREACHABLE
    assert verdict.audited == 0
    message = audit.describe([verdict], strict=False)
    assert audit.NOT_AUDITED_BANNER in message
    assert "pip-audit could not reach the vulnerability service" in message
    assert "No known vulnerability" not in message
    assert audit.exit_code([verdict], strict=False) == 0


def test_strict_mode_fails_when_the_service_cannot_be_reached():
    verdict = audit.judge("base.txt", 0, _report(_skipped("django")), "", {})

    assert audit.exit_code([verdict], strict=True) == 3
    assert "exit code 3 (--strict)" in audit.describe([verdict], strict=True)


@pytest.mark.parametrize(
    "stderr",
    [
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): "
        "Max retries exceeded with url: /v1/query (Caused by NameResolutionError(...))",
        "ERROR:pip_audit._cli:Could not connect to PyPI's vulnerability feed\n"
        "ERROR:pip_audit._cli:Tip: your network may be blocking this service.",
    ],
    ids=["osv-unresolved", "pypi-timeout"],
)
def test_a_connection_failure_without_a_report_is_unreachable_not_a_failure(stderr):
    verdict = audit.judge("base.txt", 1, None, stderr, {})

    assert verdict.status == audit.UNREACHABLE
    assert audit.exit_code([verdict], strict=False) == 0
    assert audit.NOT_AUDITED_BANNER in audit.describe([verdict], strict=False)


def test_pip_audit_failing_on_the_project_s_own_files_fails():
    stderr = "ERROR:pip_audit._cli:package pyyaml has duplicate requirements: pyyaml==6.0.3"

    verdict = audit.judge("dev.txt", 1, None, stderr, {})

    assert verdict.status == audit.ERROR
    assert audit.exit_code([verdict], strict=False) == 2
    assert "pip-audit failed: ERROR:pip_audit._cli:package pyyaml has duplicate" in (
        audit.describe([verdict], strict=False)
    )


def test_one_vulnerable_file_fails_the_audit_of_both():
    clean = audit.judge("base.txt", 0, _report(_audited("django")), "", {})
    vulnerable = audit.judge("dev.txt", 1, _report(_audited("x", "1", DJANGO_ADVISORY)), "", {})

    assert audit.exit_code([clean, vulnerable], strict=False) == 1


def test_the_ignore_list_takes_an_advisory_with_a_reason_and_skips_comments():
    text = "# header\n\nGHSA-aaaa-bbbb-cccc  # only on Windows; we run Linux (A. Name, 2026-11)\n"

    assert audit.read_ignore_list(text) == {
        "GHSA-aaaa-bbbb-cccc": "only on Windows; we run Linux (A. Name, 2026-11)"
    }


@pytest.mark.parametrize(
    "line", ["GHSA-aaaa-bbbb-cccc", "GHSA-aaaa-bbbb-cccc  #   ", "two ids # x"]
)
def test_the_ignore_list_refuses_an_advisory_without_a_reason(line):
    with pytest.raises(audit.IgnoreListError, match="line 1"):
        audit.read_ignore_list(line)


def test_the_projects_ignore_list_is_valid():
    text = audit.IGNORE_FILE.read_text()

    assert isinstance(audit.read_ignore_list(text), dict)


FAKE_PIP_AUDIT = """#!{python}
import json, sys
from pathlib import Path
args = sys.argv[1:]
Path({record!r}).open("a").write(json.dumps(args) + "\\n")
report = {report!r}
if report is not None:
    Path(args[args.index("--output") + 1]).write_text(report)
sys.stderr.write({stderr!r})
sys.exit({code})
"""


def _fake_pip_audit(tmp_path: Path, *, report: str | None, code: int, stderr: str = "") -> Path:
    fake = tmp_path / "pip-audit"
    fake.write_text(
        FAKE_PIP_AUDIT.format(
            python=sys.executable,
            record=str(tmp_path / "calls.jsonl"),
            report=report,
            stderr=stderr,
            code=code,
        )
    )
    fake.chmod(0o755)
    return fake


def _run_script(fake: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AUDIT_")}
    env.update(PIP_AUDIT=str(fake), **variables)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_script_fails_the_build_on_a_known_vulnerability(tmp_path):
    fake = _fake_pip_audit(
        tmp_path, report=_report(_audited("django", "5.2.1", DJANGO_ADVISORY)), code=1
    )

    result = _run_script(fake)

    assert result.returncode == 1
    assert "VULNERABLE django 5.2.1: PYSEC-2099-1" in result.stderr
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    audited = [call[call.index("--requirement") + 1] for call in calls]
    assert audited == ["requirements/base.txt", "requirements/dev.txt"]


def test_the_script_passes_loudly_when_the_service_cannot_be_reached(tmp_path):
    fake = _fake_pip_audit(
        tmp_path,
        report=None,
        code=1,
        stderr="requests.exceptions.ConnectionError: Max retries exceeded\n",
    )

    result = _run_script(fake)
    strict = _run_script(fake, AUDIT_STRICT="1")

    assert result.returncode == 0
    assert audit.NOT_AUDITED_BANNER in result.stdout
    assert "No known vulnerability" not in result.stdout
    assert strict.returncode == 3


@pytest.mark.skipif(not PIP_AUDIT.exists(), reason="pip-audit is not installed: make install")
def test_the_real_pip_audit_accepts_the_scripts_command_line_and_reads_each_file(tmp_path):
    """The fake's recorded command line, run by the real pip-audit with --dry-run (which reads
    the requirements and stops before asking any service)."""
    _run_script(_fake_pip_audit(tmp_path, report=_report(), code=0))
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]

    for args in calls:
        requirements = BASE_DIR / args[args.index("--requirement") + 1]
        pins = [
            line for line in requirements.read_text().splitlines() if "==" in line.split("#")[0]
        ]
        args[args.index("--output") + 1] = str(tmp_path / "dry-run.json")
        result = subprocess.run(
            [str(PIP_AUDIT), *args, "--dry-run"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        assert result.returncode == 0, result.stderr
        assert f"would have audited {len(pins)} packages" in result.stderr
