"""SFLOAT/FLOAT decoding, specials, precision and the classic decoding traps."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import MalformedPayload
from devices.ieee11073 import (
    SpecialValue,
    decode_float,
    decode_sfloat,
    encode_float,
    encode_sfloat,
    exponent_of,
    float_from_le,
    sfloat_from_le,
)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        # Traps: a popular Python GATT package reads the 4-bit exponent and/or the 12-bit
        # mantissa as unsigned. These are the values it gets wrong.
        (0x0B2E, "-1234"),  # negative mantissa (unsigned reading: 2862)
        (0xF014, "2.0"),  # exponent -1 (unsigned reading: 20 * 10**15)
        (0xFFFF, "-0.1"),  # mantissa -1, exponent -1
        (0x8001, "1E-8"),  # most negative exponent
        (0x7001, "1E+7"),  # most positive exponent
        (0xF800, "-204.8"),  # mantissa -2048 with exponent != 0 is a number, not NRes
        (0xF3E8, "100.0"),  # PLX 1000e-1
        (0xC03B, "0.0059"),  # glucose 59e-4 mol/L
    ],
)
def test_sfloat_traps(raw: int, text: str) -> None:
    value = decode_sfloat(raw)
    assert isinstance(value, Decimal)
    assert str(value) == text


def test_float_traps() -> None:
    assert str(decode_float(0xFE000EB0)) == "37.60"
    assert str(decode_float(0x00FFFB2E)) == "-1234"
    assert str(decode_float(0xFF000014)) == "2.0"
    assert decode_float(0x80000001) == Decimal("1E-128")


@pytest.mark.parametrize(
    ("raw", "special"),
    [
        (0x07FF, SpecialValue.NAN),
        (0x0800, SpecialValue.NRES),
        (0x07FE, SpecialValue.POSITIVE_INFINITY),
        (0x0802, SpecialValue.NEGATIVE_INFINITY),
        (0x0801, SpecialValue.RESERVED),
    ],
)
def test_sfloat_specials_and_fhir_codes(raw: int, special: SpecialValue) -> None:
    assert decode_sfloat(raw) is special
    assert encode_sfloat(special) == raw
    float_raw = {0x07FF: 0x007FFFFF, 0x0800: 0x00800000, 0x07FE: 0x007FFFFE}.get(raw)
    if float_raw is not None:
        assert decode_float(float_raw) is special


def test_fhir_data_absent_reason_codes() -> None:
    assert SpecialValue.NAN.fhir_data_absent_reason == "not-a-number"
    assert SpecialValue.POSITIVE_INFINITY.fhir_data_absent_reason == "positive-infinity"
    assert SpecialValue.NEGATIVE_INFINITY.fhir_data_absent_reason == "negative-infinity"
    assert SpecialValue.RESERVED.fhir_data_absent_reason == "error"
    assert SpecialValue.NRES.fhir_data_absent_reason == "error"


def test_precision_is_kept() -> None:
    assert exponent_of(Decimal("2.0")) == -1
    two, two_point_zero = decode_sfloat(0x0002), decode_sfloat(0xF014)
    assert two == two_point_zero and str(two) != str(two_point_zero)


def test_little_endian_helpers_and_bad_lengths() -> None:
    assert sfloat_from_le(bytes.fromhex("14f0")) == Decimal("2.0")
    assert float_from_le(bytes.fromhex("b00e00fe")) == Decimal("37.60")
    with pytest.raises(MalformedPayload):
        sfloat_from_le(b"\x01")
    with pytest.raises(MalformedPayload):
        float_from_le(b"\x01\x02\x03")
    with pytest.raises(MalformedPayload):
        decode_sfloat(0x10000)


def test_every_sfloat_roundtrips_exhaustively() -> None:
    """All 65536 raw values: decode, re-encode, same bits (or same value after normalising)."""
    for raw in range(0x10000):
        value = decode_sfloat(raw)
        again = encode_sfloat(value)
        assert decode_sfloat(again) == value
        if isinstance(value, SpecialValue):
            assert again == raw


@settings(max_examples=2000, derandomize=True, database=None)
@given(st.integers(min_value=0, max_value=0xFFFFFFFF))
def test_float_roundtrip(raw: int) -> None:
    value = decode_float(raw)
    assert decode_float(encode_float(value)) == value


def test_encode_rejects_values_that_do_not_fit() -> None:
    with pytest.raises(ValueError):
        encode_sfloat(Decimal("2046"))  # 0x07FE is +INF
    with pytest.raises(ValueError):
        encode_sfloat(Decimal("1.2345"))
    assert encode_sfloat(Decimal("2046E+1")) == 0x17FE  # same mantissa, exponent 1: a number
    assert encode_sfloat(Decimal("20470")) == 0x17FF  # overflow: trailing zero -> exponent
