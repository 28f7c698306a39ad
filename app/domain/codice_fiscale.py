"""Italian codice fiscale (personal tax code): compute, parse and validate.

Pure, stdlib-only domain logic (DESIGN §7), usable from any thread.

Layout of the 16 characters (1-based positions)::

    1-3   surname consonants/vowels      4-6   given-name consonants/vowels
    7-8   birth year (2 digits)          9     birth month letter (ABCDEHLMPRST)
    10-11 birth day (+40 for women)      12-15 Belfiore code of the birth comune/country
    16    check letter

Omocodia: when two people would get the same code, the Agenzia delle Entrate
substitutes digits in positions 7, 8, 10, 11, 13, 14, 15 (from the right) with
the letters ``LMNPQRSTUV`` (0-9). The check letter is computed on the
substituted characters.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BirthSex",
    "CodiceFiscale",
    "CodiceFiscaleError",
    "CodiceFiscaleMismatch",
    "InvalidCodiceFiscale",
    "check_letter",
    "compute_codice_fiscale",
    "is_valid_codice_fiscale",
    "parse_codice_fiscale",
    "verify_demographics",
]

MONTH_LETTERS = "ABCDEHLMPRST"
OMOCODIA_LETTERS = "LMNPQRSTUV"
# 0-based indexes of the characters that omocodia may replace, right to left.
OMOCODIA_POSITIONS = (14, 13, 12, 10, 9, 7, 6)

_ODD_VALUES = {
    "0": 1, "1": 0, "2": 5, "3": 7, "4": 9, "5": 13, "6": 15, "7": 17, "8": 19, "9": 21,
    "A": 1, "B": 0, "C": 5, "D": 7, "E": 9, "F": 13, "G": 15, "H": 17, "I": 19, "J": 21,
    "K": 2, "L": 4, "M": 18, "N": 20, "O": 11, "P": 3, "Q": 6, "R": 8, "S": 12, "T": 14,
    "U": 16, "V": 10, "W": 22, "X": 25, "Y": 24, "Z": 23,
}  # fmt: skip

_SHAPE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
_VOWELS = frozenset("AEIOU")


class CodiceFiscaleError(ValueError):
    """Base class of every codice fiscale error."""


class InvalidCodiceFiscale(CodiceFiscaleError):
    """The code is malformed or its check letter is wrong; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CodiceFiscaleMismatch(CodiceFiscaleError):
    """A well-formed code disagrees with the given sex or birth date."""


class BirthSex(StrEnum):
    """Sex as encoded in the codice fiscale (women: day + 40)."""

    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True, slots=True)
class CodiceFiscale:
    """A parsed, check-letter-valid codice fiscale.

    ``code`` is the normalised (upper-case, trimmed) input; ``canonical`` is the
    same code with omocodia substitutions reverted (and its check letter
    recomputed). ``birth_year_2d`` is ambiguous by century: use
    :meth:`birth_date_candidates` or :func:`verify_demographics`.
    """

    code: str
    canonical: str
    birth_year_2d: int
    birth_month: int
    birth_day: int
    sex: BirthSex
    belfiore: str
    omocodia_level: int

    def birth_date_candidates(self) -> tuple[dt.date, ...]:
        """Return the valid dates (1900s and 2000s) the code may encode, oldest first."""
        out: list[dt.date] = []
        for century in (1900, 2000):
            try:
                out.append(dt.date(century + self.birth_year_2d, self.birth_month, self.birth_day))
            except ValueError:
                continue
        return tuple(out)


def check_letter(first15: str) -> str:
    """Return the check letter (16th character) for the first 15 characters.

    Raises:
        InvalidCodiceFiscale: if ``first15`` is not 15 characters of A-Z/0-9.
    """
    chars = first15.upper()
    if len(chars) != 15 or any(c not in _ODD_VALUES for c in chars):
        raise InvalidCodiceFiscale("the first 15 characters must be A-Z or 0-9")
    total = 0
    for index, char in enumerate(chars):
        if index % 2 == 0:  # 1-based odd position
            total += _ODD_VALUES[char]
        else:
            total += int(char) if char.isdigit() else ord(char) - ord("A")
    return chr(ord("A") + total % 26)


def _decode_digit(char: str) -> str:
    if char.isdigit():
        return char
    return str(OMOCODIA_LETTERS.index(char))


