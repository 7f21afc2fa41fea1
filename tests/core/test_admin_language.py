"""The admin speaks Danish to a Danish administrator, also where it shows apps that ship no
Danish of their own (sign-in attempts, scheduled jobs) and Brobyg's own screening settings."""

import pytest
from django.utils import translation

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_index_is_danish(client):
    root = UserFactory(admin=True)
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(root)
    with translation.override("da"):
        response = client.get("/django-admin/", HTTP_ACCEPT_LANGUAGE="da")
    text = response.content.decode()
    assert response.status_code == 200
    for english in ("Access attempts", "Access logs", "Periodic tasks", "Intervals", "Crontabs"):
        assert english not in text, english
    for danish in ("Adgangsforsøg", "Planlagte opgaver", "Teamenes screeningsindstillinger"):
        assert danish in text, danish


def test_free_time_is_not_free_of_charge():
    from volunteers.forms import VolunteerForm

    with translation.override("da"):
        assert str(VolunteerForm.base_fields["slots"].label) == "Ledig"
        from offers.constants import PriceKind

        assert str(PriceKind.FREE.label) == "Gratis"
