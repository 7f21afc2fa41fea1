"""The Danish and English catalogues are complete, and the compiled files match them."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _entries(po: Path):
    text = po.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        yield block


@pytest.mark.parametrize("language", ["da", "en"])
def test_catalogue_has_no_fuzzy_or_missing_danish(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert po.exists()
    for block in _entries(po):
        assert "#, fuzzy" not in block, block
        if language == "da" and 'msgid ""\nmsgstr ""\n"Project' not in block:
            msgstrs = re.findall(r'msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block)
            assert msgstrs, block
            for first, rest in msgstrs:
                assert first or rest.strip(), f"untranslated:\n{block}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", ["da", "en"])
def test_compiled_catalogue_is_up_to_date(language, tmp_path):
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(folder / "django.po")], check=True)
    assert fresh.read_bytes() == (folder / "django.mo").read_bytes(), (
        "locale is out of date: run `make messages`"
    )
