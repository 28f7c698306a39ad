"""Blood Pressure Service 1.1: Blood Pressure Measurement (0x2A35), Intermediate Cuff
Pressure (0x2A36) and Blood Pressure Feature (0x2A49).

Layout (BLS 1.1 and GSS): Flags uint8 (bit0 unit 0=mmHg 1=kPa, bit1 Time Stamp,
bit2 Pulse Rate, bit3 User ID, bit4 Measurement Status), then three SFLOAT compound values
(systolic, diastolic, MAP), optional Date Time (7), SFLOAT pulse rate, uint8 user id
(0xFF = unknown user), uint16 status. For 0x2A36 (BLS) the first SFLOAT is the current
cuff pressure and the diastolic/MAP fields are unused (sent as NaN; ignored here).

Pure functions of bytes; any thread. Raise ``MalformedPayload``/``ImplausibleValue``.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from devices.errors import ImplausibleValue
from devices.gatt_time import GattDateTime, read_date_time
from devices.ieee11073 import Measurement
from devices.plausibility import MMHG_PER_KPA, check_range
from devices.wire import PayloadReader, require_aware, require_length

__all__ = [
    "encode_intermediate_cuff_pressure",
    "BloodPressureFeature",
    "BloodPressureFeatureFlags",
    "BloodPressureMeasurement",
    "BloodPressureStatus",
    "IntermediateCuffPressure",
    "PressureUnit",
    "PulseRateRange",
    "encode_blood_pressure_measurement",
    "parse_blood_pressure_feature",
    "parse_blood_pressure_measurement",
    "parse_intermediate_cuff_pressure",
]

_UNIT_KPA = 0x01
_TIMESTAMP = 0x02
_PULSE = 0x04
_USER = 0x08
_STATUS = 0x10


class PressureUnit(enum.StrEnum):
    """Unit of all pressure fields of one packet (flags bit0)."""

    MMHG = "mmHg"
    KPA = "kPa"


class BloodPressureStatus(enum.IntFlag):
    """Measurement Status bits (BLS 1.1); bits 3-4 are :class:`PulseRateRange`."""

    BODY_MOVEMENT = 0x0001
    CUFF_TOO_LOOSE = 0x0002
    IRREGULAR_PULSE = 0x0004
    PULSE_RATE_EXCEEDS_UPPER = 0x0008
    PULSE_RATE_BELOW_LOWER = 0x0010
    IMPROPER_POSITION = 0x0020


class PulseRateRange(enum.IntEnum):
    """Status bits 3-4: pulse rate range detection."""

    WITHIN_RANGE = 0
    EXCEEDS_UPPER_LIMIT = 1
    BELOW_LOWER_LIMIT = 2
    RESERVED = 3


@functools.cache
def _limits_mmhg(unit: PressureUnit, low: int, high: int) -> tuple[Decimal, Decimal]:
    """Limits given in mmHg, expressed in ``unit`` (kPa rounded to 0.1)."""
    if unit is PressureUnit.MMHG:
        return Decimal(low), Decimal(high)
    return (Decimal(low) / MMHG_PER_KPA).quantize(Decimal("0.1")), (
        Decimal(high) / MMHG_PER_KPA
    ).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class BloodPressureMeasurement:
    """One 0x2A35 indication. Pressures are in ``unit``; ``pulse_rate_bpm`` in beats/min;
    SFLOAT fields may be a :class:`~devices.ieee11073.SpecialValue`; absent fields are None."""

    unit: PressureUnit
    systolic: Measurement
    diastolic: Measurement
    mean_arterial: Measurement
    timestamp: GattDateTime | None
    pulse_rate_bpm: Measurement | None
    user_id: int | None
    status: int | None
    received_at: datetime

    @property
    def status_flags(self) -> BloodPressureStatus | None:
        return None if self.status is None else BloodPressureStatus(self.status & 0x3F)

    @property
    def pulse_rate_range(self) -> PulseRateRange | None:
        return None if self.status is None else PulseRateRange((self.status >> 3) & 0x3)


@dataclass(frozen=True, slots=True)
class IntermediateCuffPressure:
    """One 0x2A36 notification (cuff pressure during inflation/deflation)."""

    unit: PressureUnit
    cuff_pressure: Measurement
    timestamp: GattDateTime | None
    pulse_rate_bpm: Measurement | None
    user_id: int | None
    status: int | None
    received_at: datetime


def _required(flags: int) -> int:
    return (
        7
        + (7 if flags & _TIMESTAMP else 0)
        + (2 if flags & _PULSE else 0)
        + (1 if flags & _USER else 0)
        + (2 if flags & _STATUS else 0)
    )


def _tail(
    reader: PayloadReader, flags: int
) -> tuple[GattDateTime | None, Measurement | None, int | None, int | None]:
    timestamp = read_date_time(reader) if flags & _TIMESTAMP else None
    pulse = reader.sfloat("pulse rate") if flags & _PULSE else None
    user = reader.u8("user id") if flags & _USER else None
    status = reader.u16("measurement status") if flags & _STATUS else None
    return timestamp, pulse, user, status


def _check_pulse(pulse: Measurement | None, characteristic: str) -> None:
    check_range(pulse, 20, 350, field="pulse rate", characteristic=characteristic, unit="bpm")


def parse_blood_pressure_measurement(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> BloodPressureMeasurement:
    """Decode 0x2A35. Raises ``MalformedPayload`` (length/flags) or ``ImplausibleValue``
    (systolic 40..300 mmHg, diastolic 10..250, MAP 15..280, pulse 20..350 bpm)."""
    require_aware(received_at)
    reader = PayloadReader(data, characteristic="2a35")
    require_length(data, 1, characteristic="2a35")
    flags = reader.u8("flags")
    require_length(data, _required(flags), characteristic="2a35")
    unit = PressureUnit.KPA if flags & _UNIT_KPA else PressureUnit.MMHG
    systolic = reader.sfloat("systolic")
    diastolic = reader.sfloat("diastolic")
    mean_arterial = reader.sfloat("mean arterial pressure")
    timestamp, pulse, user, status = _tail(reader, flags)
    if check_plausibility:
        for field, value, (low, high) in (
            ("systolic", systolic, (40, 300)),
            ("diastolic", diastolic, (10, 250)),
            ("mean arterial pressure", mean_arterial, (15, 280)),
        ):
            lo, hi = _limits_mmhg(unit, low, high)
            check_range(value, lo, hi, field=field, characteristic="2a35", unit=unit.value)
        if (
            isinstance(systolic, Decimal)
            and isinstance(diastolic, Decimal)
            and diastolic > systolic
        ):
            raise ImplausibleValue("implausible: diastolic above systolic", characteristic="2a35")
        _check_pulse(pulse, "2a35")
    return BloodPressureMeasurement(
        unit=unit,
        systolic=systolic,
        diastolic=diastolic,
        mean_arterial=mean_arterial,
        timestamp=timestamp,
        pulse_rate_bpm=pulse,
        user_id=user,
        status=status,
        received_at=received_at,
    )


def parse_intermediate_cuff_pressure(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> IntermediateCuffPressure:
    """Decode 0x2A36; the unused diastolic/MAP SFLOATs are length-checked and ignored.
    Raises ``MalformedPayload`` or ``ImplausibleValue`` (cuff 0..350 mmHg)."""
    require_aware(received_at)
    reader = PayloadReader(data, characteristic="2a36")
    require_length(data, 1, characteristic="2a36")
    flags = reader.u8("flags")
    require_length(data, _required(flags), characteristic="2a36")
    unit = PressureUnit.KPA if flags & _UNIT_KPA else PressureUnit.MMHG
    cuff = reader.sfloat("cuff pressure")
    reader.take(4, "unused diastolic/MAP")
    timestamp, pulse, user, status = _tail(reader, flags)
    if check_plausibility:
        lo, hi = _limits_mmhg(unit, 0, 350)
        check_range(cuff, lo, hi, field="cuff pressure", characteristic="2a36", unit=unit.value)
        _check_pulse(pulse, "2a36")
    return IntermediateCuffPressure(
        unit=unit,
        cuff_pressure=cuff,
        timestamp=timestamp,
        pulse_rate_bpm=pulse,
        user_id=user,
        status=status,
        received_at=received_at,
    )


def encode_blood_pressure_measurement(reading: BloodPressureMeasurement) -> bytes:
    """On-air octets of ``reading`` (for the virtual device lab; inverse of the parser).

    Raises ``ValueError`` if a value does not fit an SFLOAT.
    """
    from devices.gatt_time import encode_date_time
    from devices.ieee11073 import encode_sfloat

    flags = _UNIT_KPA if reading.unit is PressureUnit.KPA else 0
    out = bytearray()
    for v in (reading.systolic, reading.diastolic, reading.mean_arterial):
        out += encode_sfloat(v).to_bytes(2, "little")
    if reading.timestamp is not None:
        flags |= _TIMESTAMP
        out += encode_date_time(reading.timestamp)
    if reading.pulse_rate_bpm is not None:
        flags |= _PULSE
        out += encode_sfloat(reading.pulse_rate_bpm).to_bytes(2, "little")
    if reading.user_id is not None:
        flags |= _USER
        out.append(reading.user_id)
    if reading.status is not None:
        flags |= _STATUS
        out += reading.status.to_bytes(2, "little")
    return bytes([flags]) + bytes(out)


class BloodPressureFeatureFlags(enum.IntFlag):
    """Blood Pressure Feature bits (BLS 1.1)."""

    BODY_MOVEMENT_DETECTION = 0x0001
    CUFF_FIT_DETECTION = 0x0002
    IRREGULAR_PULSE_DETECTION = 0x0004
    PULSE_RATE_RANGE_DETECTION = 0x0008
    MEASUREMENT_POSITION_DETECTION = 0x0010
    MULTIPLE_BOND = 0x0020


@dataclass(frozen=True, slots=True)
class BloodPressureFeature:
    """0x2A49 read value; reserved bits are kept in ``raw``."""

    raw: int

    @property
    def flags(self) -> BloodPressureFeatureFlags:
        return BloodPressureFeatureFlags(self.raw & 0x3F)


def parse_blood_pressure_feature(data: bytes, /) -> BloodPressureFeature:
    """Decode 0x2A49 (uint16). Raises ``MalformedPayload``."""
    reader = PayloadReader(data, characteristic="2a49")
    require_length(data, 2, characteristic="2a49")
    return BloodPressureFeature(reader.u16("feature"))


def encode_intermediate_cuff_pressure(reading: IntermediateCuffPressure) -> bytes:
    """On-air octets of ``reading``; the unused diastolic/MAP fields are sent as NaN
    (BLS 1.1). Raises ``ValueError`` if a value does not fit an SFLOAT."""
    from devices.gatt_time import encode_date_time
    from devices.ieee11073 import SpecialValue, encode_sfloat

    flags = _UNIT_KPA if reading.unit is PressureUnit.KPA else 0
    out = bytearray(encode_sfloat(reading.cuff_pressure).to_bytes(2, "little"))
    out += encode_sfloat(SpecialValue.NAN).to_bytes(2, "little") * 2
    if reading.timestamp is not None:
        flags |= _TIMESTAMP
        out += encode_date_time(reading.timestamp)
    if reading.pulse_rate_bpm is not None:
        flags |= _PULSE
        out += encode_sfloat(reading.pulse_rate_bpm).to_bytes(2, "little")
    if reading.user_id is not None:
        flags |= _USER
        out.append(reading.user_id)
    if reading.status is not None:
        flags |= _STATUS
        out += reading.status.to_bytes(2, "little")
    return bytes([flags]) + bytes(out)
