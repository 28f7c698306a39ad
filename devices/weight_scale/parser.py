"""Weight Scale Service 1.0 and Body Composition Service 1.0.

Weight Measurement 0x2A9D (WSS 1.0 and GSS): Flags uint8 (bit0 units 0=SI kg/m
1=imperial lb/in, bit1 Time Stamp, bit2 User ID, bit3 BMI and Height), uint16 weight
(0.005 kg or 0.01 lb; 0xFFFF = "Measurement Unsuccessful"), Date Time, uint8 user id,
uint16 BMI (0.1 kg/m2), uint16 height (0.001 m or 0.1 in).
Weight Scale Feature 0x2A9E (WSS): uint32 (bit0 time stamp, bit1 multiple users,
bit2 BMI, bits3-6 weight resolution, bits7-9 height resolution).
Body Composition Measurement 0x2A9C (BCS 1.0 and GSS): Flags uint16 (bit0 units,
bit1 Time Stamp, bit2 User ID, bit3 Basal Metabolism, bit4 Muscle %, bit5 Muscle Mass,
bit6 Fat Free Mass, bit7 Soft Lean Mass, bit8 Body Water Mass, bit9 Impedance, bit10
Weight, bit11 Height, bit12 Multiple Packet, bits13-15 RFU and ignored), uint16 body fat
(0.1 %; 0xFFFF = unsuccessful), then the optional fields in flag order: masses 0.005 kg /
0.01 lb, basal metabolism uint16 kJ, percentages 0.1 %, impedance 0.1 ohm, height
0.001 m / 0.1 in. Body Composition Feature 0x2A9B (BCS): uint32.
Xiaomi Mi Smart Scale (XMTZC01HM) Weight Scale service-data advertisement: a vendor variant,
not a GATT notification (see :func:`parse_mi_scale_v1_advertisement`).

Scaled integers become :class:`decimal.Decimal` with the resolution's decimals
(``Decimal("23.200")``). Pure, any thread. Raises ``MalformedPayload``/``ImplausibleValue``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from devices.gatt_time import GattDateTime, encode_date_time, read_date_time
from devices.plausibility import check_range
from devices.wire import PayloadReader, PayloadWriter, require_aware, require_length, scaled

__all__ = [
    "encode_body_composition_measurement",
    "encode_weight_measurement",
    "BodyCompositionFeature",
    "BodyCompositionMeasurement",
    "HeightUnit",
    "MiScaleAdvertisement",
    "WeightMeasurement",
    "WeightScaleFeature",
    "WeightUnit",
    "parse_body_composition_feature",
    "parse_body_composition_measurement",
    "parse_mi_scale_v1_advertisement",
    "parse_weight_measurement",
    "parse_weight_scale_feature",
]

_UNSUCCESSFUL = 0xFFFF
_KG = Decimal("0.005")
_LB = Decimal("0.01")
_M = Decimal("0.001")
_IN = Decimal("0.1")
_TENTH = Decimal("0.1")
_LB_PER_KG = Decimal("2.2046226")


class WeightUnit(enum.StrEnum):
    KG = "kg"
    LB = "lb"


class HeightUnit(enum.StrEnum):
    M = "m"
    IN = "in"


def _mass(raw: int, unit: WeightUnit) -> Decimal:
    return raw * (_KG if unit is WeightUnit.KG else _LB)


def _height(raw: int, unit: WeightUnit) -> Decimal:
    return raw * (_M if unit is WeightUnit.KG else _IN)


def _check_mass(value: Decimal | None, unit: WeightUnit, field: str, ch: str) -> None:
    high = Decimal(400) if unit is WeightUnit.KG else Decimal(400) * _LB_PER_KG
    check_range(value, 0, high, field=field, characteristic=ch, unit=unit.value)


def _check_height(value: Decimal | None, unit: WeightUnit, ch: str) -> None:
    low, high = (Decimal("0.3"), Decimal("2.6")) if unit is WeightUnit.KG else (12, 102)
    check_range(value, low, high, field="height", characteristic=ch)


@dataclass(frozen=True, slots=True)
class WeightMeasurement:
    """One 0x2A9D indication. ``weight`` is in ``unit``; None with
    ``measurement_unsuccessful`` when the scale sent 0xFFFF. ``bmi_kg_m2`` and ``height``
    (in ``height_unit``) are present together or not at all."""

    unit: WeightUnit
    weight: Decimal | None
    measurement_unsuccessful: bool
    timestamp: GattDateTime | None
    user_id: int | None
    bmi_kg_m2: Decimal | None
    height: Decimal | None
    height_unit: HeightUnit
    received_at: datetime


def parse_weight_measurement(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> WeightMeasurement:
    """Decode 0x2A9D. Raises ``MalformedPayload`` or ``ImplausibleValue`` (weight above
    400 kg, BMI outside 5..150, height outside 0.3..2.6 m)."""
    require_aware(received_at)
    reader = PayloadReader(data, characteristic="2a9d")
    require_length(data, 1, characteristic="2a9d")
    flags = reader.u8("flags")
    required = 3 + (7 if flags & 0x02 else 0) + (1 if flags & 0x04 else 0)
    required += 4 if flags & 0x08 else 0
    require_length(data, required, characteristic="2a9d")
    unit = WeightUnit.LB if flags & 0x01 else WeightUnit.KG
    raw = reader.u16("weight")
    weight = None if raw == _UNSUCCESSFUL else _mass(raw, unit)
    timestamp = read_date_time(reader) if flags & 0x02 else None
    user = reader.u8("user id") if flags & 0x04 else None
    bmi = height = None
    if flags & 0x08:
        bmi = reader.u16("BMI") * _TENTH
        height = _height(reader.u16("height"), unit)
    if check_plausibility:
        _check_mass(weight, unit, "weight", "2a9d")
        check_range(bmi, 5, 150, field="BMI", characteristic="2a9d", unit="kg/m2")
        _check_height(height, unit, "2a9d")
    return WeightMeasurement(
        unit=unit,
        weight=weight,
        measurement_unsuccessful=raw == _UNSUCCESSFUL,
        timestamp=timestamp,
        user_id=user,
        bmi_kg_m2=bmi,
        height=height,
        height_unit=HeightUnit.IN if unit is WeightUnit.LB else HeightUnit.M,
        received_at=received_at,
    )


@dataclass(frozen=True, slots=True)
class WeightScaleFeature:
    """0x2A9E: feature bits and the resolution indices (0 = not specified)."""

    raw: int

    @property
    def time_stamp_supported(self) -> bool:
        return bool(self.raw & 0x1)

    @property
    def multiple_users_supported(self) -> bool:
        return bool(self.raw & 0x2)

    @property
    def bmi_supported(self) -> bool:
        return bool(self.raw & 0x4)

    @property
    def weight_resolution_index(self) -> int:
        return (self.raw >> 3) & 0xF

    @property
    def height_resolution_index(self) -> int:
        return (self.raw >> 7) & 0x7


def parse_weight_scale_feature(data: bytes, /) -> WeightScaleFeature:
    """Decode 0x2A9E (uint32). Raises ``MalformedPayload``."""
    reader = PayloadReader(data, characteristic="2a9e")
    require_length(data, 4, characteristic="2a9e")
    return WeightScaleFeature(reader.u32("feature"))


@dataclass(frozen=True, slots=True)
class BodyCompositionMeasurement:
    """One 0x2A9C indication (or one packet of a multi-packet measurement). Masses are in
    ``unit`` (kg or lb), ``height`` in ``height_unit``; ``flags`` keeps the raw flags,
    reserved bits included."""

    flags: int
    unit: WeightUnit
    height_unit: HeightUnit
    body_fat_pct: Decimal | None
    measurement_unsuccessful: bool
    timestamp: GattDateTime | None
    user_id: int | None
    basal_metabolism_kj: int | None
    muscle_pct: Decimal | None
    muscle_mass: Decimal | None
    fat_free_mass: Decimal | None
    soft_lean_mass: Decimal | None
    body_water_mass: Decimal | None
    impedance_ohm: Decimal | None
    weight: Decimal | None
    height: Decimal | None
    multiple_packet: bool
    received_at: datetime


_BC_SIZES = ((0x0002, 7), (0x0004, 1)) + tuple((1 << bit, 2) for bit in range(3, 12))


def parse_body_composition_measurement(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> BodyCompositionMeasurement:
    """Decode 0x2A9C. Raises ``MalformedPayload`` or ``ImplausibleValue`` (percentages
    outside 0..100, masses above 400 kg, impedance above 3000 ohm, basal metabolism above
    40000 kJ, height outside 0.3..2.6 m)."""
    require_aware(received_at)
    ch = "2a9c"
    reader = PayloadReader(data, characteristic=ch)
    require_length(data, 2, characteristic=ch)
    flags = reader.u16("flags")
    required = 4 + sum(size for bit, size in _BC_SIZES if flags & bit)
    require_length(data, required, characteristic=ch)
    unit = WeightUnit.LB if flags & 0x0001 else WeightUnit.KG
    raw_fat = reader.u16("body fat percentage")
    fat = None if raw_fat == _UNSUCCESSFUL else raw_fat * _TENTH
    timestamp = read_date_time(reader) if flags & 0x0002 else None
    user = reader.u8("user id") if flags & 0x0004 else None
    basal = reader.u16("basal metabolism") if flags & 0x0008 else None
    muscle_pct = reader.u16("muscle percentage") * _TENTH if flags & 0x0010 else None
    masses: list[Decimal | None] = []
    for bit, name in (
        (0x0020, "muscle mass"),
        (0x0040, "fat free mass"),
        (0x0080, "soft lean mass"),
        (0x0100, "body water mass"),
    ):
        masses.append(_mass(reader.u16(name), unit) if flags & bit else None)
    impedance = reader.u16("impedance") * _TENTH if flags & 0x0200 else None
    weight = _mass(reader.u16("weight"), unit) if flags & 0x0400 else None
    height = _height(reader.u16("height"), unit) if flags & 0x0800 else None
    if check_plausibility:
        for name, pct in (("body fat percentage", fat), ("muscle percentage", muscle_pct)):
            check_range(pct, 0, 100, field=name, characteristic=ch, unit="%")
        for name, mass in zip(
            ("muscle mass", "fat free mass", "soft lean mass", "body water mass", "weight"),
            [*masses, weight],
            strict=True,
        ):
            _check_mass(mass, unit, name, ch)
        check_range(impedance, 0, 3000, field="impedance", characteristic=ch, unit="ohm")
        check_range(basal, 0, 40000, field="basal metabolism", characteristic=ch, unit="kJ")
        _check_height(height, unit, ch)
    return BodyCompositionMeasurement(
        flags=flags,
        unit=unit,
        height_unit=HeightUnit.IN if unit is WeightUnit.LB else HeightUnit.M,
        body_fat_pct=fat,
        measurement_unsuccessful=raw_fat == _UNSUCCESSFUL,
        timestamp=timestamp,
        user_id=user,
        basal_metabolism_kj=basal,
        muscle_pct=muscle_pct,
        muscle_mass=masses[0],
        fat_free_mass=masses[1],
        soft_lean_mass=masses[2],
        body_water_mass=masses[3],
        impedance_ohm=impedance,
        weight=weight,
        height=height,
        multiple_packet=bool(flags & 0x1000),
        received_at=received_at,
    )


@dataclass(frozen=True, slots=True)
class BodyCompositionFeature:
    """0x2A9B: raw uint32 feature bits (BCS)."""

    raw: int


def parse_body_composition_feature(data: bytes, /) -> BodyCompositionFeature:
    """Decode 0x2A9B (uint32). Raises ``MalformedPayload``."""
    reader = PayloadReader(data, characteristic="2a9b")
    require_length(data, 4, characteristic="2a9b")
    return BodyCompositionFeature(reader.u32("feature"))


@dataclass(frozen=True, slots=True)
class MiScaleAdvertisement:
    """Xiaomi Mi Smart Scale (XMTZC01HM) service data for UUID 0x181D."""

    weight: Decimal
    unit: WeightUnit
    stabilized: bool
    timestamp: GattDateTime
    received_at: datetime


def parse_mi_scale_v1_advertisement(
    data: bytes, /, *, received_at: datetime, check_plausibility: bool = True
) -> MiScaleAdvertisement:
    """Decode the 10-octet 0x181D service data of a Xiaomi Mi Smart Scale (XMTZC01HM).

    Vendor variant, not a 0x2A9D notification: control byte (0x02 stabilised kg, 0x82 not
    yet stable; only these two are accepted, as observed in custom-components/ble_monitor
    issue #292), uint16 weight in 0.005 kg, Date Time. Raises ``MalformedPayload``.
    """
    require_aware(received_at)
    ch = "181d-adv"
    reader = PayloadReader(data, characteristic=ch)
    if len(data) != 10:
        raise reader.fail(f"length {len(data)} != 10 for Mi Scale service data")
    control = reader.u8("control")
    if control not in (0x02, 0x82):
        raise reader.fail("unknown Mi Scale control byte")
    weight = _mass(reader.u16("weight"), WeightUnit.KG)
    timestamp = read_date_time(reader)
    if check_plausibility:
        _check_mass(weight, WeightUnit.KG, "weight", ch)
    return MiScaleAdvertisement(
        weight=weight,
        unit=WeightUnit.KG,
        stabilized=control == 0x02,
        timestamp=timestamp,
        received_at=received_at,
    )


def encode_weight_measurement(reading: WeightMeasurement) -> bytes:
    """On-air octets of ``reading`` (virtual device lab); inverse of the parser. Raises
    ``ValueError`` if a value is not a multiple of its resolution or BMI/height are unpaired."""
    w = PayloadWriter()
    imperial = reading.unit is WeightUnit.LB
    flags = 0x01 if imperial else 0
    if reading.weight is None:
        w.uint(_UNSUCCESSFUL, 2)
    else:
        w.uint(scaled(reading.weight, _LB if imperial else _KG, "weight"), 2)
    if reading.timestamp is not None:
        flags |= 0x02
        w.raw(encode_date_time(reading.timestamp))
    if reading.user_id is not None:
        flags |= 0x04
        w.uint(reading.user_id, 1)
    if (reading.bmi_kg_m2 is None) != (reading.height is None):
        raise ValueError("BMI and height must be set together")
    if reading.bmi_kg_m2 is not None and reading.height is not None:
        flags |= 0x08
        w.uint(scaled(reading.bmi_kg_m2, _TENTH, "BMI"), 2)
        w.uint(scaled(reading.height, _IN if imperial else _M, "height"), 2)
    return bytes([flags]) + w.getvalue()


def encode_body_composition_measurement(reading: BodyCompositionMeasurement) -> bytes:
    """On-air octets of ``reading``; the flags are recomputed from the fields, keeping the
    reserved bits 13-15 of ``reading.flags``. Raises ``ValueError`` like the weight encoder."""
    w = PayloadWriter()
    imperial = reading.unit is WeightUnit.LB
    mass_res, height_res = (_LB, _IN) if imperial else (_KG, _M)
    flags = (reading.flags & 0xE000) | (0x0001 if imperial else 0)
    flags |= 0x1000 if reading.multiple_packet else 0
    fat = reading.body_fat_pct
    w.uint(_UNSUCCESSFUL if fat is None else scaled(fat, _TENTH, "body fat"), 2)
    if reading.timestamp is not None:
        flags |= 0x0002
        w.raw(encode_date_time(reading.timestamp))
    if reading.user_id is not None:
        flags |= 0x0004
        w.uint(reading.user_id, 1)
    if reading.basal_metabolism_kj is not None:
        flags |= 0x0008
        w.uint(reading.basal_metabolism_kj, 2)
    optional: tuple[tuple[int, Decimal | None, Decimal], ...] = (
        (0x0010, reading.muscle_pct, _TENTH),
        (0x0020, reading.muscle_mass, mass_res),
        (0x0040, reading.fat_free_mass, mass_res),
        (0x0080, reading.soft_lean_mass, mass_res),
        (0x0100, reading.body_water_mass, mass_res),
        (0x0200, reading.impedance_ohm, _TENTH),
        (0x0400, reading.weight, mass_res),
        (0x0800, reading.height, height_res),
    )
    for bit, value, resolution in optional:
        if value is not None:
            flags |= bit
            w.uint(scaled(value, resolution, "body composition field"), 2)
    return flags.to_bytes(2, "little") + w.getvalue()
