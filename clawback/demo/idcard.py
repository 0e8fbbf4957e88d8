"""PRC resident identity numbers and unified social credit codes: check digits and validation.

A resident identity number (公民身份号码, GB 11643-1999) has 18 characters: a 6-digit
administrative division code, the birth date ``YYYYMMDD``, a 3-digit sequence number whose last
digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character (``X`` stands
for 10).

A unified social credit code (统一社会信用代码, GB 32100-2015) has 18 characters from the alphabet
``0-9A-Z`` without ``I O Z S V``: registration authority, entity type, division code, the
9-character organisation code (GB 11714, with its own check character) and a MOD 31 check
character.

>>> resident_id_check_char("11010519491231002")
'X'
>>> is_valid_resident_id("11010519491231002X")
True
>>> is_valid_resident_id("110105194912310021")
False
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "credit_code_check_char",
    "is_valid_credit_code",
    "is_valid_resident_id",
    "make_credit_code",
    "organization_code_check_char",
    "resident_id_birth_date",
    "resident_id_check_char",
    "resident_id_gender",
    "resident_id_numbers",
]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = frozenset(
    (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51,
     52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82)
)

#: Characters allowed in a unified social credit code (no I, O, Z, S, V).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_check_char(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_birth_date(number: str) -> date:
    """Return the birth date encoded in an 18-character resident ID number."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_gender(number: str) -> str:
    """Return ``"M"`` or ``"F"`` from the parity of the 17th digit of a resident ID number."""
    return "M" if int(number[16]) % 2 == 1 else "F"


def is_valid_resident_id(s: str) -> bool:
    """Whether ``s`` is a well-formed 18-character PRC resident ID number.

    Checks the length, the digits, a plausible province code, a real calendar birth date (not
    before 1850) and the check character (``X`` or ``x`` for 10).
    """
    if not isinstance(s, str) or len(s) != 18 or not s.isascii():
        return False
    body, check = s[:17], s[17].upper()
    if not body.isdigit() or not (check.isdigit() or check == "X"):
        return False
    if int(body[:2]) not in _PROVINCES:
        return False
    try:
        born = resident_id_birth_date(s)
    except ValueError:
        return False
    if born.year < 1850:
        return False
    return resident_id_check_char(body) == check


def resident_id_numbers(
    area_codes: np.ndarray, birth_days: np.ndarray, sequence: np.ndarray
) -> pa.StringArray:
    """Build resident ID numbers for many people at once.

    ``area_codes`` are 6-digit division codes, ``birth_days`` days since 1970-01-01 and
    ``sequence`` 3-digit sequence numbers (odd for men, even for women).
    """
    births = np.asarray(birth_days, dtype="datetime64[D]")
    years = births.astype("datetime64[Y]").astype(np.int64) + 1970
    months = births.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (births - births.astype("datetime64[M]")).astype(np.int64) + 1
    ymd = years * 10_000 + months * 100 + days
    body = (
        np.asarray(area_codes, dtype=np.int64) * 10**11
        + ymd * 1_000
        + np.asarray(sequence, dtype=np.int64)
    )
    total = np.zeros(len(body), dtype=np.int64)
    rest = body.copy()
    for weight in reversed(_ID_WEIGHTS):  # least significant digit first
        total += (rest % 10) * weight
        rest //= 10
    checks = pa.array(list(_ID_CHECK)).take(pa.array(total % 11))
    return pc.binary_join_element_wise(pc.cast(pa.array(body), pa.string()), checks, "")


def organization_code_check_char(body8: str) -> str:
    """Return the GB 11714 check character for an 8-character organisation code body."""
    values = [int(ch) if ch.isdigit() else ord(ch) - 55 for ch in body8]
    rem = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    return "X" if rem == 10 else "0" if rem == 11 else str(rem)


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100 MOD 31 check character for the first 17 characters of a code."""
    total = sum(_CC_VALUE[ch] * w for ch, w in zip(first17, _CC_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def make_credit_code(authority: str, entity_type: str, area_code: int, org_body: str) -> str:
    """Assemble a valid unified social credit code from its parts.

    >>> make_credit_code("9", "1", 440300, "MA5F0001")
    '91440300MA5F000181'
    """
    if len(org_body) != 8 or any(ch not in _CC_VALUE for ch in org_body):
        raise ValueError(f"bad organisation code body {org_body!r}")
    first17 = f"{authority}{entity_type}{area_code:06d}{org_body}"
    first17 += organization_code_check_char(org_body)
    return first17 + credit_code_check_char(first17)


def is_valid_credit_code(s: str) -> bool:
    """Whether ``s`` is an 18-character unified social credit code with correct check characters."""
    if not isinstance(s, str) or len(s) != 18 or any(ch not in _CC_VALUE for ch in s):
        return False
    if not s[2:8].isdigit():
        return False
    if organization_code_check_char(s[8:16]) != s[16]:
        return False
    return credit_code_check_char(s[:17]) == s[17]
