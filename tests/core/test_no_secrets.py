"""No secret is committed: no .env, no private key, and the settings read secrets from the env."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),  # an AWS access key
    re.compile(r"ghp_[0-9A-Za-z]{36}"),  # a GitHub token
    re.compile(r"xox[baprs]-[0-9A-Za-z-]{10,}"),  # a Slack token
    # A URL with a real password in it (the documented placeholders are fine).
    re.compile(r"(?i)(smtp|postgres(ql)?|redis)://[^:\s/]+:(?!password@|secret@)[^@\s/]{6,}@"),
]
# Keys in the repository are for development, tests and benchmarks only, and say so.
ALLOWED_KEY_MARKERS = ("not-secret", "demo")


def _tracked_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / n for n in names if not n.startswith(("static/vendor/", "locale/"))]


def test_no_environment_file_is_committed():
    tracked = {p.name for p in _tracked_files()}
    assert ".env" not in tracked
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_no_private_key_or_token_is_committed():
    found = []
    for path in _tracked_files():
        if path.suffix in {".mo", ".png", ".ico", ".woff", ".woff2"} or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        found += [
            f"{path.relative_to(ROOT)}: {p.pattern}" for p in SECRET_PATTERNS if p.search(text)
        ]
    assert found == []


def test_every_key_in_the_settings_is_marked_as_not_secret():
    for path in (ROOT / "config" / "settings").glob("*.py"):
        for match in re.finditer(
            r'(SECRET_KEY|ENCRYPTION_KEY)[^=\n]*=\s*"([^"]+)"', path.read_text()
        ):
            assert any(m in match.group(2) for m in ALLOWED_KEY_MARKERS), (path.name, match[1])
