"""Heart Rate Service 1.0: Heart Rate Measurement (0x2A37).

Layout (HRS 1.0 and GSS): Flags uint8 (bit0 value format 0=uint8 1=uint16,
bits1-2 sensor contact status: 0b10 supported-not-detected, 0b11 supported-detected,
0b0x not supported; bit3 Energy Expended present; bit4 RR-Interval present), heart rate,
optional uint16 energy expended (kJ), then zero or more uint16 RR-intervals in 1/1024 s.
When bit4 is set at least one RR-interval must follow and the tail must be whole uint16s.

Pure, any thread. Raises ``MalformedPayload``/``ImplausibleValue``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from devices.plausibility import check_range
from devices.wire import PayloadReader, require_aware, require_length

__all__ = ["HeartRateMeasurement", "encode_heart_rate_measurement", "parse_heart_rate_measurement"]

_UINT16 = 0x01
_CONTACT_DETECTED = 0x02
_CONTACT_SUPPORTED = 0x04
_ENERGY = 0x08
_RR = 0x10


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    """One 0x2A37 notification. ``sensor_contact`` is None when the sensor does not report
    contact; RR-intervals stay raw in 1/1024 s (``rr_intervals_s`` converts)."""

    heart_rate_bpm: int
    sensor_contact: bool | None
    energy_expended_kj: int | None
    rr_intervals_1_1024s: tuple[int, ...]
    received_at: datetime

    @property
    def rr_intervals_s(self) -> tuple[Decimal, ...]:
        return tuple(Decimal(v) / 1024 for v in self.rr_intervals_1_1024s)


def parse_heart_rate_measurement(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> HeartRateMeasurement:
    """Decode 0x2A37. Raises ``MalformedPayload`` or ``ImplausibleValue`` (heart rate
    outside 1..350 bpm)."""
    require_aware(received_at)
    reader = PayloadReader(data, characteristic="2a37")
    require_length(data, 1, characteristic="2a37")
    flags = reader.u8("flags")
    required = 1 + (2 if flags & _UINT16 else 1) + (2 if flags & _ENERGY else 0)
    require_length(data, required, characteristic="2a37")
    hr = reader.u16("heart rate") if flags & _UINT16 else reader.u8("heart rate")
    contact = bool(flags & _CONTACT_DETECTED) if flags & _CONTACT_SUPPORTED else None
    energy = reader.u16("energy expended") if flags & _ENERGY else None
    rr: tuple[int, ...] = ()
    if flags & _RR:
        if reader.remaining < 2:
            raise reader.fail("RR flag set but no RR-interval")
        if reader.remaining % 2:
            raise reader.fail("RR-interval field has an odd number of octets")
        rr = tuple(reader.u16("RR-interval") for _ in range(reader.remaining // 2))
    if check_plausibility:
        check_range(hr, 1, 350, field="heart rate", characteristic="2a37", unit="bpm")
    return HeartRateMeasurement(
        heart_rate_bpm=hr,
        sensor_contact=contact,
        energy_expended_kj=energy,
        rr_intervals_1_1024s=rr,
        received_at=received_at,
    )


def encode_heart_rate_measurement(reading: HeartRateMeasurement) -> bytes:
    """On-air octets of ``reading`` (virtual device lab); uint8 format when it fits."""
    flags = 0
    body = bytearray()
    if reading.heart_rate_bpm > 0xFF:
        flags |= _UINT16
        body += reading.heart_rate_bpm.to_bytes(2, "little")
    else:
        body.append(reading.heart_rate_bpm)
    if reading.sensor_contact is not None:
        flags |= _CONTACT_SUPPORTED | (_CONTACT_DETECTED if reading.sensor_contact else 0)
    if reading.energy_expended_kj is not None:
        flags |= _ENERGY
        body += reading.energy_expended_kj.to_bytes(2, "little")
    if reading.rr_intervals_1_1024s:
        flags |= _RR
        for v in reading.rr_intervals_1_1024s:
            body += v.to_bytes(2, "little")
    return bytes([flags]) + bytes(body)
