"""Pulse Oximeter Service 1.0: PLX Spot-check Measurement (0x2A5E), PLX Continuous
Measurement (0x2A5F) and PLX Features (0x2A60).

0x2A5E (PLXS 1.0 and GSS): Flags uint8 (bit0 Timestamp, bit1 Measurement Status,
bit2 Device and Sensor Status, bit3 Pulse Amplitude Index, bit4 Device Clock is Not Set),
SFLOAT SpO2 (%), SFLOAT PR (bpm), Date Time, uint16 status, uint24 device/sensor status,
SFLOAT PAI (%).
0x2A5F (PLXS and GSS): Flags uint8 (bit0 SpO2PR-Fast, bit1 SpO2PR-Slow, bit2
Measurement Status, bit3 Device and Sensor Status, bit4 PAI), SpO2PR-Normal (2 SFLOAT),
optional Fast and Slow pairs, uint16, uint24, SFLOAT PAI.
0x2A60 (PLXS): uint16 Supported Features, then uint16 Measurement Status Support if
bit0, then uint24 Device and Sensor Status Support if bit1.

Pure, any thread. Raises ``MalformedPayload``/``ImplausibleValue``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from devices.gatt_time import GattDateTime, encode_date_time, read_date_time
from devices.ieee11073 import Measurement
from devices.plausibility import check_range
from devices.wire import PayloadReader, PayloadWriter, require_aware, require_length

__all__ = [
    "encode_plx_continuous",
    "encode_plx_spot_check",
    "PlxContinuousMeasurement",
    "PlxDeviceSensorStatus",
    "PlxFeatures",
    "PlxMeasurementStatus",
    "PlxSpotCheckMeasurement",
    "parse_plx_continuous",
    "parse_plx_features",
    "parse_plx_spot_check",
]


class PlxMeasurementStatus(enum.IntFlag):
    """Measurement Status bits 5-15 (PLXS)."""

    MEASUREMENT_ONGOING = 0x0020
    EARLY_ESTIMATED_DATA = 0x0040
    VALIDATED_DATA = 0x0080
    FULLY_QUALIFIED_DATA = 0x0100
    DATA_FROM_MEASUREMENT_STORAGE = 0x0200
    DATA_FOR_DEMONSTRATION = 0x0400
    DATA_FOR_TESTING = 0x0800
    CALIBRATION_ONGOING = 0x1000
    MEASUREMENT_UNAVAILABLE = 0x2000
    QUESTIONABLE_MEASUREMENT_DETECTED = 0x4000
    INVALID_MEASUREMENT_DETECTED = 0x8000


class PlxDeviceSensorStatus(enum.IntFlag):
    """Device and Sensor Status bits 0-15 (PLXS)."""

    EXTENDED_DISPLAY_UPDATE_ONGOING = 0x0001
    EQUIPMENT_MALFUNCTION_DETECTED = 0x0002
    SIGNAL_PROCESSING_IRREGULARITY = 0x0004
    INADEQUATE_SIGNAL_DETECTED = 0x0008
    POOR_SIGNAL_DETECTED = 0x0010
    LOW_PERFUSION_DETECTED = 0x0020
    ERRATIC_SIGNAL_DETECTED = 0x0040
    NONPULSATILE_SIGNAL_DETECTED = 0x0080
    QUESTIONABLE_PULSE_DETECTED = 0x0100
    SIGNAL_ANALYSIS_ONGOING = 0x0200
    SENSOR_INTERFERENCE_DETECTED = 0x0400
    SENSOR_UNCONNECTED_TO_USER = 0x0800
    UNKNOWN_SENSOR_CONNECTED = 0x1000
    SENSOR_DISPLACED = 0x2000
    SENSOR_MALFUNCTIONING = 0x4000
    SENSOR_DISCONNECTED = 0x8000


@dataclass(frozen=True, slots=True)
class PlxSpotCheckMeasurement:
    """One 0x2A5E indication: SpO2 in %, pulse rate in bpm, PAI in %."""

    spo2_pct: Measurement
    pulse_rate_bpm: Measurement
    timestamp: GattDateTime | None
    measurement_status: int | None
    device_sensor_status: int | None
    pulse_amplitude_index_pct: Measurement | None
    device_clock_not_set: bool
    received_at: datetime


@dataclass(frozen=True, slots=True)
class PlxContinuousMeasurement:
    """One 0x2A5F notification: normal/fast/slow SpO2 (%) and pulse rate (bpm) pairs."""

    spo2_pct: Measurement
    pulse_rate_bpm: Measurement
    spo2_fast_pct: Measurement | None
    pulse_rate_fast_bpm: Measurement | None
    spo2_slow_pct: Measurement | None
    pulse_rate_slow_bpm: Measurement | None
    measurement_status: int | None
    device_sensor_status: int | None
    pulse_amplitude_index_pct: Measurement | None
    received_at: datetime


def _check(
    characteristic: str, spo2: list[Measurement | None], pr: list[Measurement | None]
) -> None:
    for v in spo2:
        check_range(v, 0, 100, field="SpO2", characteristic=characteristic, unit="%")
    for v in pr:
        check_range(v, 0, 350, field="pulse rate", characteristic=characteristic, unit="bpm")


def parse_plx_spot_check(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> PlxSpotCheckMeasurement:
    """Decode 0x2A5E. Raises ``MalformedPayload`` or ``ImplausibleValue`` (SpO2 outside
    0..100 %, PR outside 0..350 bpm, PAI outside 0..100 %)."""
    require_aware(received_at)
    reader = PayloadReader(data, characteristic="2a5e")
    require_length(data, 1, characteristic="2a5e")
    flags = reader.u8("flags")
    required = (
        5
        + (7 if flags & 0x01 else 0)
        + (2 if flags & 0x02 else 0)
        + (3 if flags & 0x04 else 0)
        + (2 if flags & 0x08 else 0)
    )
    require_length(data, required, characteristic="2a5e")
    spo2 = reader.sfloat("SpO2")
    pr = reader.sfloat("PR")
    timestamp = read_date_time(reader) if flags & 0x01 else None
    mstatus = reader.u16("measurement status") if flags & 0x02 else None
    dstatus = reader.u24("device and sensor status") if flags & 0x04 else None
    pai = reader.sfloat("pulse amplitude index") if flags & 0x08 else None
    if check_plausibility:
        _check("2a5e", [spo2, pai], [pr])
    return PlxSpotCheckMeasurement(
        spo2_pct=spo2,
        pulse_rate_bpm=pr,
        timestamp=timestamp,
        measurement_status=mstatus,
        device_sensor_status=dstatus,
        pulse_amplitude_index_pct=pai,
        device_clock_not_set=bool(flags & 0x10),
        received_at=received_at,
    )


def parse_plx_continuous(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> PlxContinuousMeasurement:
    """Decode 0x2A5F. Raises ``MalformedPayload`` or ``ImplausibleValue`` (as spot-check)."""
    require_aware(received_at)
    reader = PayloadReader(data, characteristic="2a5f")
    require_length(data, 1, characteristic="2a5f")
    flags = reader.u8("flags")
    required = (
        5
        + (4 if flags & 0x01 else 0)
        + (4 if flags & 0x02 else 0)
        + (2 if flags & 0x04 else 0)
        + (3 if flags & 0x08 else 0)
        + (2 if flags & 0x10 else 0)
    )
    require_length(data, required, characteristic="2a5f")
    spo2 = reader.sfloat("SpO2")
    pr = reader.sfloat("PR")
    spo2_fast = reader.sfloat("SpO2 fast") if flags & 0x01 else None
    pr_fast = reader.sfloat("PR fast") if flags & 0x01 else None
    spo2_slow = reader.sfloat("SpO2 slow") if flags & 0x02 else None
    pr_slow = reader.sfloat("PR slow") if flags & 0x02 else None
    mstatus = reader.u16("measurement status") if flags & 0x04 else None
    dstatus = reader.u24("device and sensor status") if flags & 0x08 else None
    pai = reader.sfloat("pulse amplitude index") if flags & 0x10 else None
    if check_plausibility:
        _check("2a5f", [spo2, spo2_fast, spo2_slow, pai], [pr, pr_fast, pr_slow])
    return PlxContinuousMeasurement(
        spo2_pct=spo2,
        pulse_rate_bpm=pr,
        spo2_fast_pct=spo2_fast,
        pulse_rate_fast_bpm=pr_fast,
        spo2_slow_pct=spo2_slow,
        pulse_rate_slow_bpm=pr_slow,
        measurement_status=mstatus,
        device_sensor_status=dstatus,
        pulse_amplitude_index_pct=pai,
        received_at=received_at,
    )


@dataclass(frozen=True, slots=True)
class PlxFeatures:
    """0x2A60: supported-features bits and the optional support masks."""

    supported_features: int
    measurement_status_support: int | None
    device_sensor_status_support: int | None


def parse_plx_features(data: bytes, /) -> PlxFeatures:
    """Decode 0x2A60. Raises ``MalformedPayload``."""
    reader = PayloadReader(data, characteristic="2a60")
    require_length(data, 2, characteristic="2a60")
    features = reader.u16("supported features")
    require_length(
        data,
        2 + (2 if features & 0x01 else 0) + (3 if features & 0x02 else 0),
        characteristic="2a60",
    )
    mss = reader.u16("measurement status support") if features & 0x01 else None
    dss = reader.u24("device and sensor status support") if features & 0x02 else None
    return PlxFeatures(features, mss, dss)


def encode_plx_spot_check(reading: PlxSpotCheckMeasurement) -> bytes:
    """On-air octets of ``reading`` (virtual device lab); inverse of the parser."""
    w = PayloadWriter()
    flags = 0x10 if reading.device_clock_not_set else 0
    w.sfloat(reading.spo2_pct)
    w.sfloat(reading.pulse_rate_bpm)
    if reading.timestamp is not None:
        flags |= 0x01
        w.raw(encode_date_time(reading.timestamp))
    if reading.measurement_status is not None:
        flags |= 0x02
        w.uint(reading.measurement_status, 2)
    if reading.device_sensor_status is not None:
        flags |= 0x04
        w.uint(reading.device_sensor_status, 3)
    if reading.pulse_amplitude_index_pct is not None:
        flags |= 0x08
        w.sfloat(reading.pulse_amplitude_index_pct)
    return bytes([flags]) + w.getvalue()


def encode_plx_continuous(reading: PlxContinuousMeasurement) -> bytes:
    """On-air octets of ``reading`` (virtual device lab); inverse of the parser. Fast and slow
    pairs must be both present or both None (``ValueError`` otherwise)."""
    w = PayloadWriter()
    flags = 0
    w.sfloat(reading.spo2_pct)
    w.sfloat(reading.pulse_rate_bpm)
    for bit, spo2, pr in (
        (0x01, reading.spo2_fast_pct, reading.pulse_rate_fast_bpm),
        (0x02, reading.spo2_slow_pct, reading.pulse_rate_slow_bpm),
    ):
        if (spo2 is None) != (pr is None):
            raise ValueError("SpO2 and PR of a fast/slow pair must be set together")
        if spo2 is not None and pr is not None:
            flags |= bit
            w.sfloat(spo2)
            w.sfloat(pr)
    if reading.measurement_status is not None:
        flags |= 0x04
        w.uint(reading.measurement_status, 2)
    if reading.device_sensor_status is not None:
        flags |= 0x08
        w.uint(reading.device_sensor_status, 3)
    if reading.pulse_amplitude_index_pct is not None:
        flags |= 0x10
        w.sfloat(reading.pulse_amplitude_index_pct)
    return bytes([flags]) + w.getvalue()
