"""Every vector of tests/fixtures/gatt_vectors.json, byte-exactly, by kind."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from devices.decode import decode, to_json
from devices.errors import ImplausibleValue, MalformedPayload
from devices.glucose.racp import encode_racp_request, parse_racp_request
from devices.ieee11073 import SpecialValue, decode_float, decode_sfloat, exponent_of
from devices.pulse_oximeter.parser import parse_plx_continuous
from devices.weight_scale.parser import parse_mi_scale_v1_advertisement

from .vectors import FIXTURE, SYNTHETIC, load, same, vector_id, vectors

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ALL = vectors()
IDS = [vector_id(i, v) for i, v in enumerate(ALL)]


def by_kind(*kinds: str) -> list[Any]:
    return [pytest.param(v, id=vector_id(i, v)) for i, v in enumerate(ALL) if v["kind"] in kinds]


def roundtrip_json(result: Any) -> Any:
    return json.loads(to_json(result))


def test_fixture_is_the_shared_file_with_sources() -> None:
    data = load()
    assert data["count"] == len(ALL) == 56
    assert all(v["source"] and v["kind"] for v in ALL)
    assert FIXTURE.name == "gatt_vectors.json"


@pytest.mark.parametrize("v", by_kind("valid", "special", "vendor-variant"))
def test_valid_vector_decodes_to_expected(v: dict[str, Any]) -> None:
    data = bytes.fromhex(v["hex"])
    synthetic = v["hex"] in SYNTHETIC
    result = decode(
        v["characteristic_uuid"], data, received_at=AT, check_plausibility=not synthetic
    )
    assert same(roundtrip_json(result), v["expected"]), result
    # the in-memory dict agrees with the JSON text
    assert same(result, v["expected"])


@pytest.mark.parametrize("v", [p for p in by_kind("valid") if p.values[0]["hex"] in SYNTHETIC])
def test_synthetic_vectors_are_rejected_as_implausible_by_default(v: dict[str, Any]) -> None:
    with pytest.raises(ImplausibleValue) as info:
        decode(v["characteristic_uuid"], bytes.fromhex(v["hex"]), received_at=AT)
    assert info.value.reason.startswith("implausible")


@pytest.mark.parametrize("v", by_kind("invalid"))
def test_invalid_vector_raises_malformed_payload(v: dict[str, Any]) -> None:
    with pytest.raises(MalformedPayload) as info:
        decode(
            v["characteristic_uuid"],
            bytes.fromhex(v["hex"]),
            received_at=AT,
            check_plausibility=False,
        )
    assert not isinstance(info.value, ImplausibleValue)
    assert info.value.reason.startswith(v["expected"]["invalid"])


@pytest.mark.parametrize("v", by_kind("lenient"))
def test_lenient_vector_strict_rejects_lenient_accepts(v: dict[str, Any]) -> None:
    data = bytes.fromhex(v["hex"])
    with pytest.raises(MalformedPayload):
        decode(v["characteristic_uuid"], data)
    assert same(roundtrip_json(decode(v["characteristic_uuid"], data, lenient=True)), v["expected"])


@pytest.mark.parametrize("v", by_kind("request"))
def test_request_vector_parses_and_reencodes_byte_exactly(v: dict[str, Any]) -> None:
    data = bytes.fromhex(v["hex"])
    assert same(roundtrip_json(decode(v["characteristic_uuid"], data)), v["expected"])
    assert encode_racp_request(parse_racp_request(data)) == data


@pytest.mark.parametrize("v", by_kind("special"))
def test_special_vectors_are_typed_special_values(v: dict[str, Any]) -> None:
    raw = int(v["hex"], 16)
    value = decode_sfloat(raw) if v["characteristic_uuid"] == "SFLOAT" else decode_float(raw)
    assert isinstance(value, SpecialValue)
    assert value.label == v["expected"]["value"]
    assert value.fhir_data_absent_reason == v["expected"]["fhir_dataAbsentReason"]


@pytest.mark.parametrize(
    "v", [p for p in by_kind("valid") if p.values[0]["characteristic_uuid"] in ("SFLOAT", "FLOAT")]
)
def test_float_vectors_keep_precision(v: dict[str, Any]) -> None:
    """2.0 is not 2: JSON float in the vector <=> negative exponent <=> decimals in output."""
    raw = int(v["hex"], 16)
    value = decode_sfloat(raw) if v["characteristic_uuid"] == "SFLOAT" else decode_float(raw)
    assert isinstance(value, Decimal)
    expected = v["expected"]["value"]
    assert (exponent_of(value) < 0) == isinstance(expected, float)
    text = to_json(decode(v["characteristic_uuid"], bytes.fromhex(v["hex"])))
    assert text == json.dumps({"value": expected})


def test_plx_pair_same_value_different_precision() -> None:
    """Vectors 00e8f384f3 / 0064005a00: equal values, exponents -1 and 0."""
    a = parse_plx_continuous(bytes.fromhex("00e8f384f3"), received_at=AT)
    b = parse_plx_continuous(bytes.fromhex("0064005a00"), received_at=AT)
    assert a.spo2_pct == b.spo2_pct == 100 and a.pulse_rate_bpm == b.pulse_rate_bpm == 90
    assert str(a.spo2_pct) == "100.0" and str(b.spo2_pct) == "100"
    assert to_json(decode("2a5f", bytes.fromhex("00e8f384f3"))) == (
        '{"spo2": 100.0, "pulse_rate": 90.0}'
    )


def test_vendor_variant_is_not_routed_through_0x2a9d() -> None:
    """The Mi Scale advertisement has its own parser; 0x82 means 'not yet stable'."""
    data = bytes.fromhex("02f843b20701010a1a3b")
    stable = parse_mi_scale_v1_advertisement(data, received_at=AT)
    assert stable.stabilized and stable.weight == Decimal("87.000")
    unstable = parse_mi_scale_v1_advertisement(b"\x82" + data[1:], received_at=AT)
    assert not unstable.stabilized
    with pytest.raises(MalformedPayload):
        parse_mi_scale_v1_advertisement(b"\x12" + data[1:], received_at=AT)


def test_every_vector_kind_is_handled() -> None:
    handled = {"valid", "invalid", "lenient", "request", "special", "vendor-variant", "trap"}
    assert {v["kind"] for v in ALL} <= handled


def test_temperature_vector_keeps_two_decimals_in_json() -> None:
    assert to_json(decode("2a1c", bytes.fromhex("06b00e00fedc070c050b321b04"))) == (
        '{"unit": "C", "temperature": 37.60, "timestamp": "2012-12-05T11:50:27", "type": 4}'
    )


def _codecs() -> dict[str, tuple[Any, Any]]:
    from devices.blood_pressure import parser as bp
    from devices.glucose import parser as gl
    from devices.heart_rate import parser as hr
    from devices.pulse_oximeter import parser as plx
    from devices.thermometer import parser as ht
    from devices.weight_scale import parser as ws

    return {
        "2a35": (bp.parse_blood_pressure_measurement, bp.encode_blood_pressure_measurement),
        "2a36": (bp.parse_intermediate_cuff_pressure, bp.encode_intermediate_cuff_pressure),
        "2a37": (hr.parse_heart_rate_measurement, hr.encode_heart_rate_measurement),
        "2a1c": (ht.parse_temperature_measurement, ht.encode_temperature_measurement),
        "2a18": (gl.parse_glucose_measurement, gl.encode_glucose_measurement),
        "2a34": (gl.parse_glucose_measurement_context, gl.encode_glucose_measurement_context),
        "2a5e": (plx.parse_plx_spot_check, plx.encode_plx_spot_check),
        "2a5f": (plx.parse_plx_continuous, plx.encode_plx_continuous),
        "2a9d": (ws.parse_weight_measurement, ws.encode_weight_measurement),
        "2a9c": (ws.parse_body_composition_measurement, ws.encode_body_composition_measurement),
    }


@pytest.mark.parametrize(
    "v", [p for p in by_kind("valid") if p.values[0]["characteristic_uuid"] in _codecs()]
)
def test_measurement_encoders_reproduce_the_captured_bytes(v: dict[str, Any]) -> None:
    parse, encode = _codecs()[v["characteristic_uuid"]]
    data = bytes.fromhex(v["hex"])
    reading = parse(data, received_at=AT, check_plausibility=False)
    again = encode(reading)
    if v["characteristic_uuid"] == "2a36":
        # Nordic zero-fills the unused diastolic/MAP fields; the spec (and our encoder) send
        # NaN 0x07FF there. Everything else is byte-identical and parses back equal.
        assert again[:3] + again[7:] == data[:3] + data[7:]
        assert again[3:7] == bytes.fromhex("ff07ff07")
    else:
        assert again == data
    assert parse(again, received_at=AT, check_plausibility=False) == reading
