"""Every column header says it is one (`<th scope="col">`), so a screen reader names the column
of each cell it reads: checked in every template of every app."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BARE_HEADER = re.compile(r"<th(?=[\s>])(?![^>]*\bscope=)[^>]*>")
SKIP = {".venv", "var", "staticfiles", "static", "node_modules"}


def _templates():
    for path in ROOT.rglob("*.html"):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def test_every_table_header_in_a_head_row_has_its_scope():
    bare = []
    for path in _templates():
        for thead in re.findall(r"<thead>.*?</thead>", path.read_text(), flags=re.S):
            bare += [f"{path.relative_to(ROOT)}: {th}" for th in BARE_HEADER.findall(thead)]
    assert bare == []
