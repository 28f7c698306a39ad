"""Device registry look-ups and GATT Date Time / Current Time encoders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from devices.blood_pressure.parser import parse_blood_pressure_measurement
from devices.errors import MalformedPayload
from devices.gatt_time import (
    AdjustReason,
    CurrentTime,
    GattDateTime,
    decode_date_time,
    encode_current_time,
    encode_date_time,
    parse_current_time,
)
from devices.registry import DESCRIPTORS, Quirk, Service, find_descriptor, sig_uuid
from devices.weight_scale.parser import parse_mi_scale_v1_advertisement


def test_descriptors_are_unique_frozen_and_have_parsers() -> None:
    ids = [d.model_id for d in DESCRIPTORS]
    assert len(ids) == len(set(ids))
    for d in DESCRIPTORS:
        assert d.characteristics and d.capabilities
        with pytest.raises(AttributeError):
            d.model_id = "x"  # type: ignore[misc]
        hash(d)


@pytest.mark.parametrize(
    ("name", "services", "model"),
    [
        ("BLEsmart_00000116ABCDEF", [], "omron-blesmart"),
        ("A&D_UA-651_4B2C", [], "and-ua-651ble"),
        ("Nonin3230_502915", [], "nonin-3230"),
        ("meter+06647273", [], "roche-accu-chek"),
        ("MI_SCALE", [], "xiaomi-xmtzc01hm"),
        ("Thermo X", [sig_uuid(0x1809)], "generic-thermometer"),
        (None, [Service.GLUCOSE.value.upper()], "generic-glucose"),
        ("whatever", [sig_uuid(0x180D)], "generic-heart-rate"),
    ],
)
def test_find_descriptor(name: str | None, services: list[str], model: str) -> None:
    found = find_descriptor(name, services)
    assert found is not None and found.model_id == model


def test_unknown_device_and_model_precedence() -> None:
    assert find_descriptor("Headphones", [sig_uuid(0x110B)]) is None
    # a named model wins over the generic profile it also advertises
    found = find_descriptor("BLEsmart_0001", [Service.BLOOD_PRESSURE])
    assert found is not None and found.model_id == "omron-blesmart"
    assert Quirk.BOND_BEFORE_INDICATIONS in found.quirks


def test_parser_for_accepts_short_and_long_uuids() -> None:
    omron = find_descriptor("BLEsmart_1")
    assert omron is not None
    assert omron.parser_for("2A35") is parse_blood_pressure_measurement
    assert omron.parser_for(sig_uuid(0x2A35)) is parse_blood_pressure_measurement
    assert omron.parser_for("2a18") is None
    scale = find_descriptor("MI_SCALE")
    assert scale is not None and scale.parser_for("181d-adv") is parse_mi_scale_v1_advertisement


def test_date_time_roundtrip_and_unknown_parts() -> None:
    t = GattDateTime(2024, 11, 29, 23, 8, 57)
    assert decode_date_time(encode_date_time(t)) == t
    assert t.to_datetime(UTC) == datetime(2024, 11, 29, 23, 8, 57, tzinfo=UTC)
    unknown = decode_date_time(bytes(7))
    assert unknown.isoformat() == "0000-00-00T00:00:00" and unknown.to_datetime(UTC) is None
    assert GattDateTime(2023, 2, 31, 0, 0, 0).to_datetime(UTC) is None
    for bad in (
        "e8070d01000000",
        "e8070120000000",
        "e8070101180000",
        "e8070101003c00",
        "e807010100003c",
        "01000101000000",
        "e807010100",
    ):
        with pytest.raises(MalformedPayload):
            decode_date_time(bytes.fromhex(bad))


def test_current_time_roundtrip() -> None:
    tz = timezone(timedelta(hours=1))
    now = datetime(2026, 11, 24, 13, 0, 30, 500000, tzinfo=tz)
    ct = CurrentTime.from_datetime(now)
    wire = encode_current_time(ct)
    assert wire == bytes.fromhex("ea070b180d001e028001")
    assert parse_current_time(wire) == ct
    assert ct.adjust_reason is AdjustReason.MANUAL_TIME_UPDATE
    for bad in ("ea070b180d001e0880", "ea070b180d001e088001", "ea070b180d001e028010"):
        with pytest.raises(MalformedPayload):
            parse_current_time(bytes.fromhex(bad))
