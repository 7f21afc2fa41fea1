from datetime import date

import pytest
from django.core.exceptions import ValidationError

from referrals.cpr import cpr_decrypt, cpr_encrypt, cpr_hash, cpr_parse


@pytest.mark.parametrize(
    ("cpr", "digits", "birth_date"),
    [
        ("010150-1234", "0101501234", date(1950, 1, 1)),
        ("0101501234", "0101501234", date(1950, 1, 1)),
        ("290224-4321", "2902244321", date(2024, 2, 29)),  # 7th digit 4, year ≤ 36: 2000s
        ("150537-4321", "1505374321", date(1937, 5, 15)),  # 7th digit 4, year > 36: 1900s
        ("010103-5000", "0101035000", date(2003, 1, 1)),  # 7th digit 5–8, year ≤ 57: 2000s
        ("010190-9000", "0101909000", date(1990, 1, 1)),  # 7th digit 9, year > 36: 1900s
        (" 010150 1234 ", "0101501234", date(1950, 1, 1)),
    ],
)
def test_valid_cpr_numbers_give_their_birth_date(cpr, digits, birth_date):
    assert cpr_parse(cpr) == (digits, birth_date)


@pytest.mark.parametrize(
    ("cpr", "code"),
    [
        ("310250-1234", "cpr_date"),  # 31 February
        ("290223-4321", "cpr_date"),  # 2023 was no leap year
        ("001050-1234", "cpr_date"),
        ("011350-1234", "cpr_date"),  # month 13
        ("010150-123", "cpr_format"),
        ("01-01-50-1234", "cpr_format"),
        ("abcdef-1234", "cpr_format"),
        ("", "cpr_format"),
    ],
)
def test_impossible_cpr_numbers_are_refused_with_a_reason(cpr, code):
    with pytest.raises(ValidationError) as excinfo:
        cpr_parse(cpr)
    assert excinfo.value.code == code


def test_a_cpr_number_with_a_future_birth_date_is_refused():
    with pytest.raises(ValidationError):
        cpr_parse("010130-5000")  # 7th digit 5, year 30: 2030


def test_encryption_round_trips_and_hides_the_number():
    token = cpr_encrypt("0101501234")
    assert "0101501234" not in token
    assert cpr_decrypt(token) == "0101501234"
    # Fernet adds a random IV: the same number never encrypts the same way twice.
    assert cpr_encrypt("0101501234") != token


def test_the_lookup_hash_is_stable_keyed_and_distinct():
    assert cpr_hash("0101501234") == cpr_hash("0101501234")
    assert cpr_hash("0101501234") != cpr_hash("0101501235")
    assert len(cpr_hash("0101501234")) == 64
