"""The Excel export's sheets are named for their tables: each name whole, readable and its own,
within Excel's 31 characters, in either language."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.accounts.factories import UserFactory
from tests.stats.dataset import build
from tests.stats.test_views import PAGES, QUARTER, body, web_client

pytestmark = pytest.mark.django_db

EXCEL_MAX = 31


def _sheets(language: str) -> list[tuple[str, str]]:
    """(the sheet's name, the first line on it: the table's full title) for every sheet."""
    client = web_client(UserFactory(admin=True))
    client.cookies["django_language"] = language
    workbook = load_workbook(io.BytesIO(body(client.get(PAGES["xlsx"], QUARTER))), read_only=True)
    return [(s.title, next(s.iter_rows(values_only=True))[0]) for s in workbook.worksheets]


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_sheet_name_is_whole_readable_and_its_own(language):
    build()

    sheets = _sheets(language)

    names = [name for name, _title in sheets]
    assert len(names) > 10  # the about sheet and every table
    assert [n for n in names if len(n) > EXCEL_MAX] == []
    assert len({n.lower() for n in names}) == len(names), names
    # no name told apart from another by a number Excel-style ("… (2)")
    assert [n for n in names if re.search(r"\(\d+\)$", n)] == []
    # none is its table's title cut off in the middle of a word
    for name, title in sheets:
        written = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")
        if written != name and written.startswith(name):
            assert not written[len(name)].isalnum(), (name, title)
