#!/usr/bin/env python3
"""Audit the pinned dependencies for known vulnerabilities with pip-audit (`make audit`).

Audits requirements/base.txt (what production installs) and requirements/dev.txt (the test and
lint tools) one file at a time, exactly as pinned (`--no-deps --disable-pip`: nothing is
resolved or installed), and judges pip-audit's JSON report itself, because pip-audit answers
"No known vulnerabilities found" and exit code 0 even when the service could not look a single
package up (a network that blocks it, or an index that answers 404 for every package).

Exit codes:
  0  every dependency audited, no known vulnerability (or only ones accepted in
     requirements/audit-ignore.txt); or the service could not be reached, which is printed
     loudly as "dependencies NOT audited" (a network outside the project's control must not
     fail the build) unless --strict (or AUDIT_STRICT=1) makes it fail with 3;
  1  a known vulnerability that is not accepted;
  2  pip-audit itself failed (a bad requirements file, a malformed ignore list): the project's
     own fault, so it fails.

requirements/audit-ignore.txt accepts an advisory: one per line, its id (PYSEC-..., GHSA-...,
CVE-...), then "#" and the reason it does not apply. A line without a reason is refused.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REQUIREMENTS = ("requirements/base.txt", "requirements/dev.txt")
IGNORE_FILE = PROJECT_DIR / "requirements" / "audit-ignore.txt"

CLEAN = "clean"
VULNERABLE = "vulnerable"
UNREACHABLE = "unreachable"
ERROR = "error"

#: What pip-audit writes when it cannot talk to the vulnerability service (its own
#: ConnectionError, or requests' and urllib3's, which its PyPI service lets through).
UNREACHABLE_MARKERS = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "NameResolutionError",
    "Max retries exceeded",
    "Could not connect",
    "your network may be blocking",
    "ServiceError",
    "HTTPError",
    "SSLError",
)
NOT_AUDITED_BANNER = "pip-audit could not reach the vulnerability service: dependencies NOT audited"


class IgnoreListError(ValueError):
    """requirements/audit-ignore.txt has a line that is not "ID  # reason"."""


@dataclass
class Verdict:
    """pip-audit's answer for one requirements file, judged."""

    requirements: str
    status: str
    audited: int = 0
    not_audited: list[str] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    detail: str = ""


def read_ignore_list(text: str) -> dict[str, str]:
    """The accepted advisories: id -> the reason it does not apply. Blank lines and lines that
    start with "#" are comments."""
    accepted = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        advisory, _, reason = line.partition("#")
        advisory, reason = advisory.strip(), reason.strip()
        if not advisory or " " in advisory or not reason:
            raise IgnoreListError(
                f"line {number} of the ignore list must be 'ADVISORY-ID  # why it does not "
                f"apply', not {line!r}"
            )
        accepted[advisory] = reason
    return accepted


def judge(
    requirements: str, returncode: int, report: str | None, stderr: str, accepted: dict[str, str]
) -> Verdict:
    """Judge one pip-audit run from its exit code, its JSON report (None if it wrote none) and
    its error output. A known vulnerability wins over everything else: it fails even when other
    packages could not be looked up."""
    if not report:
        if any(marker in stderr for marker in UNREACHABLE_MARKERS):
            return Verdict(requirements, UNREACHABLE, detail=_last_line(stderr))
        return Verdict(requirements, ERROR, detail=_last_line(stderr) or f"exit code {returncode}")
    try:
        dependencies = json.loads(report)["dependencies"]
    except (ValueError, KeyError, TypeError):
        return Verdict(requirements, ERROR, detail="pip-audit's report is not the JSON expected")
    verdict = Verdict(requirements, CLEAN)
    for dependency in dependencies:
        if "skip_reason" in dependency:
            verdict.not_audited.append(dependency["name"])
            verdict.detail = verdict.detail or dependency["skip_reason"]
            continue
        verdict.audited += 1
        for vulnerability in dependency.get("vulns", []):
            ids = [vulnerability["id"], *vulnerability.get("aliases", [])]
            name = f"{dependency['name']} {dependency.get('version', '?')}"
            reason = next((accepted[i] for i in ids if i in accepted), None)
            if reason:
                verdict.accepted.append(f"{name}: {vulnerability['id']} (accepted: {reason})")
            else:
                fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
                verdict.vulnerabilities.append(f"{name}: {' / '.join(ids)} (fixed in {fixed})")
    if verdict.vulnerabilities:
        verdict.status = VULNERABLE
    elif verdict.not_audited:
        verdict.status = UNREACHABLE
    # With a report, the exit code says only whether it lists vulnerabilities (1), which the
    # report says better: pip-audit writes no report when it fails.
    return verdict


