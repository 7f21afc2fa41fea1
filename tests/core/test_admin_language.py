"""The admin speaks Danish to a Danish administrator, also where it shows apps that ship no
Danish of their own (sign-in attempts, scheduled jobs) and Brobyg's own screening settings."""

import html as html_lib
import re

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


# The names the admin's app list shows in English when an app ships no Danish of its own: the
# apps' labels (django-axes, django-otp, django-celery-beat) and their models' names.
ENGLISH_ADMIN_NAMES = {
    "axes",
    "access attempts",
    "access logs",
    "access failures",
    "access attempt expirations",
    "otp_totp",
    "totp devices",
    "django_celery_beat",
    "periodic tasks",
    "periodic task tracks",
    "intervals",
    "crontabs",
    "clocked",
    "solar events",
    "authentication and authorization",
    "groups",
    "users",
}


def _app_list_names(html: str) -> list[str]:
    """The app and model names of the admin's app list (the index and every page's sidebar)."""
    found = re.findall(r"<caption>(.*?)</caption>|<th scope=\"row\"[^>]*>(.*?)</th>", html, re.S)
    names = [re.sub(r"<[^>]+>", "", app or model).strip() for app, model in found]
    return [html_lib.unescape(name) for name in names if name]


def test_every_app_and_model_name_in_the_admin_is_danish(client):
    root = UserFactory(admin=True)
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(root)

    for url in ("/django-admin/", "/django-admin/accounts/team/"):
        names = _app_list_names(client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode())

        assert len(names) > 20, url  # every app and model the admin shows a superuser
        english = [n for n in names if n.lower() in ENGLISH_ADMIN_NAMES]
        assert english == [], url
        # No raw app label ("Otp_Totp") and no English possessive ("Teams' screening settings").
        assert [n for n in names if "_" in n or "'" in n] == [], url


def test_the_sign_in_apps_have_danish_names_in_the_admin(client):
    """Needs the Danish of "Sign-in attempts" and "authenticator apps" in
    locale/da/LC_MESSAGES/django.po."""
    root = UserFactory(admin=True)
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(root)

    names = _app_list_names(client.get("/django-admin/").content.decode())

    for danish in ("Loginforsøg", "Totrinslogin", "Godkendelsesapps"):
        assert danish in names, danish
