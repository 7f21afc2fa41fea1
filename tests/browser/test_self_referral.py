import pytest
from django.core import signing
from playwright.sync_api import expect

from referrals.forms import SelfReferralForm
from referrals.models import Referral
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_relative_refers_from_a_phone_and_is_told_what_happens_next(browser, live_server):
    bridge_team(name="Brobyggerne")
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        base_url=live_server.url,
    )
    page = context.new_page()
    page.goto("/henvis/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Jeg er pårørende eller ven").check()
    page.get_by_label("Fornavn").fill("Erik")
    page.get_by_label("Efternavn").fill("Andersen")
    page.get_by_label("Fødselsdato").fill("1944-12-24")
    page.get_by_label("Hvad vil du gerne have hjælp til?").fill("Min far er meget alene.")
    # The form refuses what is sent sooner after it was shown than a person types: wait until
    # its token is old enough, as the server reads it.
    shown_at = signing.loads(
        page.locator("input[name=shown_at]").input_value(), salt=SelfReferralForm.SALT
    )
    page.wait_for_function(
        "ready => Date.now() / 1000 >= ready", arg=shown_at + SelfReferralForm.MIN_SECONDS
    )
    page.get_by_role("button", name="Send").tap()

    # Forgotten: who the relative is, and the consent. Both are said at once.
    expect(page.get_by_text("Skriv dit navn")).to_be_visible()
    expect(page.get_by_text("kun tage kontakt med borgerens samtykke")).to_be_visible()
    assert not Referral.objects.exists()

    page.get_by_label("Dit navn").fill("Søren Andersen")
    page.get_by_label("Dit telefonnummer").fill("+45 22 33 44 55")
    page.get_by_label("Personen, det drejer sig om, kender til henvendelsen", exact=False).check()
    page.get_by_role("button", name="Send").tap()

    expect(
        page.get_by_role("heading", name="Tak – vi har modtaget din henvendelse")
    ).to_be_visible()
    referral = Referral.objects.get()
    assert (referral.source, referral.referrer_name) == ("relative", "Søren Andersen")
    context.close()
