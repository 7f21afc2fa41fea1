import pytest
from playwright.sync_api import expect

from referrals.constants import CaseStatus
from referrals.models import Case, Referral
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db(transaction=True)


def test_gp_refers_and_the_bridge_builder_takes_contacts_and_screens(browser, live_server):
    team = bridge_team(name="Brobyggerne")
    UserFactory(username="laege", referrer=True, first_name="Lars", last_name="Læge")
    UserFactory(username="brobygger", bridge_builder=True, team=team, lead=True)

    def tablet():
        context = browser.new_context(
            viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        return context.new_page()

    # The GP refers a citizen, with consent, on the web form.
    gp = tablet()
    sign_in(gp, "laege")
    gp.get_by_test_id("main-nav").get_by_role("link", name="Henvis", exact=True).tap()
    gp.get_by_label("Fornavn").fill("Inger")
    gp.get_by_label("Efternavn").fill("Madsen")
    gp.get_by_label("Fødselsdato").fill("1941-03-14")
    gp.get_by_label("Telefon", exact=True).fill("+45 20 30 40 50")
    gp.get_by_label("Årsag til henvisningen").fill("Alene siden mandens død.")
    gp.get_by_label("Tab af en nærtstående").check()
    # Forgetting consent is explained, and nothing typed is lost.
    gp.get_by_role("button", name="Send henvisningen").tap()
    expect(gp.get_by_text("samtykke", exact=False).first).to_be_visible()
    expect(gp.get_by_label("Fornavn")).to_have_value("Inger")
    assert not Referral.objects.exists()
    gp.get_by_label("Borgeren har givet samtykke til henvisningen").check()
    gp.get_by_role("button", name="Send henvisningen").tap()
    expect(gp.get_by_test_id("referral-status")).to_contain_text("Modtaget")

    # The bridge-builder finds it at the top of the team's board and takes it.
    builder = tablet()
    sign_in(builder, "brobygger")
    builder.get_by_test_id("main-nav").get_by_role("link", name="Team", exact=True).tap()
    first_row = builder.get_by_test_id("team-row").first
    expect(first_row).to_contain_text("Inger Madsen")
    first_row.get_by_role("button", name="Tag forløbet").tap()
    expect(builder.get_by_test_id("case-heading")).to_have_text("Inger Madsen")

    # First contact by phone: the case becomes "contacted".
    contact = builder.get_by_test_id("contact-form")
    contact.get_by_label("Note").fill("Glad for opkaldet. Vil gerne mødes.")
    contact.get_by_role("button", name="Gem kontakten").tap()
    expect(builder.get_by_text("Kontakten er registreret")).to_be_visible()

    # And on to screening.
    status = builder.get_by_test_id("status-form")
    status.locator('[data-testid="next-step"][value="screening"]').tap()
    expect(builder.get_by_test_id("timeline")).to_contain_text("Kontaktet → Screening")

    case = Case.objects.get()
    assert case.status == CaseStatus.SCREENING
    assert case.assignee.username == "brobygger"
    assert case.first_contact_at is not None

    # The GP sees the new status, and nothing of the bridge-builder's notes.
    gp.reload()
    expect(gp.get_by_test_id("referral-status")).to_contain_text("Screening")
    expect(gp.get_by_text("Glad for opkaldet")).to_have_count(0)
