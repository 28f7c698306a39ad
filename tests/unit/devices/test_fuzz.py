"""Property tests: random payloads never raise anything but MalformedPayload.

CI-sized (2,000 derandomized examples per parser); bench/fuzz_parsers.py is the soak run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.blood_pressure.parser import (
    parse_blood_pressure_feature,
    parse_blood_pressure_measurement,
    parse_intermediate_cuff_pressure,
)
from devices.decode import decode, supported, to_json
from devices.errors import MalformedPayload
from devices.gatt_time import decode_date_time, parse_current_time
from devices.glucose.parser import (
    parse_glucose_feature,
    parse_glucose_measurement,
    parse_glucose_measurement_context,
)
from devices.glucose.racp import parse_racp_request, parse_racp_response
from devices.heart_rate.parser import parse_heart_rate_measurement
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

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

READINGS: list[Callable[..., Any]] = [
    parse_blood_pressure_measurement,
    parse_intermediate_cuff_pressure,
    parse_heart_rate_measurement,
    parse_temperature_measurement,
    parse_glucose_measurement,
    parse_glucose_measurement_context,
    parse_plx_spot_check,
    parse_plx_continuous,
    parse_weight_measurement,
    parse_body_composition_measurement,
    parse_mi_scale_v1_advertisement,
]
PLAIN: list[Callable[..., Any]] = [
    parse_blood_pressure_feature,
    parse_glucose_feature,
    parse_racp_request,
    parse_racp_response,
    parse_plx_features,
    parse_temperature_type,
    parse_weight_scale_feature,
    parse_body_composition_feature,
    decode_date_time,
    parse_current_time,
]

# Random bytes, biased towards the lengths real payloads have.
payloads = st.binary(min_size=0, max_size=40)
FUZZ = settings(
    max_examples=2000,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("parse", READINGS, ids=lambda f: f.__name__)
def test_reading_parsers_raise_only_malformed_payload(parse: Callable[..., Any]) -> None:
    @FUZZ
    @given(payloads, st.booleans())
    def check(data: bytes, plausibility: bool) -> None:
        try:
            reading = parse(data, received_at=AT, check_plausibility=plausibility)
        except MalformedPayload as exc:
            assert exc.reason
        else:
            assert reading.received_at == AT

    check()


@pytest.mark.parametrize("parse", PLAIN, ids=lambda f: f.__name__)
def test_other_parsers_raise_only_malformed_payload(parse: Callable[..., Any]) -> None:
    @FUZZ
    @given(payloads)
    def check(data: bytes) -> None:
        try:
            parse(data)
        except MalformedPayload as exc:
            assert exc.reason

    check()


@pytest.mark.parametrize("uuid", supported())
def test_decode_output_is_always_json(uuid: str) -> None:
    import json

    @settings(max_examples=300, derandomize=True, deadline=None, database=None)
    @given(payloads)
    def check(data: bytes) -> None:
        try:
            result = decode(uuid, data, received_at=AT, check_plausibility=False, lenient=True)
        except MalformedPayload:
            return
        assert isinstance(json.loads(to_json(result)), dict)

    check()
