"""A field of a form not sent is rendered once per process for each way it looks, and looks
exactly as django-crispy-forms renders it."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils import timezone, translation

from core.forms import DateInput, DateTimeInput
from core.templatetags.form_fields import as_crispy_field_cached


class Sample(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=[("a", "Alpha"), ("b", "Beta")], initial="b")
    when = forms.DateTimeField(label="When", widget=DateTimeInput(), initial=timezone.now)
    day = forms.DateField(label="Day", widget=DateInput(), required=False)
    reached = forms.BooleanField(label="Reached", required=False, initial=True)
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}))
    how = forms.ChoiceField(
        label="How", choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, initial="x"
    )


FIELDS = ["kind", "when", "day", "reached", "note", "how"]


@pytest.mark.parametrize("name", FIELDS)
def test_a_field_looks_as_crispy_renders_it_the_first_time_and_after(name):
    first = as_crispy_field_cached(Sample(prefix="s")[name])
    again = as_crispy_field_cached(Sample(prefix="s")[name])
    assert first == again == as_crispy_field(Sample(prefix="s")[name])


def test_what_the_field_shows_is_part_of_the_key():
    unticked = Sample(prefix="s", initial={"reached": False})
    assert "checked" in as_crispy_field_cached(Sample(prefix="s")["reached"])
    assert "checked" not in as_crispy_field_cached(unticked["reached"])
    assert as_crispy_field_cached(Sample(prefix="t")["note"]) != as_crispy_field_cached(
        Sample(prefix="s")["note"]
    )


def test_choices_given_to_one_form_are_not_shown_on_another():
    form = Sample(prefix="s")
    form.fields["kind"].choices = [("c", "Gamma")]
    assert "Gamma" in as_crispy_field_cached(form["kind"])
    assert "Gamma" not in as_crispy_field_cached(Sample(prefix="s")["kind"])


def test_each_language_has_its_own():
    with translation.override("en"):
        english = as_crispy_field_cached(Sample(prefix="s")["day"])
        assert english == as_crispy_field(Sample(prefix="s")["day"])
    with translation.override("da"):
        danish = as_crispy_field_cached(Sample(prefix="s")["day"])
        assert danish == as_crispy_field(Sample(prefix="s")["day"])
    # The date's placeholder: dd.mm.yyyy in English, dd.mm.åååå in Danish.
    assert english != danish


def test_a_form_sent_is_rendered_afresh_with_what_was_typed_and_its_errors():
    sent = Sample({"s-kind": "a", "s-note": ""}, prefix="s")
    assert not sent.is_valid()
    html = as_crispy_field_cached(sent["note"])
    assert html == as_crispy_field(sent["note"])
    assert "is-invalid" in html
    assert "is-invalid" not in as_crispy_field_cached(Sample(prefix="s")["note"])
