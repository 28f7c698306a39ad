"""Glucose Service 1.0: Glucose Measurement (0x2A18), Glucose Measurement Context (0x2A34)
and Glucose Feature (0x2A51). The Record Access Control Point is in :mod:`devices.glucose.racp`.

0x2A18 (GLS 1.0 and GSS "Glucose Measurement"): Flags uint8 (bit0 Time Offset, bit1
Concentration+Type-Sample Location, bit2 unit 0=kg/L 1=mol/L, bit3 Sensor Status
Annunciation, bit4 Context Information Follows), uint16 sequence number, Date Time base
time, sint16 time offset (minutes), SFLOAT concentration, nibbles type (low) and sample
location (high), uint16 sensor status annunciation.
0x2A34 (GLS): Flags uint8 (bit0 Carbohydrate, bit1 Meal, bit2 Tester-Health, bit3
Exercise, bit4 Medication, bit5 medication unit 0=kg 1=L, bit6 HbA1c, bit7 Extended Flags),
uint16 sequence number, uint8 extended flags, uint8 carbohydrate id + SFLOAT kg, uint8 meal,
nibbles tester (low) / health (high), uint16 exercise duration s + uint8 intensity %,
uint8 medication id + SFLOAT medication, SFLOAT HbA1c %.

Pure, any thread. Raises ``MalformedPayload``/``ImplausibleValue``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

from devices.gatt_time import GattDateTime, encode_date_time, read_date_time
from devices.ieee11073 import Measurement
from devices.plausibility import check_range
from devices.wire import PayloadReader, PayloadWriter, require_aware, require_length

__all__ = [
    "encode_glucose_measurement",
    "encode_glucose_measurement_context",
    "GlucoseFeature",
    "GlucoseMeasurement",
    "GlucoseMeasurementContext",
    "GlucoseUnit",
    "MedicationUnit",
    "parse_glucose_feature",
    "parse_glucose_measurement",
    "parse_glucose_measurement_context",
]


class GlucoseUnit(enum.StrEnum):
    KG_PER_L = "kg/L"
    MOL_PER_L = "mol/L"


class MedicationUnit(enum.StrEnum):
    KG = "kg"
    L = "L"


@dataclass(frozen=True, slots=True)
class GlucoseMeasurement:
    """One 0x2A18 notification. ``concentration`` is in ``unit`` (kg/L or mol/L; 1 mg/dL is
    1e-5 kg/L, 1 mmol/L is 1e-3 mol/L). ``sample_type``/``sample_location`` are the raw
    nibbles (GLS; location 15 = not available)."""

    sequence_number: int
    base_time: GattDateTime
    time_offset_min: int | None
    concentration: Measurement | None
    unit: GlucoseUnit | None
    sample_type: int | None
    sample_location: int | None
    sensor_status: int | None
    context_follows: bool
    received_at: datetime

    def user_facing_time(self, tz: tzinfo) -> datetime | None:
        """Base time plus time offset, in the meter's zone ``tz``; None if the date is unknown."""
        base = self.base_time.to_datetime(tz)
        if base is None:
            return None
        return base + timedelta(minutes=self.time_offset_min or 0)


