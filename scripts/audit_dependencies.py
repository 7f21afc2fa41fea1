"""Check the installed dependencies against known vulnerabilities (pip-audit), for `make test`.

A vulnerability found fails the run. A vulnerability database that cannot be reached (no
network, PyPI down, a mirror without the vulnerability data) only prints a warning: the suite
must not fail because of someone else's outage, but a real finding must never pass unnoticed.

    python scripts/audit_dependencies.py            # what `make test` runs
    BROBYG_AUDIT_IGNORE=GHSA-xxxx,PYSEC-yyyy ...    # a finding with no fix yet, decided on
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 240


def summarise(report: dict) -> tuple[list[str], int, int]:
    """(findings as lines, how many packages were audited, how many could not be)."""
    findings, audited, skipped = [], 0, 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped += 1
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            findings.append(
                f"{dependency['name']} {dependency.get('version', '')}: {vuln['id']} "
                f"(fixed in {fixed})"
            )
    return findings, audited, skipped


def main() -> int:
    ignore = [v.strip() for v in os.environ.get("BROBYG_AUDIT_IGNORE", "").split(",") if v.strip()]
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(output),
        ]
        for vuln_id in ignore:
            command += ["--ignore-vuln", vuln_id]
        try:
            result = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"WARNING: dependency audit skipped: {exc}")
            return 0
        try:
            report = json.loads(output.read_text())
        except (OSError, ValueError):
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            print(f"WARNING: dependency audit skipped, the vulnerability database: {detail[0]}")
            return 0
    findings, audited, skipped = summarise(report)
    if findings:
        print("Known vulnerabilities in the installed dependencies:")
        for line in findings:
            print(f"  {line}")
        print("Upgrade them (pyproject.toml), or set BROBYG_AUDIT_IGNORE with a reason.")
        return 1
    if audited == 0:
        print(
            f"WARNING: dependency audit could not look up any of {skipped} packages "
            "(vulnerability database unreachable); nothing was checked."
        )
        return 0
    note = f"; {skipped} could not be looked up" if skipped else ""
    print(f"Dependency audit: {audited} packages, no known vulnerabilities{note}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
