"""What Brobyg reads in the provider's claims: two factors from `amr` and `acr`, and the
mappings a person's groups name."""

import pytest
from django.test import override_settings

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import single_sign_on_groups_for
from accounts.services.single_sign_on import sign_in_assurance, user_sign_in_with_single_sign_on
from tests.accounts.factories import UserFactory
from tests.sso.factories import SingleSignOnGroupFactory

SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/Substantial"


@pytest.mark.parametrize(
    ("amr", "acr", "mfa"),
    [
        (["mfa"], "", True),
        (["pwd", "otp"], "", True),
        (["pwd", "hwk"], "", True),
        (["sms", "pin"], "", True),
        (["pwd"], SUBSTANTIAL, True),
        # One method is one factor, whichever it is (RFC 8176 names each a single method).
        (["sms"], "", False),
        (["otp"], "", False),
        (["tel"], "", False),
        (["hwk"], "", False),
        (["swk"], "", False),
        (["sc"], "", False),
        ("otp", "", False),
        (["pwd"], "", False),
        # The same method twice is still one.
        (["otp", "otp"], "", False),
        ([], "", False),
        (None, "urn:some:other:level", False),
    ],
)
def test_what_counts_as_two_factors(amr, acr, mfa):
    claims = {"amr": amr, "acr": acr}

    assert sign_in_assurance(claims=claims).mfa is mfa


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claimed", "found"),
    [
        ("Brobyg-Admins-Kontor", True),
        ("brobyg-admins-kontor", True),
        ("  BROBYG-ADMINS-KONTOR ", True),
        ("brobyg-admins-\u212aontor", False),  # Kelvin sign
        ("BROBYG-ADMİNS-KONTOR", False),  # capital I with a dot
        ("brobyg-admıns-kontor", False),  # dotless i
        ("brobyg-admin\u017f-kontor", False),  # long s
        ("brobyg-admins-kontorr", False),
    ],
)
def test_a_group_is_found_by_its_name_in_upper_or_lower_case_and_nothing_like_it(claimed, found):
    SingleSignOnGroupFactory(name="Brobyg-Admins-Kontor", role=Role.ADMIN)

    groups = single_sign_on_groups_for(names=[claimed])

    assert [group.name for group in groups] == (["Brobyg-Admins-Kontor"] if found else [])


@pytest.mark.django_db
def test_danish_letters_in_a_group_name_are_upper_and_lower_case_alike():
    SingleSignOnGroupFactory(name="brobyg-ældre-og-sundhed", role=Role.HOME_CARE)

    groups = single_sign_on_groups_for(names=["BROBYG-ÆLDRE-OG-SUNDHED", "intet"])

    assert [group.name for group in groups] == ["brobyg-ældre-og-sundhed"]


@pytest.mark.django_db
@override_settings(BROBYG_OIDC_ISSUER="https://idp.example", BROBYG_OIDC_CLIENT_ID="brobyg")
@pytest.mark.parametrize("claimed", ["\uff41dmin", "\uff21DMIN", "ADMIN"])
def test_a_user_name_that_looks_like_another_is_given_a_name_of_its_own(claimed):
    # given an account "admin", and a person whose provider calls them a look-alike of it
    # (full-width letters become "admin" or "ADMIN" once Django normalises a user name)
    SingleSignOnGroupFactory(name="brobyggere", role=Role.BRIDGE_BUILDER)
    UserFactory(username="admin")

    signed_in = user_sign_in_with_single_sign_on(
        issuer="https://idp.example",
        claims={
            "sub": f"s-{claimed}",
            "preferred_username": claimed,
            "groups": ["brobyggere"],
            "amr": ["mfa"],
        },
    )

    # then they get a name nobody has, in upper or lower case, and "admin" is still one account
    assert signed_in.user.username.casefold() != "admin"
    assert User.objects.filter(username__iexact="admin").count() == 1
