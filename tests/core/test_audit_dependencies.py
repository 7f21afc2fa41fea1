"""The dependency audit fails on a finding and only warns when it cannot look anything up."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_vulnerable_package_is_a_finding(audit):
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "GHSA-1234", "fix_versions": ["5.2.1"]}],
            },
            {"name": "celery", "version": "5.5.0", "vulns": []},
        ]
    }
    findings, audited, skipped = audit.summarise(report)
    assert findings == ["django 5.2.0: GHSA-1234 (fixed in 5.2.1)"]
    assert (audited, skipped) == (2, 0)


def test_an_unreachable_database_audits_nothing_and_finds_nothing(audit):
    report = {"dependencies": [{"name": "amqp", "skip_reason": "Dependency not found on PyPI"}]}
    assert audit.summarise(report) == ([], 0, 1)


def test_the_script_fails_on_a_finding_and_warns_when_unreachable(audit, monkeypatch, capsys):
    import json
    import subprocess

    def fake_run(command, **kwargs):
        output = Path(command[command.index("--output") + 1])
        output.write_text(json.dumps(fake_run.report))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(audit.subprocess, "run", fake_run)
    fake_run.report = {
        "dependencies": [{"name": "x", "version": "1", "vulns": [{"id": "PYSEC-1"}]}]
    }
    assert audit.main() == 1
    assert "PYSEC-1" in capsys.readouterr().out

    fake_run.report = {"dependencies": [{"name": "x", "skip_reason": "not found"}]}
    assert audit.main() == 0
    assert "WARNING" in capsys.readouterr().out