def parse_codice_fiscale(code: str) -> CodiceFiscale:
    """Parse and validate a codice fiscale, including omocodia variants.

    Raises:
        InvalidCodiceFiscale: wrong length/shape, impossible month/day, or wrong
            check letter (``reason`` explains).
    """
    normalized = code.strip().upper()
    if len(normalized) != 16:
        raise InvalidCodiceFiscale("a codice fiscale has 16 characters")
    if not _SHAPE.match(normalized):
        raise InvalidCodiceFiscale("characters in unexpected positions")
    expected = check_letter(normalized[:15])
    if normalized[15] != expected:
        raise InvalidCodiceFiscale("wrong check letter")
    chars = list(normalized)
    level = 0
    for index in OMOCODIA_POSITIONS:
        if not chars[index].isdigit():
            chars[index] = _decode_digit(chars[index])
            level += 1
    base15 = "".join(chars[:15])
    canonical = base15 + check_letter(base15)
    year_2d = int(base15[6:8])
    month = MONTH_LETTERS.index(base15[8]) + 1
    day_code = int(base15[9:11])
    if 1 <= day_code <= 31:
        sex, day = BirthSex.MALE, day_code
    elif 41 <= day_code <= 71:
        sex, day = BirthSex.FEMALE, day_code - 40
    else:
        raise InvalidCodiceFiscale("impossible birth day")
    parsed = CodiceFiscale(
        code=normalized,
        canonical=canonical,
        birth_year_2d=year_2d,
        birth_month=month,
        birth_day=day,
        sex=sex,
        belfiore=base15[11:15],
        omocodia_level=level,
    )
    if not parsed.birth_date_candidates():
        raise InvalidCodiceFiscale("impossible birth date")
    return parsed


def is_valid_codice_fiscale(code: str) -> bool:
    """Return True if ``code`` is a well-formed codice fiscale with the right check letter."""
    try:
        parse_codice_fiscale(code)
    except CodiceFiscaleError:
        return False
    return True


def verify_demographics(
    code: str, *, sex: BirthSex | None = None, birth_date: dt.date | None = None
) -> CodiceFiscale:
    """Parse ``code`` and cross-check it against demographics; ``None`` skips a check.

    Raises:
        InvalidCodiceFiscale: if the code itself is invalid.
        CodiceFiscaleMismatch: if sex or birth date disagree with the code.
    """
    parsed = parse_codice_fiscale(code)
    if sex is not None and parsed.sex is not sex:
        raise CodiceFiscaleMismatch("sex does not match the codice fiscale")
    if birth_date is not None and birth_date not in parsed.birth_date_candidates():
        raise CodiceFiscaleMismatch("birth date does not match the codice fiscale")
    return parsed


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if "A" <= c <= "Z")


def _surname_part(surname: str) -> str:
    letters = _letters(surname)
    consonants = [c for c in letters if c not in _VOWELS]
    vowels = [c for c in letters if c in _VOWELS]
    return ("".join(consonants + vowels) + "XXX")[:3]


def _given_name_part(given_name: str) -> str:
    letters = _letters(given_name)
    consonants = [c for c in letters if c not in _VOWELS]
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    vowels = [c for c in letters if c in _VOWELS]
    return ("".join(consonants + vowels) + "XXX")[:3]


def compute_codice_fiscale(
    *,
    family_name: str,
    given_name: str,
    birth_date: dt.date,
    sex: BirthSex,
    belfiore: str,
    omocodia_level: int = 0,
) -> str:
    """Compute the codice fiscale for the given demographics.

    ``belfiore`` is the 4-character cadastral code of the birth comune (or
    ``Z`` + 3 digits for a foreign country). ``omocodia_level`` (0-7) replaces
    that many digits, right to left, with omocodia letters.

    Raises:
        InvalidCodiceFiscale: if ``belfiore`` is malformed or ``omocodia_level``
            is out of range.
    """
    if not re.fullmatch(r"[A-Z][0-9]{3}", belfiore.upper()):
        raise InvalidCodiceFiscale("a Belfiore code is one letter and three digits")
    if not 0 <= omocodia_level <= len(OMOCODIA_POSITIONS):
        raise InvalidCodiceFiscale("omocodia level must be between 0 and 7")
    day = birth_date.day + (40 if sex is BirthSex.FEMALE else 0)
    chars = list(
        _surname_part(family_name)
        + _given_name_part(given_name)
        + f"{birth_date.year % 100:02d}"
        + MONTH_LETTERS[birth_date.month - 1]
        + f"{day:02d}"
        + belfiore.upper()
    )
    for index in OMOCODIA_POSITIONS[:omocodia_level]:
        chars[index] = OMOCODIA_LETTERS[int(chars[index])]
    first15 = "".join(chars)
    return first15 + check_letter(first15)
