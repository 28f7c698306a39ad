"""Codice fiscale: check letter, omocodia, demographics cross-check (DESIGN §7)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.codice_fiscale import (
    BirthSex,
    CodiceFiscaleMismatch,
    InvalidCodiceFiscale,
    check_letter,
    compute_codice_fiscale,
    is_valid_codice_fiscale,
    parse_codice_fiscale,
    verify_demographics,
)

VALID = ["RSSMRA80A01H501U", "RSSMRA85T10A562S", "MRTMTT25D09F205Z"]


@pytest.mark.parametrize("code", VALID)
def test_published_examples_are_valid(code: str) -> None:
    assert is_valid_codice_fiscale(code)
    assert check_letter(code[:15]) == code[15]
    assert parse_codice_fiscale(code).omocodia_level == 0


def test_parse_fields() -> None:
    parsed = parse_codice_fiscale(" rssmra85t10a562s ")
    assert parsed.code == "RSSMRA85T10A562S"
    assert (parsed.birth_year_2d, parsed.birth_month, parsed.birth_day) == (85, 12, 10)
    assert parsed.sex is BirthSex.MALE
    assert parsed.belfiore == "A562"
    assert parsed.birth_date_candidates() == (dt.date(1985, 12, 10), dt.date(2085, 12, 10))


@pytest.mark.parametrize(
    ("family", "given", "birth", "sex", "belfiore", "expected"),
    [
        ("Rossi", "Mario", dt.date(1980, 1, 1), BirthSex.MALE, "H501", "RSSMRA80A01H501U"),
        ("Rossi", "Mario", dt.date(1985, 12, 10), BirthSex.MALE, "A562", "RSSMRA85T10A562S"),
        ("Moretti", "Matteo", dt.date(2025, 4, 9), BirthSex.MALE, "F205", "MRTMTT25D09F205Z"),
    ],
)
def test_compute_matches_examples(
    family: str, given: str, birth: dt.date, sex: BirthSex, belfiore: str, expected: str
) -> None:
    assert (
        compute_codice_fiscale(
            family_name=family, given_name=given, birth_date=birth, sex=sex, belfiore=belfiore
        )
        == expected
    )


def test_name_rules_and_women_days() -> None:
    # Given name with >= 4 consonants takes the 1st, 3rd and 4th; short names pad with X;
    # women add 40 to the day; accents and spaces are ignored.
    code = compute_codice_fiscale(
        family_name="De Niccolò",
        given_name="Gianfranca",
        birth_date=dt.date(1961, 3, 5),
        sex=BirthSex.FEMALE,
        belfiore="F205",
    )
    assert code.startswith("DNCGFR61C45F205")
    assert compute_codice_fiscale(
        family_name="Fo",
        given_name="Al",
        birth_date=dt.date(1990, 6, 1),
        sex=BirthSex.MALE,
        belfiore="F205",
    ).startswith("FOXLAX90H01")
    parsed = parse_codice_fiscale(code)
    assert parsed.sex is BirthSex.FEMALE
    assert parsed.birth_day == 5


@pytest.mark.parametrize("level", range(1, 8))
def test_omocodia_variants_validate_and_map_back(level: int) -> None:
    code = compute_codice_fiscale(
        family_name="Rossi",
        given_name="Mario",
        birth_date=dt.date(1980, 1, 1),
        sex=BirthSex.MALE,
        belfiore="H501",
        omocodia_level=level,
    )
    assert code != "RSSMRA80A01H501U"
    parsed = parse_codice_fiscale(code)
    assert parsed.omocodia_level == level
    assert parsed.canonical == "RSSMRA80A01H501U"
    assert parsed.belfiore == "H501"
    assert verify_demographics(code, sex=BirthSex.MALE, birth_date=dt.date(1980, 1, 1))


def test_known_omocodia_first_substitution() -> None:
    # Last digit (position 15) '1' -> 'M', check letter recomputed.
    code = "RSSMRA80A01H50M"
    assert parse_codice_fiscale(code + check_letter(code)).canonical == "RSSMRA80A01H501U"


@pytest.mark.parametrize(
    "code",
    ["RSSMRA80A01H501A", "RSSMRA85T10A562T", "MRTMTT25D09F205A", "MRTMTT25D09F205Y"],
)
def test_wrong_check_letter_is_rejected(code: str) -> None:
    assert not is_valid_codice_fiscale(code)
    with pytest.raises(InvalidCodiceFiscale) as err:
        parse_codice_fiscale(code)
    assert err.value.reason == "wrong check letter"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "RSSMRA80A01H501",
        "RSSMRA80A01H501UX",
        "RSSMRA80Z01H501U",
        "1SSMRA80A01H501U",
        "RSSMRA80A99H501U",
    ],
)
def test_malformed_codes_are_rejected(code: str) -> None:
    assert not is_valid_codice_fiscale(code)


def test_impossible_date_is_rejected() -> None:
    first15 = "RSSMRA80B31H501"  # 31 February
    with pytest.raises(InvalidCodiceFiscale):
        parse_codice_fiscale(first15 + check_letter(first15))


def test_demographics_cross_check() -> None:
    verify_demographics("RSSMRA80A01H501U", sex=BirthSex.MALE, birth_date=dt.date(1980, 1, 1))
    with pytest.raises(CodiceFiscaleMismatch):
        verify_demographics("RSSMRA80A01H501U", sex=BirthSex.FEMALE)
    with pytest.raises(CodiceFiscaleMismatch):
        verify_demographics("RSSMRA80A01H501U", birth_date=dt.date(1980, 1, 2))
    # The century is ambiguous: 2080 is also accepted by the code itself.
    verify_demographics("MRTMTT25D09F205Z", birth_date=dt.date(2025, 4, 9))


def test_compute_rejects_bad_inputs() -> None:
    with pytest.raises(InvalidCodiceFiscale):
        compute_codice_fiscale(
            family_name="Rossi",
            given_name="Mario",
            birth_date=dt.date(1980, 1, 1),
            sex=BirthSex.MALE,
            belfiore="H5",
        )
    with pytest.raises(InvalidCodiceFiscale):
        compute_codice_fiscale(
            family_name="Rossi",
            given_name="Mario",
            birth_date=dt.date(1980, 1, 1),
            sex=BirthSex.MALE,
            belfiore="H501",
            omocodia_level=8,
        )
