"""Bounds-checked little-endian reader shared by the GATT parsers.

Every read checks the remaining length first and raises :class:`MalformedPayload`
instead of ``IndexError``/``struct.error`` (GATT Core Spec Vol 3 Part G: multi-octet
fields are little-endian). Pure, any thread.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from devices.errors import MalformedPayload
from devices.ieee11073 import (
    Measurement,
    decode_float,
    decode_sfloat,
    encode_float,
    encode_sfloat,
)

__all__ = ["PayloadReader", "PayloadWriter", "require_aware", "require_length", "scaled"]


def require_aware(received_at: datetime) -> None:
    """Readings carry a timezone-aware receive time; a naive one is a programming error."""
    if not isinstance(received_at, datetime) or received_at.utcoffset() is None:
        raise ValueError("received_at must be a timezone-aware datetime")


def require_length(data: bytes, required: int, *, characteristic: str) -> None:
    """Raise ``MalformedPayload("length N < M required by flags")`` if ``data`` is too short."""
    if len(data) < required:
        raise MalformedPayload(
            f"length {len(data)} < {required} required by flags", characteristic=characteristic
        )


class PayloadReader:
    """Cursor over one payload; each ``u8``/``u16``/... checks length before reading."""

    __slots__ = ("_data", "_pos", "characteristic")

    def __init__(self, data: bytes, *, characteristic: str) -> None:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise MalformedPayload("payload is not bytes", characteristic=characteristic)
        self._data = bytes(data)
        self._pos = 0
        self.characteristic = characteristic

    @property
    def remaining(self) -> int:
        """Octets not yet consumed."""
        return len(self._data) - self._pos

    def fail(self, reason: str) -> MalformedPayload:
        """A :class:`MalformedPayload` tagged with this characteristic (to ``raise``)."""
        return MalformedPayload(reason, characteristic=self.characteristic)

    def take(self, n: int, field: str) -> bytes:
        """The next ``n`` octets of ``field``."""
        if self.remaining < n:
            raise self.fail(f"length {len(self._data)} too short for {field} at offset {self._pos}")
        chunk = self._data[self._pos : self._pos + n]
        self._pos += n
        return chunk

    def uint(self, n: int, field: str) -> int:
        """Unsigned little-endian integer of ``n`` octets."""
        return int.from_bytes(self.take(n, field), "little")

    def sint(self, n: int, field: str) -> int:
        """Signed (two's complement) little-endian integer of ``n`` octets."""
        return int.from_bytes(self.take(n, field), "little", signed=True)

    def u8(self, field: str) -> int:
        return self.uint(1, field)

    def u16(self, field: str) -> int:
        return self.uint(2, field)

    def s16(self, field: str) -> int:
        return self.sint(2, field)

    def u24(self, field: str) -> int:
        return self.uint(3, field)

    def u32(self, field: str) -> int:
        return self.uint(4, field)

    def rest(self) -> bytes:
        """All remaining octets."""
        chunk = self._data[self._pos :]
        self._pos = len(self._data)
        return chunk

    def sfloat(self, field: str) -> Measurement:
        """IEEE 11073 SFLOAT (2 octets, little-endian on air)."""
        return decode_sfloat(self.u16(field))

    def float32(self, field: str) -> Measurement:
        """IEEE 11073 FLOAT (4 octets, little-endian on air)."""
        return decode_float(self.u32(field))


class PayloadWriter:
    """Little-endian builder used by the encoders (virtual device lab, tests)."""

    __slots__ = ("_out",)

    def __init__(self) -> None:
        self._out = bytearray()

    def uint(self, value: int, n: int) -> None:
        self._out += value.to_bytes(n, "little")

    def sint(self, value: int, n: int) -> None:
        self._out += value.to_bytes(n, "little", signed=True)

    def raw(self, data: bytes) -> None:
        self._out += data

    def sfloat(self, value: Measurement) -> None:
        self.uint(encode_sfloat(value), 2)

    def float32(self, value: Measurement) -> None:
        self.uint(encode_float(value), 4)

    def getvalue(self) -> bytes:
        return bytes(self._out)


def scaled(value: Decimal, resolution: Decimal, field: str) -> int:
    """``value / resolution`` as an exact integer; ``ValueError`` if not a whole multiple."""
    raw = value / resolution
    if raw != raw.to_integral_value():
        raise ValueError(f"{field} is not a multiple of its resolution {resolution}")
    return int(raw)