def exit_code(verdicts: list[Verdict], *, strict: bool) -> int:
    statuses = {verdict.status for verdict in verdicts}
    if VULNERABLE in statuses:
        return 1
    if ERROR in statuses:
        return 2
    if UNREACHABLE in statuses:
        return 3 if strict else 0
    return 0


def describe(verdicts: list[Verdict], *, strict: bool) -> str:
    """What to print: every vulnerability, every package not audited, and a loud banner when
    the audit could not be done, so that a green build never reads as "audited"."""
    lines = []
    for verdict in verdicts:
        lines.append(f"{verdict.requirements}: {_summary(verdict)}")
        lines += [f"  VULNERABLE {line}" for line in verdict.vulnerabilities]
        lines += [f"  {line}" for line in verdict.accepted]
        if verdict.not_audited and verdict.audited:
            lines.append(f"  not audited: {', '.join(verdict.not_audited)}")
    statuses = {verdict.status for verdict in verdicts}
    if UNREACHABLE in statuses and statuses <= {CLEAN, UNREACHABLE}:
        banner = "!" * len(NOT_AUDITED_BANNER)
        outcome = (
            "Stopping with exit code 3 (--strict)."
            if strict
            else "Not failing: the service is outside the project's control."
        )
        lines += [banner, NOT_AUDITED_BANNER, outcome, banner]
    elif statuses == {CLEAN}:
        lines.append("No known vulnerability in the pinned dependencies.")
    return "\n".join(lines)


def _summary(verdict: Verdict) -> str:
    if verdict.status == ERROR:
        return f"pip-audit failed: {verdict.detail}"
    if verdict.status == UNREACHABLE and not verdict.audited:
        detail = f" ({verdict.detail})" if verdict.detail else ""
        return f"NOT audited: the vulnerability service could not be reached{detail}"
    parts = [f"{verdict.audited} audited"]
    if verdict.not_audited:
        parts.append(f"{len(verdict.not_audited)} NOT audited")
    if verdict.vulnerabilities:
        parts.append(f"{len(verdict.vulnerabilities)} known vulnerabilities")
    if verdict.accepted:
        parts.append(f"{len(verdict.accepted)} accepted")
    return ", ".join(parts)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_pip_audit(pip_audit: str, requirements: str, service: str) -> tuple[int, str | None, str]:
    """One pip-audit run over one requirements file: exit code, JSON report, error output."""
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "report.json"
        result = subprocess.run(  # noqa: S603 (a fixed command line)
            [
                pip_audit,
                "--requirement",
                requirements,
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                service,
                "--format",
                "json",
                "--aliases",
                "on",
                "--desc",
                "off",
                "--progress-spinner",
                "off",
                "--timeout",
                os.environ.get("AUDIT_TIMEOUT", "15"),
                "--output",
                str(output),
            ],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        report = output.read_text() if output.exists() else None
    return result.returncode, report, result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--strict",
        action="store_true",
        default=os.environ.get("AUDIT_STRICT", "") not in ("", "0"),
        help="fail (exit code 3) when the vulnerability service cannot be reached",
    )
    parser.add_argument(
        "--service",
        default=os.environ.get("AUDIT_SERVICE", "pypi"),
        choices=["pypi", "osv"],
        help="pip-audit's vulnerability service (default: pypi)",
    )
    parser.add_argument("requirements", nargs="*", default=list(REQUIREMENTS))
    args = parser.parse_args(argv)

    try:
        accepted = read_ignore_list(IGNORE_FILE.read_text() if IGNORE_FILE.exists() else "")
    except IgnoreListError as error:
        print(f"{IGNORE_FILE.relative_to(PROJECT_DIR)}: {error}", file=sys.stderr)
        return 2
    pip_audit = os.environ.get("PIP_AUDIT") or shutil.which(
        "pip-audit", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    if not pip_audit:
        print("pip-audit is not installed: run `make install`.", file=sys.stderr)
        return 2

    verdicts = [
        judge(requirements, *run_pip_audit(pip_audit, requirements, args.service), accepted)
        for requirements in args.requirements
    ]
    code = exit_code(verdicts, strict=args.strict)
    print(describe(verdicts, strict=args.strict), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
