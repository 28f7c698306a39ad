"""Characteristic UUID + payload bytes -> JSON-able dict (diagnostics, ``decode-gatt``).

Field names are those of the project's test vectors (``tests/fixtures/gatt_vectors.json``
``expected``); fields that are absent (None) are left out. Numbers keep their precision:
integers stay ``int``; fixed-point and SFLOAT/FLOAT values with decimals are
:class:`decimal.Decimal` (``Decimal("2.0")``), which :func:`to_json` writes literally
(``2.0``, ``37.60``); a special value is its label (``"+INF"``) and, for the bare
``SFLOAT``/``FLOAT`` pseudo-characteristics, ``fhir_dataAbsentReason`` too.

Pseudo-characteristics: ``SFLOAT``/``FLOAT`` take the *big-endian* notation of the PHD IG
tables; ``181d-adv`` is the Xiaomi Mi Scale service-data advertisement.

Pure, any thread. Raises ``MalformedPayload`` (bad bytes) or ``Unsupported`` (unknown UUID).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from devices.blood_pressure.parser import (
    parse_blood_pressure_feature,
    parse_blood_pressure_measurement,
    parse_intermediate_cuff_pressure,
)
from devices.errors import MalformedPayload, Unsupported
from devices.gatt_time import GattDateTime, decode_date_time, parse_current_time
from devices.glucose.parser import (
    parse_glucose_feature,
    parse_glucose_measurement,
    parse_glucose_measurement_context,
)
from devices.glucose.racp import (
    RacpNumberOfRecords,
    RacpOpCode,
    parse_racp_request,
    parse_racp_response,
)
from devices.heart_rate.parser import parse_heart_rate_measurement
from devices.ieee11073 import SpecialValue, decode_float, decode_sfloat
from devices.pulse_oximeter.parser import (
    parse_plx_continuous,
    parse_plx_features,
    parse_plx_spot_check,
)
from devices.thermometer.parser import parse_temperature_measurement, parse_temperature_type
from devices.weight_scale.parser import (
    parse_body_composition_feature,
    parse_body_composition_measurement,
    parse_mi_scale_v1_advertisement,
    parse_weight_measurement,
    parse_weight_scale_feature,
)

__all__ = ["JsonValue", "decode", "json_number", "normalize_uuid", "supported", "to_json"]

type JsonValue = None | bool | int | str | Decimal | Sequence[JsonValue] | Mapping[str, JsonValue]

_BASE_SUFFIX = "-0000-1000-8000-00805f9b34fb"


def normalize_uuid(uuid: str) -> str:
    """``"0x2A35"``, ``"2A35"`` and the 128-bit SIG form all become ``"2a35"``; the
    pseudo-characteristics ``SFLOAT``, ``FLOAT`` and ``181d-adv`` are kept as such."""
    text = uuid.strip()
    upper = text.upper()
    if upper in ("SFLOAT", "FLOAT"):
        return upper
    low = text.lower()
    if low.startswith("0x"):
        low = low[2:]
    if len(low) == 36 and low.startswith("0000") and low.endswith(_BASE_SUFFIX):
        low = low[4:8]
    return low


def json_number(value: Decimal | int) -> int | Decimal:
    """``int`` when the value carries no decimals (exponent >= 0), else the Decimal itself."""
    if isinstance(value, int):
        return value
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return value


def _num(value: Decimal | int | SpecialValue | None) -> JsonValue:
    if value is None:
        return None
    if isinstance(value, SpecialValue):
        return value.label
    return json_number(value)


def _ts(value: GattDateTime | None) -> JsonValue:
    return None if value is None else value.isoformat()


def _clean(fields: dict[str, JsonValue]) -> dict[str, JsonValue]:
    return {k: v for k, v in fields.items() if v is not None}


def _bp(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_blood_pressure_measurement(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "unit": r.unit.value,
            "systolic": _num(r.systolic),
            "diastolic": _num(r.diastolic),
            "mean_arterial": _num(r.mean_arterial),
            "timestamp": _ts(r.timestamp),
            "pulse_rate": _num(r.pulse_rate_bpm),
            "user_id": r.user_id,
            "status": r.status,
        }
    )


def _icp(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_intermediate_cuff_pressure(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "unit": r.unit.value,
            "cuff_pressure": _num(r.cuff_pressure),
            "timestamp": _ts(r.timestamp),
            "pulse_rate": _num(r.pulse_rate_bpm),
            "user_id": r.user_id,
            "status": r.status,
        }
    )


def _hr(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_heart_rate_measurement(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "heart_rate": r.heart_rate_bpm,
            "sensor_contact": r.sensor_contact,
            "energy_expended_kJ": r.energy_expended_kj,
            "rr_raw_1_1024s": list(r.rr_intervals_1_1024s) or None,
        }
    )


def _temp(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_temperature_measurement(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "unit": r.unit.value,
            "temperature": _num(r.temperature),
            "timestamp": _ts(r.timestamp),
            "type": None if r.temperature_type is None else int(r.temperature_type),
        }
    )


def _glucose(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_glucose_measurement(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "sequence": r.sequence_number,
            "base_time": _ts(r.base_time),
            "time_offset_min": r.time_offset_min,
            "concentration": _num(r.concentration),
            "unit": None if r.unit is None else r.unit.value,
            "type": r.sample_type,
            "sample_location": r.sample_location,
            "status": r.sensor_status,
            "context_follows": r.context_follows,
        }
    )


def _context(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_glucose_measurement_context(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "sequence": r.sequence_number,
            "extended_flags": r.extended_flags,
            "carbohydrate_id": r.carbohydrate_id,
            "carbohydrate_kg": _num(r.carbohydrate_kg),
            "meal": r.meal,
            "tester": r.tester,
            "health": r.health,
            "exercise_duration_s": r.exercise_duration_s,
            "exercise_intensity_pct": r.exercise_intensity_pct,
            "medication_id": r.medication_id,
            "medication": _num(r.medication),
            "medication_unit": None if r.medication_unit is None else r.medication_unit.value,
            "hba1c_pct": _num(r.hba1c_pct),
        }
    )


def _racp(data: bytes, lenient: bool) -> dict[str, JsonValue]:
    if data and data[0] in (RacpOpCode.NUMBER_OF_RECORDS_RESPONSE, RacpOpCode.RESPONSE_CODE):
        resp = parse_racp_response(data, lenient_count=lenient)
        if isinstance(resp, RacpNumberOfRecords):
            return {"number_of_records": resp.number_of_records}
        return {"request_opcode": resp.request_opcode, "response": resp.response.name.lower()}
    req = parse_racp_request(data)
    out: dict[str, JsonValue] = {"opcode_name": req.opcode_name, "operator": int(req.operator)}
    if req.filter_type is not None:
        out["filter_type"] = int(req.filter_type)
        out["operand"] = req.operand.hex()
    return out


def _plx_spot(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_plx_spot_check(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "spo2": _num(r.spo2_pct),
            "pulse_rate": _num(r.pulse_rate_bpm),
            "timestamp": _ts(r.timestamp),
            "measurement_status": r.measurement_status,
            "device_sensor_status": r.device_sensor_status,
            "pulse_amplitude_index": _num(r.pulse_amplitude_index_pct),
            "device_clock_not_set": r.device_clock_not_set,
        }
    )


def _plx_cont(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_plx_continuous(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "spo2": _num(r.spo2_pct),
            "pulse_rate": _num(r.pulse_rate_bpm),
            "spo2_fast": _num(r.spo2_fast_pct),
            "pr_fast": _num(r.pulse_rate_fast_bpm),
            "spo2_slow": _num(r.spo2_slow_pct),
            "pr_slow": _num(r.pulse_rate_slow_bpm),
            "measurement_status": r.measurement_status,
            "device_sensor_status": r.device_sensor_status,
            "pulse_amplitude_index": _num(r.pulse_amplitude_index_pct),
        }
    )


def _weight(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_weight_measurement(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "weight": _num(r.weight),
            "measurement_unsuccessful": r.measurement_unsuccessful or None,
            "unit": r.unit.value,
            "timestamp": _ts(r.timestamp),
            "user_id": r.user_id,
            "bmi": _num(r.bmi_kg_m2),
            "height": _num(r.height),
            "height_unit": None if r.height is None else r.height_unit.value,
        }
    )


def _body(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_body_composition_measurement(data, received_at=at, check_plausibility=plaus)
    return _clean(
        {
            "flags": r.flags,
            "body_fat_pct": _num(r.body_fat_pct),
            "measurement_unsuccessful": r.measurement_unsuccessful or None,
            "timestamp": _ts(r.timestamp),
            "user_id": r.user_id,
            "basal_metabolism_kJ": r.basal_metabolism_kj,
            "muscle_pct": _num(r.muscle_pct),
            "muscle_mass": _num(r.muscle_mass),
            "fat_free_mass": _num(r.fat_free_mass),
            "soft_lean_mass": _num(r.soft_lean_mass),
            "body_water_mass": _num(r.body_water_mass),
            "impedance_ohm": _num(r.impedance_ohm),
            "weight": _num(r.weight),
            "height": _num(r.height),
            "multiple_packet": r.multiple_packet,
        }
    )


def _mi_scale(data: bytes, at: datetime, plaus: bool) -> dict[str, JsonValue]:
    r = parse_mi_scale_v1_advertisement(data, received_at=at, check_plausibility=plaus)
    return {"weight": _num(r.weight), "unit": r.unit.value, "timestamp": _ts(r.timestamp)}


def _special(kind: str, data: bytes) -> dict[str, JsonValue]:
    size = 2 if kind == "SFLOAT" else 4
    if len(data) != size:
        raise MalformedPayload(f"length {len(data)} != {size}", characteristic=kind)
    raw = int.from_bytes(data, "big")
    value = decode_sfloat(raw) if kind == "SFLOAT" else decode_float(raw)
    if isinstance(value, SpecialValue):
        return {"value": value.label, "fhir_dataAbsentReason": value.fhir_data_absent_reason}
    return {"value": json_number(value)}


_MEASUREMENTS: dict[str, Callable[[bytes, datetime, bool], dict[str, JsonValue]]] = {
    "2a35": _bp,
    "2a36": _icp,
    "2a37": _hr,
    "2a1c": _temp,
    "2a1e": _temp,
    "2a18": _glucose,
    "2a34": _context,
    "2a5e": _plx_spot,
    "2a5f": _plx_cont,
    "2a9d": _weight,
    "2a9c": _body,
    "181d-adv": _mi_scale,
}


def _features(uuid: str, data: bytes) -> dict[str, JsonValue] | None:
    if uuid == "2a49":
        return {"features": parse_blood_pressure_feature(data).raw}
    if uuid == "2a51":
        return {"features": parse_glucose_feature(data).raw}
    if uuid == "2a9e":
        return {"features": parse_weight_scale_feature(data).raw}
    if uuid == "2a9b":
        return {"features": parse_body_composition_feature(data).raw}
    if uuid == "2a60":
        f = parse_plx_features(data)
        return _clean(
            {
                "features": f.supported_features,
                "measurement_status_support": f.measurement_status_support,
                "device_sensor_status_support": f.device_sensor_status_support,
            }
        )
    if uuid == "2a1d":
        return {"type": int(parse_temperature_type(data))}
    if uuid == "2a08":
        return {"timestamp": decode_date_time(data).isoformat()}
    if uuid == "2a2b":
        ct = parse_current_time(data)
        return {
            "timestamp": ct.date_time.isoformat(),
            "day_of_week": ct.day_of_week,
            "fractions256": ct.fractions256,
            "adjust_reason": int(ct.adjust_reason),
        }
    return None


def supported() -> list[str]:
    """Every characteristic (normalised form) :func:`decode` understands."""
    extra = ["2a52", "2a49", "2a51", "2a9e", "2a9b", "2a60", "2a1d", "2a08", "2a2b"]
    return sorted([*_MEASUREMENTS, *extra, "SFLOAT", "FLOAT"])


def decode(
    uuid: str,
    data: bytes,
    *,
    received_at: datetime | None = None,
    check_plausibility: bool = True,
    lenient: bool = False,
) -> dict[str, JsonValue]:
    """Decode ``data`` as the characteristic ``uuid``.

    ``received_at`` defaults to now (UTC) and is not part of the output; ``lenient`` turns on
    the tolerated vendor deviations (RACP 1-/4-octet counts). Raises ``MalformedPayload``
    (including ``ImplausibleValue`` unless ``check_plausibility`` is False) or ``Unsupported``.
    """
    key = normalize_uuid(uuid)
    at = received_at or datetime.now(UTC)
    if key in ("SFLOAT", "FLOAT"):
        return _special(key, bytes(data))
    if key == "2a52":
        return _racp(bytes(data), lenient)
    handler = _MEASUREMENTS.get(key)
    if handler is not None:
        return handler(bytes(data), at, check_plausibility)
    features = _features(key, bytes(data))
    if features is None:
        raise Unsupported(f"characteristic {uuid!r} is not supported")
    return features


def _dump(value: JsonValue, out: list[str]) -> None:
    if isinstance(value, Decimal):
        out.append(format(value, "f"))
    elif value is None or isinstance(value, bool | int | str):
        out.append(json.dumps(value))
    elif isinstance(value, Mapping):
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            if i:
                out.append(", ")
            out.append(json.dumps(k) + ": ")
            _dump(v, out)
        out.append("}")
    else:
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(", ")
            _dump(v, out)
        out.append("]")


def to_json(value: JsonValue) -> str:
    """JSON text with Decimals written literally, so ``Decimal("37.60")`` stays ``37.60``."""
    out: list[str] = []
    _dump(value, out)
    return "".join(out)