def parse_glucose_measurement(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> GlucoseMeasurement:
    """Decode 0x2A18. Raises ``MalformedPayload`` or ``ImplausibleValue`` (concentration
    above 0.04 kg/L = 4000 mg/dL, or above 0.2 mol/L = 200 mmol/L)."""
    require_aware(received_at)
    ch = "2a18"
    reader = PayloadReader(data, characteristic=ch)
    require_length(data, 1, characteristic=ch)
    flags = reader.u8("flags")
    required = (
        10 + (2 if flags & 0x01 else 0) + (3 if flags & 0x02 else 0) + (2 if flags & 0x08 else 0)
    )
    require_length(data, required, characteristic=ch)
    sequence = reader.u16("sequence number")
    base = read_date_time(reader, "base time")
    offset = reader.s16("time offset") if flags & 0x01 else None
    concentration = unit = stype = location = None
    if flags & 0x02:
        concentration = reader.sfloat("glucose concentration")
        unit = GlucoseUnit.MOL_PER_L if flags & 0x04 else GlucoseUnit.KG_PER_L
        nibbles = reader.u8("type-sample location")
        stype, location = nibbles & 0x0F, nibbles >> 4
    status = reader.u16("sensor status annunciation") if flags & 0x08 else None
    if check_plausibility:
        high = "0.04" if unit is GlucoseUnit.KG_PER_L else "0.2"

        check_range(
            concentration,
            0,
            Decimal(high),
            field="glucose concentration",
            characteristic=ch,
            unit=unit.value if unit else "",
        )
    return GlucoseMeasurement(
        sequence_number=sequence,
        base_time=base,
        time_offset_min=offset,
        concentration=concentration,
        unit=unit,
        sample_type=stype,
        sample_location=location,
        sensor_status=status,
        context_follows=bool(flags & 0x10),
        received_at=received_at,
    )


@dataclass(frozen=True, slots=True)
class GlucoseMeasurementContext:
    """One 0x2A34 notification, linked to a measurement by ``sequence_number``.

    ``carbohydrate_kg`` in kilograms, ``medication`` in ``medication_unit`` (kg or L),
    ``hba1c_pct`` in %. Id fields are raw GLS enumerations (carbohydrate 1 breakfast ..
    7 brunch; meal 1 preprandial .. 5 bedtime; tester 1 self, 2 HCP, 3 lab; health 1 minor
    issues .. 5 no health issues; medication 1 rapid acting .. 5 pre-mixed insulin)."""

    sequence_number: int
    extended_flags: int | None
    carbohydrate_id: int | None
    carbohydrate_kg: Measurement | None
    meal: int | None
    tester: int | None
    health: int | None
    exercise_duration_s: int | None
    exercise_intensity_pct: int | None
    medication_id: int | None
    medication: Measurement | None
    medication_unit: MedicationUnit | None
    hba1c_pct: Measurement | None
    received_at: datetime


def parse_glucose_measurement_context(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> GlucoseMeasurementContext:
    """Decode 0x2A34. Raises ``MalformedPayload`` or ``ImplausibleValue`` (carbohydrate above
    1 kg, medication above 0.01 kg / 0.01 L, HbA1c outside 2..25 %, intensity above 100 %)."""

    require_aware(received_at)
    ch = "2a34"
    reader = PayloadReader(data, characteristic=ch)
    require_length(data, 1, characteristic=ch)
    flags = reader.u8("flags")
    required = (
        3
        + (1 if flags & 0x80 else 0)
        + (3 if flags & 0x01 else 0)
        + (1 if flags & 0x02 else 0)
        + (1 if flags & 0x04 else 0)
        + (3 if flags & 0x08 else 0)
        + (3 if flags & 0x10 else 0)
        + (2 if flags & 0x40 else 0)
    )
    require_length(data, required, characteristic=ch)
    sequence = reader.u16("sequence number")
    extended = reader.u8("extended flags") if flags & 0x80 else None
    carb_id = carb = None
    if flags & 0x01:
        carb_id = reader.u8("carbohydrate id")
        carb = reader.sfloat("carbohydrate")
    meal = reader.u8("meal") if flags & 0x02 else None
    tester = health = None
    if flags & 0x04:
        nibbles = reader.u8("tester-health")
        tester, health = nibbles & 0x0F, nibbles >> 4
    duration = intensity = None
    if flags & 0x08:
        duration = reader.u16("exercise duration")
        intensity = reader.u8("exercise intensity")
    med_id = med = med_unit = None
    if flags & 0x10:
        med_id = reader.u8("medication id")
        med = reader.sfloat("medication")
        med_unit = MedicationUnit.L if flags & 0x20 else MedicationUnit.KG
    hba1c = reader.sfloat("HbA1c") if flags & 0x40 else None
    if check_plausibility:
        check_range(carb, 0, 1, field="carbohydrate", characteristic=ch, unit="kg")
        limit = Decimal("0.01")
        check_range(med, 0, limit, field="medication", characteristic=ch)
        check_range(hba1c, 2, 25, field="HbA1c", characteristic=ch, unit="%")
        check_range(intensity, 0, 100, field="exercise intensity", characteristic=ch, unit="%")
    return GlucoseMeasurementContext(
        sequence_number=sequence,
        extended_flags=extended,
        carbohydrate_id=carb_id,
        carbohydrate_kg=carb,
        meal=meal,
        tester=tester,
        health=health,
        exercise_duration_s=duration,
        exercise_intensity_pct=intensity,
        medication_id=med_id,
        medication=med,
        medication_unit=med_unit,
        hba1c_pct=hba1c,
        received_at=received_at,
    )


@dataclass(frozen=True, slots=True)
class GlucoseFeature:
    """0x2A51: raw uint16 feature bits (GLS; bit10 multiple bond, ...)."""

    raw: int

    @property
    def multiple_bond_supported(self) -> bool:
        return bool(self.raw & 0x0400)


def parse_glucose_feature(data: bytes, /) -> GlucoseFeature:
    """Decode 0x2A51 (uint16). Raises ``MalformedPayload``."""
    reader = PayloadReader(data, characteristic="2a51")
    require_length(data, 2, characteristic="2a51")
    return GlucoseFeature(reader.u16("feature"))


def encode_glucose_measurement(reading: GlucoseMeasurement) -> bytes:
    """On-air octets of ``reading`` (virtual meter); inverse of the parser. Raises
    ``ValueError`` if concentration, unit, type and location are not all set or all None."""
    w = PayloadWriter()
    flags = 0x10 if reading.context_follows else 0
    w.uint(reading.sequence_number, 2)
    w.raw(encode_date_time(reading.base_time))
    if reading.time_offset_min is not None:
        flags |= 0x01
        w.sint(reading.time_offset_min, 2)
    group = (reading.concentration, reading.unit, reading.sample_type, reading.sample_location)
    if any(v is not None for v in group):
        if (
            reading.concentration is None
            or reading.unit is None
            or reading.sample_type is None
            or reading.sample_location is None
        ):
            raise ValueError("concentration, unit, type and location go together")
        flags |= 0x02 | (0x04 if reading.unit is GlucoseUnit.MOL_PER_L else 0)
        w.sfloat(reading.concentration)
        w.uint(reading.sample_type | reading.sample_location << 4, 1)
    if reading.sensor_status is not None:
        flags |= 0x08
        w.uint(reading.sensor_status, 2)
    return bytes([flags]) + w.getvalue()


def encode_glucose_measurement_context(reading: GlucoseMeasurementContext) -> bytes:
    """On-air octets of ``reading`` (virtual meter); inverse of the parser. Raises
    ``ValueError`` when paired fields (id + value, tester + health, ...) are half set."""
    w = PayloadWriter()
    flags = 0
    w.uint(reading.sequence_number, 2)

    def pair(a: object, b: object) -> bool:
        if (a is None) != (b is None):
            raise ValueError("paired context fields must be set together")
        return a is not None

    if reading.extended_flags is not None:
        flags |= 0x80
        w.uint(reading.extended_flags, 1)
    if pair(reading.carbohydrate_id, reading.carbohydrate_kg):
        flags |= 0x01
        w.uint(reading.carbohydrate_id or 0, 1)
        assert reading.carbohydrate_kg is not None
        w.sfloat(reading.carbohydrate_kg)
    if reading.meal is not None:
        flags |= 0x02
        w.uint(reading.meal, 1)
    if pair(reading.tester, reading.health):
        flags |= 0x04
        w.uint((reading.tester or 0) | (reading.health or 0) << 4, 1)
    if pair(reading.exercise_duration_s, reading.exercise_intensity_pct):
        flags |= 0x08
        w.uint(reading.exercise_duration_s or 0, 2)
        w.uint(reading.exercise_intensity_pct or 0, 1)
    if pair(reading.medication_id, reading.medication):
        pair(reading.medication, reading.medication_unit)
        flags |= 0x10 | (0x20 if reading.medication_unit is MedicationUnit.L else 0)
        w.uint(reading.medication_id or 0, 1)
        assert reading.medication is not None
        w.sfloat(reading.medication)
    if reading.hba1c_pct is not None:
        flags |= 0x40
        w.sfloat(reading.hba1c_pct)
    return bytes([flags]) + w.getvalue()
