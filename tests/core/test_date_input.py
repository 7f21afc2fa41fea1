"""Dates are shown and typed day first, dd.mm.åååå, whatever the browser's or the page's
language."""

from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

from core.forms import DateInput, DateTimeInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput())
    at = forms.DateTimeField(widget=DateTimeInput(), required=False)


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize(
    "typed",
    ["01.12.2026", "1.12.2026", "01-12-2026", "01/12/2026", "01.12.26", "01122026", "2026-12-01"],
)
def test_a_date_is_read_day_first_in_either_language(language, typed):
    with translation.override(language):
        form = _Form({"day": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == date(2026, 12, 1)


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_date_is_never_read_month_first(language):
    with translation.override(language):
        assert not _Form({"day": "12/31/2026"}).is_valid()


def test_the_field_shows_the_danish_date_whatever_the_browser():
    html = str(_Form(initial={"day": date(2026, 12, 1)})["day"])
    assert 'type="text"' in html
    assert 'value="01.12.2026"' in html
    with translation.override("da"):
        assert 'placeholder="dd.mm.åååå"' in str(_Form()["day"])


def test_a_date_and_time_is_read_day_first():
    with translation.override("da"):
        form = _Form({"day": "01.12.2026", "at": "01.12.2026 14.30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["at"].replace(tzinfo=None) == datetime(2026, 12, 1, 14, 30)
