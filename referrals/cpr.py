"""CPR numbers: validation, encryption at rest, and a keyed hash to find the same person again.

A CPR number is DDMMYY-SSSS. The seventh digit and the year together give the century (the
CPR office's rule), so the date can be checked for real. Stored encrypted (Fernet, AES-128-CBC with
HMAC-SHA256); duplicates are found through an HMAC of the digits, never by decrypting.
"""

import base64
import hashlib
import hmac
import re
from datetime import date
from functools import cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


def _century(year2: int, seventh: int) -> int:
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if year2 <= 36 else 1900
    # 5–8
    return 2000 if year2 <= 57 else 1800


def cpr_parse(value: str) -> tuple[str, date]:
    """The CPR number as ten digits, and the birth date it holds. ValidationError if impossible."""
    match = _CPR.match(value.strip().replace(" ", ""))
    if not match:
        raise ValidationError(
            _("A CPR number is written DDMMYY-SSSS, e.g. 010150-1234."), code="cpr_format"
        )
    day, month, year2, serial = match.groups()
    century = _century(int(year2), int(serial[0]))
    try:
        birth_date = date(century + int(year2), int(month), int(day))
    except ValueError:
        raise ValidationError(
            _("The CPR number does not hold a real date of birth."), code="cpr_date"
        ) from None
    if birth_date > date.today():
        raise ValidationError(
            _("The CPR number's date of birth is in the future."), code="cpr_date"
        )
    return f"{day}{month}{year2}{serial}", birth_date


@cache
def _keys() -> tuple[bytes, bytes]:
    material = settings.BROBYG_ENCRYPTION_KEY.encode()

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)

    return derive(b"brobyg cpr encryption"), derive(b"brobyg cpr lookup hash")


def cpr_encrypt(digits: str) -> str:
    return Fernet(base64.urlsafe_b64encode(_keys()[0])).encrypt(digits.encode()).decode()


def cpr_decrypt(token: str) -> str:
    return Fernet(base64.urlsafe_b64encode(_keys()[0])).decrypt(token.encode()).decode()


def cpr_hash(digits: str) -> str:
    return hmac.new(_keys()[1], digits.encode(), hashlib.sha256).hexdigest()


def cpr_display(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"
