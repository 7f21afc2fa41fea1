"""The phone numbers on an offer (whom to call, the host) are phone numbers: the same rule as
every other phone field (core.validators.validate_phone)."""

import pytest
from django.utils import translation

from core.validators import PHONE_INVALID
from offers.forms import OfferForm


@pytest.mark.parametrize("field", ["contact_phone", "host_phone"])
def test_the_offer_form_refuses_a_phone_that_is_no_number(field):
    form = OfferForm(data={field: "abc"})

    form.is_valid()

    with translation.override("da"):
        assert form.errors[field] == [str(PHONE_INVALID)]


@pytest.mark.parametrize("field", ["contact_phone", "host_phone"])
def test_the_offer_form_takes_a_phone_number(field):
    form = OfferForm(data={field: "+45 63 12 30 00"})

    form.is_valid()

    assert field not in form.errors
