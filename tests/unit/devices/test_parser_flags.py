"""Own vectors: every flags combination of every measurement parser, plus exact dataclass
comparisons, truncation at every length, and plausibility rejections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from devices.blood_pressure.parser import (
    BloodPressureMeasurement,
    BloodPressureStatus,
    PressureUnit,
    PulseRateRange,
    encode_blood_pressure_measurement,
    encode_intermediate_cuff_pressure,
    parse_blood_pressure_feature,
    parse_blood_pressure_measurement,
    parse_intermediate_cuff_pressure,
)
from devices.errors import ImplausibleValue, MalformedPayload
from devices.gatt_time import GattDateTime
from devices.glucose.parser import (
    GlucoseUnit,
    MedicationUnit,
    encode_glucose_measurement,
    encode_glucose_measurement_context,
    parse_glucose_feature,
    parse_glucose_measurement,
    parse_glucose_measurement_context,
)
from devices.heart_rate.parser import (
    HeartRateMeasurement,
    encode_heart_rate_measurement,
    parse_heart_rate_measurement,
)
from devices.ieee11073 import SpecialValue
from devices.pulse_oximeter.parser import (
    PlxSpotCheckMeasurement,
    encode_plx_continuous,
    encode_plx_spot_check,
    parse_plx_continuous,
    parse_plx_features,
    parse_plx_spot_check,
)
from devices.thermometer.parser import (
    TemperatureType,
    TemperatureUnit,
    encode_temperature_measurement,
    parse_temperature_measurement,
    parse_temperature_type,
)
from devices.weight_scale.parser import (
    HeightUnit,
    WeightUnit,
    encode_body_composition_measurement,
    encode_weight_measurement,
    parse_body_composition_feature,
    parse_body_composition_measurement,
    parse_weight_measurement,
    parse_weight_scale_feature,
)

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TS_BYTES = bytes.fromhex("ea070b180c1e05")  # 2026-11-24 12:30:05
TS = GattDateTime(2026, 11, 24, 12, 30, 5)


@dataclass(frozen=True)
class Opt:
    """One optional field: flag bit, its on-air bytes, and attribute -> expected value."""

    bit: int
    data: bytes
    attrs: dict[str, Any]


@dataclass(frozen=True)
class Spec:
    name: str
    parse: Callable[..., Any]
    flag_size: int
    mandatory: bytes
    mandatory_attrs: dict[str, Any]
    optional: tuple[Opt, ...]
    # bits that change meaning without adding bytes: bit -> (attrs when set, attrs when clear)
    switches: tuple[tuple[int, dict[str, Any], dict[str, Any]], ...] = ()


SPECS = [
    Spec(
        "bp",
        parse_blood_pressure_measurement,
        1,
        bytes.fromhex("7800 5000 5d00".replace(" ", "")),
        {"systolic": 120, "diastolic": 80, "mean_arterial": 93},
        (
            Opt(0x02, TS_BYTES, {"timestamp": TS}),
            Opt(0x04, bytes.fromhex("4800"), {"pulse_rate_bpm": 72}),
            Opt(0x08, b"\x03", {"user_id": 3}),
            Opt(0x10, bytes.fromhex("2400"), {"status": 0x24}),
        ),
        ((0x01, {"unit": PressureUnit.KPA}, {"unit": PressureUnit.MMHG}),),
    ),
    Spec(
        "icp",
        parse_intermediate_cuff_pressure,
        1,
        bytes.fromhex("9600ff07ff07"),
        {"cuff_pressure": 150},
        (
            Opt(0x02, TS_BYTES, {"timestamp": TS}),
            Opt(0x04, bytes.fromhex("4800"), {"pulse_rate_bpm": 72}),
            Opt(0x08, b"\x03", {"user_id": 3}),
            Opt(0x10, bytes.fromhex("0100"), {"status": 1}),
        ),
        ((0x01, {"unit": PressureUnit.KPA}, {"unit": PressureUnit.MMHG}),),
    ),
    Spec(
        "plx-spot",
        parse_plx_spot_check,
        1,
        bytes.fromhex("6100 4800".replace(" ", "")),
        {"spo2_pct": 97, "pulse_rate_bpm": 72},
        (
            Opt(0x01, TS_BYTES, {"timestamp": TS}),
            Opt(0x02, bytes.fromhex("2000"), {"measurement_status": 0x20}),
            Opt(0x04, bytes.fromhex("020000"), {"device_sensor_status": 2}),
            Opt(0x08, bytes.fromhex("57f3"), {"pulse_amplitude_index_pct": Decimal("85.5")}),
        ),
        ((0x10, {"device_clock_not_set": True}, {"device_clock_not_set": False}),),
    ),
    Spec(
        "plx-cont",
        parse_plx_continuous,
        1,
        bytes.fromhex("6100 4800".replace(" ", "")),
        {"spo2_pct": 97, "pulse_rate_bpm": 72},
        (
            Opt(0x01, bytes.fromhex("60004900"), {"spo2_fast_pct": 96, "pulse_rate_fast_bpm": 73}),
            Opt(0x02, bytes.fromhex("62004700"), {"spo2_slow_pct": 98, "pulse_rate_slow_bpm": 71}),
            Opt(0x04, bytes.fromhex("2000"), {"measurement_status": 0x20}),
            Opt(0x08, bytes.fromhex("000001"), {"device_sensor_status": 0x10000}),
            Opt(0x10, bytes.fromhex("5900"), {"pulse_amplitude_index_pct": 89}),
        ),
    ),
    Spec(
        "temp",
        parse_temperature_measurement,
        1,
        bytes.fromhex("6f0100ff"),  # 367e-1
        {"temperature": Decimal("36.7")},
        (
            Opt(0x02, TS_BYTES, {"timestamp": TS}),
            Opt(0x04, b"\x06", {"temperature_type": TemperatureType.MOUTH}),
        ),
    ),
    Spec(
        "weight",
        parse_weight_measurement,
        1,
        bytes.fromhex("d836"),  # 14040
        {"measurement_unsuccessful": False},
        (
            Opt(0x02, TS_BYTES, {"timestamp": TS}),
            Opt(0x04, b"\x02", {"user_id": 2}),
            Opt(0x08, bytes.fromhex("f000b806"), {"bmi_kg_m2": Decimal("24.0")}),
        ),
        (
            (
                0x01,
                {"unit": WeightUnit.LB, "weight": Decimal("140.40")},
                {"unit": WeightUnit.KG, "weight": Decimal("70.200")},
            ),
        ),
    ),
    Spec(
        "glucose",
        parse_glucose_measurement,
        1,
        bytes.fromhex("0700") + TS_BYTES,
        {"sequence_number": 7, "base_time": TS},
        (
            Opt(0x01, bytes.fromhex("c4ff"), {"time_offset_min": -60}),
            Opt(0x02, bytes.fromhex("5ac011"), {"sample_type": 1, "sample_location": 1}),
            Opt(0x08, bytes.fromhex("0001"), {"sensor_status": 0x100}),
        ),
        ((0x10, {"context_follows": True}, {"context_follows": False}),),
    ),
    Spec(
        "glucose-context",
        parse_glucose_measurement_context,
        1,
        bytes.fromhex("0700"),
        {"sequence_number": 7},
        (
            Opt(0x80, b"\x00", {"extended_flags": 0}),
            Opt(
                0x01,
                bytes.fromhex("0132d0"),
                {"carbohydrate_id": 1, "carbohydrate_kg": Decimal("0.050")},
            ),
            Opt(0x02, b"\x01", {"meal": 1}),
            Opt(0x04, b"\x51", {"tester": 1, "health": 5}),
            Opt(
                0x08,
                bytes.fromhex("100e32"),
                {"exercise_duration_s": 3600, "exercise_intensity_pct": 50},
            ),
            Opt(0x10, bytes.fromhex("0105a0"), {"medication_id": 1, "medication": Decimal("5E-6")}),
            Opt(0x40, bytes.fromhex("45f0"), {"hba1c_pct": Decimal("6.9")}),
        ),
    ),
    Spec(
        "heart-rate",
        parse_heart_rate_measurement,
        1,
        b"",
        {},
        (
            Opt(0x08, bytes.fromhex("0a00"), {"energy_expended_kj": 10}),
            Opt(0x10, bytes.fromhex("00040002"), {"rr_intervals_1_1024s": (1024, 512)}),
        ),
    ),
    Spec(
        "body-composition",
        parse_body_composition_measurement,
        2,
        bytes.fromhex("fa00"),  # 25.0 %
        {"body_fat_pct": Decimal("25.0")},
        (
            Opt(0x0002, TS_BYTES, {"timestamp": TS}),
            Opt(0x0004, b"\x01", {"user_id": 1}),
            Opt(0x0008, bytes.fromhex("401f"), {"basal_metabolism_kj": 8000}),
            Opt(0x0010, bytes.fromhex("9001"), {"muscle_pct": Decimal("40.0")}),
            Opt(0x0020, bytes.fromhex("401f"), {"muscle_mass": Decimal("40.000")}),
            Opt(0x0040, bytes.fromhex("6027"), {"fat_free_mass": Decimal("50.400")}),
            Opt(0x0080, bytes.fromhex("4823"), {"soft_lean_mass": Decimal("45.160")}),
            Opt(0x0100, bytes.fromhex("8813"), {"body_water_mass": Decimal("25.000")}),
            Opt(0x0200, bytes.fromhex("8813"), {"impedance_ohm": Decimal("500.0")}),
            Opt(0x0400, bytes.fromhex("4823"), {"weight": Decimal("45.160")}),
            Opt(0x0800, bytes.fromhex("6805"), {"height": Decimal("1.384")}),
        ),
        ((0x1000, {"multiple_packet": True}, {"multiple_packet": False}),),
    ),
]


def _cases() -> list[Any]:
    cases = []
    for spec in SPECS:
        bits = [o.bit for o in spec.optional] + [s[0] for s in spec.switches]
        n = len(bits)
        for combo in range(1 << n):
            flags = 0
            for i in range(n):
                if combo >> i & 1:
                    flags |= bits[i]
            cases.append(pytest.param(spec, flags, id=f"{spec.name}-{flags:#06x}"))
    return cases


def _build(spec: Spec, flags: int) -> bytes:
    payload = flags.to_bytes(spec.flag_size, "little") + spec.mandatory
    if spec.name == "heart-rate":
        payload += b"\x48"
    for opt in spec.optional:
        if flags & opt.bit:
            payload += opt.data
    return payload


@pytest.mark.parametrize(("spec", "flags"), _cases())
def test_every_flags_combination(spec: Spec, flags: int) -> None:
    payload = _build(spec, flags)
    reading = spec.parse(payload, received_at=AT, check_plausibility=False)
    assert reading.received_at == AT
    for attr, expected in spec.mandatory_attrs.items():
        assert getattr(reading, attr) == expected
    for opt in spec.optional:
        for attr, expected in opt.attrs.items():
            got = getattr(reading, attr)
            if flags & opt.bit:
                assert got == expected and str(got) == str(expected), attr
            else:
                assert got in (None, ()), attr
    for bit, when_set, when_clear in spec.switches:
        for attr, expected in (when_set if flags & bit else when_clear).items():
            got = getattr(reading, attr)
            assert got == expected and str(got) == str(expected), attr
    # one octet short of what the flags require is always malformed
    with pytest.raises(MalformedPayload):
        spec.parse(payload[:-1], received_at=AT, check_plausibility=False)


ENCODERS: dict[str, Callable[[Any], bytes]] = {
    "bp": encode_blood_pressure_measurement,
    "icp": encode_intermediate_cuff_pressure,
    "plx-spot": encode_plx_spot_check,
    "plx-cont": encode_plx_continuous,
    "temp": encode_temperature_measurement,
    "weight": encode_weight_measurement,
    "glucose": encode_glucose_measurement,
    "glucose-context": encode_glucose_measurement_context,
    "heart-rate": encode_heart_rate_measurement,
    "body-composition": encode_body_composition_measurement,
}


@pytest.mark.parametrize(("spec", "flags"), _cases())
def test_encoder_roundtrips_every_flags_combination(spec: Spec, flags: int) -> None:
    payload = _build(spec, flags)
    reading = spec.parse(payload, received_at=AT, check_plausibility=False)
    assert ENCODERS[spec.name](reading) == payload


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_truncation_of_the_fullest_payload_is_malformed(spec: Spec) -> None:
    flags = 0
    for opt in spec.optional:
        flags |= opt.bit
    if spec.name == "heart-rate":
        flags &= ~0x10  # RR intervals are a variable-length tail
    payload = _build(spec, flags)
    for cut in range(len(payload)):
        with pytest.raises(MalformedPayload):
            spec.parse(payload[:cut], received_at=AT, check_plausibility=False)


def test_blood_pressure_exact_dataclass_and_roundtrip() -> None:
    payload = bytes.fromhex("1e8a00580078000000041114293b3c00012700")
    reading = parse_blood_pressure_measurement(payload, received_at=AT)
    assert reading == BloodPressureMeasurement(
        unit=PressureUnit.MMHG,
        systolic=Decimal(138),
        diastolic=Decimal(88),
        mean_arterial=Decimal(120),
        timestamp=GattDateTime(0, 4, 17, 20, 41, 59),
        pulse_rate_bpm=Decimal(60),
        user_id=1,
        status=0x27,
        received_at=AT,
    )
    assert reading.status_flags == (
        BloodPressureStatus.BODY_MOVEMENT
        | BloodPressureStatus.CUFF_TOO_LOOSE
        | BloodPressureStatus.IRREGULAR_PULSE
        | BloodPressureStatus.IMPROPER_POSITION
    )
    assert reading.pulse_rate_range is PulseRateRange.WITHIN_RANGE
    assert reading.timestamp is not None and reading.timestamp.to_datetime(UTC) is None
    assert encode_blood_pressure_measurement(reading) == payload


def test_blood_pressure_special_values_and_kpa() -> None:
    nan = parse_blood_pressure_measurement(bytes.fromhex("00ff07ff07ff07"), received_at=AT)
    assert nan.systolic is SpecialValue.NAN and nan.pulse_rate_bpm is None
    kpa = parse_blood_pressure_measurement(bytes.fromhex("15bdf00b009ff03c001200"), received_at=AT)
    assert kpa.unit is PressureUnit.KPA and str(kpa.systolic) == "18.9"
    assert kpa.pulse_rate_range is PulseRateRange.BELOW_LOWER_LIMIT


def test_heart_rate_exact_and_roundtrip() -> None:
    payload = bytes.fromhex("1f0101320101000201ffff")
    reading = parse_heart_rate_measurement(payload, received_at=AT)
    assert reading == HeartRateMeasurement(257, True, 306, (1, 258, 65535), AT)
    assert encode_heart_rate_measurement(reading) == payload
    assert reading.rr_intervals_s[1] == Decimal(258) / 1024
    with pytest.raises(MalformedPayload, match="odd number"):
        parse_heart_rate_measurement(bytes.fromhex("1048010203"), received_at=AT)


def test_plx_spot_check_exact() -> None:
    payload = bytes.fromhex("0facf3bef5e8070b1d170839204022000066e3")
    assert parse_plx_spot_check(payload, received_at=AT) == PlxSpotCheckMeasurement(
        spo2_pct=Decimal("94.0"),
        pulse_rate_bpm=Decimal("147.0"),
        timestamp=GattDateTime(2024, 11, 29, 23, 8, 57),
        measurement_status=0x4020,
        device_sensor_status=0x22,
        pulse_amplitude_index_pct=Decimal("8.70"),
        device_clock_not_set=False,
        received_at=AT,
    )


def test_glucose_user_facing_time_and_units() -> None:
    reading = parse_glucose_measurement(
        bytes.fromhex("1b0100e307021b0b0a1efbff1e00120501"),
        received_at=AT,
        check_plausibility=False,
    )
    assert reading.unit is GlucoseUnit.KG_PER_L
    tz = timezone(timedelta(hours=1))
    assert reading.user_facing_time(tz) == datetime(2019, 2, 27, 11, 5, 30, tzinfo=tz)
    ctx = parse_glucose_measurement_context(
        bytes.fromhex("ff0000b303640004123c003204d3f459f1"),
        received_at=AT,
        check_plausibility=False,
    )
    assert ctx.medication_unit is MedicationUnit.L and str(ctx.medication) == "123.5"


def test_temperature_units_and_type() -> None:
    f = parse_temperature_measurement(bytes.fromhex("01720300ff"), received_at=AT)
    assert f.unit is TemperatureUnit.FAHRENHEIT and str(f.temperature) == "88.2"
    assert parse_temperature_type(b"\x03") is TemperatureType.EAR
    with pytest.raises(MalformedPayload):
        parse_temperature_type(b"\x00")
    with pytest.raises(MalformedPayload):
        parse_temperature_measurement(bytes.fromhex("04720300ff0a"), received_at=AT)


def test_weight_unsuccessful_and_imperial_height() -> None:
    failed = parse_weight_measurement(bytes.fromhex("00ffff"), received_at=AT)
    assert failed.weight is None and failed.measurement_unsuccessful
    lb = parse_weight_measurement(bytes.fromhex("09e436f000bc02"), received_at=AT)
    assert lb.unit is WeightUnit.LB and lb.height_unit is HeightUnit.IN
    assert str(lb.height) == "70.0" and str(lb.weight) == "140.52"


@pytest.mark.parametrize(
    ("parse", "hexdata", "rejected"),
    [
        (parse_blood_pressure_measurement, "002c0150005d00", False),  # 300 mmHg edge
        (parse_blood_pressure_measurement, "002d0150005d00", True),  # 301 mmHg
        (parse_blood_pressure_measurement, "00780082005d00", True),  # dia > sys
        (parse_blood_pressure_measurement, "04780050005d000500", True),  # pulse 5
        (parse_blood_pressure_measurement, "010f000b000c00", False),  # 15/11/12 kPa
        (parse_blood_pressure_measurement, "01780050005d00", True),  # 120 kPa
        (parse_intermediate_cuff_pressure, "009001ff07ff07", True),  # 400 mmHg cuff
        (parse_heart_rate_measurement, "0000", True),  # 0 bpm
        (parse_heart_rate_measurement, "015e01", False),  # 350 bpm edge
        (parse_heart_rate_measurement, "015f01", True),  # 351 bpm
        (parse_plx_spot_check, "0064004800", False),  # SpO2 100 %
        (parse_plx_spot_check, "0065004800", True),  # SpO2 101 %
        (parse_plx_continuous, "016100480061006201", True),  # fast PR 354
        (parse_temperature_measurement, "00f40100ff", False),  # 50.0 C edge
        (parse_temperature_measurement, "00580200ff", True),  # 60.0 C
        (parse_temperature_measurement, "01580200ff", False),  # 60.0 F is plausible
        (parse_weight_measurement, "08d836f000b80b", True),  # height 3.000 m
        (parse_glucose_measurement, "020100e307021b0b0a1e1e0011", True),  # 30 kg/L
        (parse_glucose_measurement, "060100e307021b0b0a1e3bc011", False),  # 5.9 mM
        (parse_glucose_measurement_context, "400100e500", True),  # HbA1c 229 %
        (parse_body_composition_measurement, "0000e803", False),  # body fat 100.0 % edge
        (parse_body_composition_measurement, "0000e903", True),  # 100.1 %
    ],
)
def test_plausibility_limits(parse: Callable[..., Any], hexdata: str, rejected: bool) -> None:
    data = bytes.fromhex(hexdata)
    if rejected:
        with pytest.raises(ImplausibleValue) as info:
            parse(data, received_at=AT)
        assert info.value.reason.startswith("implausible")
        parse(data, received_at=AT, check_plausibility=False)  # structurally fine
    else:
        parse(data, received_at=AT)


def test_naive_received_at_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_heart_rate_measurement(b"\x00\x48", received_at=datetime(2026, 1, 1))


def test_feature_parsers() -> None:
    assert parse_blood_pressure_feature(bytes.fromhex("2100")).flags.value == 0x21
    assert parse_glucose_feature(bytes.fromhex("0004")).multiple_bond_supported
    f = parse_weight_scale_feature(bytes.fromhex("8f010000"))
    assert f.time_stamp_supported and f.weight_resolution_index == 1
    assert f.height_resolution_index == 3
    assert parse_body_composition_feature(bytes.fromhex("ff030000")).raw == 0x3FF
    plx = parse_plx_features(bytes.fromhex("03002000220000"))
    assert plx.measurement_status_support == 0x20 and plx.device_sensor_status_support == 0x22
    for parse, short in (
        (parse_blood_pressure_feature, b"\x00"),
        (parse_glucose_feature, b""),
        (parse_weight_scale_feature, b"\x00\x00\x00"),
        (parse_body_composition_feature, b"\x00"),
        (parse_plx_features, bytes.fromhex("0300200022")),
    ):
        with pytest.raises(MalformedPayload):
            parse(short)
