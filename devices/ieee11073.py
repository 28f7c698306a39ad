"""IEEE 11073-20601 SFLOAT-Type (16 bit) and FLOAT-Type (32 bit) numbers.

Reference: IEEE 11073-20601 FLOAT-Type and SFLOAT-Type, as used by
the Bluetooth GATT Specification Supplement (GSS) "medfloat16"/"medfloat32" data types, and the
HL7 FHIR Personal Health Device IG page "FLOATS" (special values -> ``dataAbsentReason``).

A number is ``mantissa * 10**exponent`` with a two's complement mantissa (12 bit for SFLOAT,
24 bit for FLOAT) and a two's complement exponent (4 bit / 8 bit). Values are returned as
:class:`decimal.Decimal` built from mantissa and exponent, so the precision survives:
``0xF014`` is ``Decimal("2.0")`` and ``0x0002`` is ``Decimal("2")`` (2.0 is not 2).
Reserved mantissas (with exponent 0) are :class:`SpecialValue` members.

Trap: a popular Python GATT package treats the SFLOAT exponent as unsigned or the mantissa
as unsigned; ``0x0B2E`` must decode to -1234 and ``0xF014`` to 2.0 (tests cover both).

All functions are pure; any thread.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from devices.errors import MalformedPayload

__all__ = [
    "Measurement",
    "SpecialValue",
    "decode_float",
    "decode_sfloat",
    "encode_float",
    "encode_sfloat",
    "exponent_of",
    "float_from_le",
    "sfloat_from_le",
]


class SpecialValue(enum.Enum):
    """Reserved IEEE 11073 values; ``.label`` is the PHD IG notation and
    ``.fhir_data_absent_reason`` the FHIR R4 ``data-absent-reason`` code."""

    NAN = ("NaN", "not-a-number")
    NRES = ("NRes", "error")
    POSITIVE_INFINITY = ("+INF", "positive-infinity")
    NEGATIVE_INFINITY = ("-INF", "negative-infinity")
    RESERVED = ("RFU", "error")

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def fhir_data_absent_reason(self) -> str:
        return self.value[1]


#: A decoded SFLOAT/FLOAT: a precision-keeping Decimal or a special value.
type Measurement = Decimal | SpecialValue

_SFLOAT_SPECIAL = {
    0x07FF: SpecialValue.NAN,
    0x0800: SpecialValue.NRES,
    0x07FE: SpecialValue.POSITIVE_INFINITY,
    0x0802: SpecialValue.NEGATIVE_INFINITY,
    0x0801: SpecialValue.RESERVED,
}
_FLOAT_SPECIAL = {
    0x007FFFFF: SpecialValue.NAN,
    0x00800000: SpecialValue.NRES,
    0x007FFFFE: SpecialValue.POSITIVE_INFINITY,
    0x00800002: SpecialValue.NEGATIVE_INFINITY,
    0x00800001: SpecialValue.RESERVED,
}
_SFLOAT_RAW = {v: k for k, v in _SFLOAT_SPECIAL.items()}
_FLOAT_RAW = {v: k for k, v in _FLOAT_SPECIAL.items()}


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def decode_sfloat(raw: int) -> Measurement:
    """Decode a 16-bit SFLOAT given as an integer (big-endian notation, e.g. ``0xF014``).

    Raises ``MalformedPayload`` if ``raw`` is not in 0..0xFFFF.
    """
    if not 0 <= raw <= 0xFFFF:
        raise MalformedPayload(f"SFLOAT raw value out of 16-bit range: {raw:#x}")
    special = _SFLOAT_SPECIAL.get(raw)
    if special is not None:
        return special
    mantissa = _signed(raw & 0x0FFF, 12)
    exponent = _signed(raw >> 12, 4)
    return Decimal(mantissa).scaleb(exponent)


def decode_float(raw: int) -> Measurement:
    """Decode a 32-bit FLOAT given as an integer (big-endian notation, e.g. ``0xFF000014``).

    Raises ``MalformedPayload`` if ``raw`` is not in 0..0xFFFFFFFF.
    """
    if not 0 <= raw <= 0xFFFFFFFF:
        raise MalformedPayload(f"FLOAT raw value out of 32-bit range: {raw:#x}")
    special = _FLOAT_SPECIAL.get(raw)
    if special is not None:
        return special
    mantissa = _signed(raw & 0x00FFFFFF, 24)
    exponent = _signed(raw >> 24, 8)
    return Decimal(mantissa).scaleb(exponent)


def sfloat_from_le(data: bytes) -> Measurement:
    """Decode an SFLOAT from its 2 on-air (little-endian) octets."""
    if len(data) != 2:
        raise MalformedPayload(f"SFLOAT needs 2 octets, got {len(data)}")
    return decode_sfloat(int.from_bytes(data, "little"))


def float_from_le(data: bytes) -> Measurement:
    """Decode a FLOAT from its 4 on-air (little-endian) octets."""
    if len(data) != 4:
        raise MalformedPayload(f"FLOAT needs 4 octets, got {len(data)}")
    return decode_float(int.from_bytes(data, "little"))


def exponent_of(value: Decimal) -> int:
    """Base-10 exponent a Decimal carries (``Decimal("2.0")`` -> -1, ``Decimal("2E+1")`` -> 1)."""
    exp = value.as_tuple().exponent
    if not isinstance(exp, int):
        raise ValueError("not a finite decimal")
    return exp


def _split(value: Decimal, *, mantissa_bits: int, exponent_bits: int) -> tuple[int, int]:
    exponent = exponent_of(value)
    sign, digits, _ = value.as_tuple()
    mantissa = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    m_min, m_max = -(1 << (mantissa_bits - 1)), (1 << (mantissa_bits - 1)) - 1
    e_min, e_max = -(1 << (exponent_bits - 1)), (1 << (exponent_bits - 1)) - 1
    # Only when the mantissa overflows, move trailing zeros into the exponent (the value and
    # its stated precision are unchanged only in that case; otherwise keep the exponent).
    while not m_min <= mantissa <= m_max and mantissa % 10 == 0 and exponent < e_max:
        mantissa //= 10
        exponent += 1
    if not m_min <= mantissa <= m_max or not e_min <= exponent <= e_max:
        raise ValueError(f"{value} does not fit the {mantissa_bits}-bit mantissa/exponent")
    # With exponent 0 the five mantissas nearest the range ends encode special values.
    if exponent == 0 and (mantissa >= m_max - 1 or mantissa <= m_min + 2):
        raise ValueError(f"{value} collides with a reserved special value")
    return mantissa, exponent


def encode_sfloat(value: Measurement) -> int:
    """Encode a Decimal (keeping its exponent) or special value as a 16-bit SFLOAT integer.

    Raises ``ValueError`` if it does not fit (12-bit mantissa, exponent -8..7) or would
    collide with a special value (mantissa beyond +-2045 with exponent 0).
    """
    if isinstance(value, SpecialValue):
        return _SFLOAT_RAW[value]
    mantissa, exponent = _split(value, mantissa_bits=12, exponent_bits=4)
    return ((exponent & 0xF) << 12) | (mantissa & 0x0FFF)


def encode_float(value: Measurement) -> int:
    """Encode a Decimal or special value as a 32-bit FLOAT integer. Raises ``ValueError``."""
    if isinstance(value, SpecialValue):
        return _FLOAT_RAW[value]
    mantissa, exponent = _split(value, mantissa_bits=24, exponent_bits=8)
    return ((exponent & 0xFF) << 24) | (mantissa & 0x00FFFFFF)
