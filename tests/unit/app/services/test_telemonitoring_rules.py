"""Care plan parsing and alert rules with a fake clock (threshold, hysteresis, stale, trend)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.telemonitoring import (
    AlarmBand,
    AlertKind,
    AlertStatus,
    CarePlan,
    CarePlanFormatError,
    Parameter,
    Provenance,
    Reading,
    Severity,
    ValueRange,
)
from app.services.alerts import (
    AlertEvaluator,
    acknowledgement,
    alert_to_flag,
    flag_to_alert,
)
from app.services.careplans import expected_interval, parse_care_plan
from app.services.telemonitoring import InMemoryTelemonitoringSource, demo_source

FIXTURE = Path(__file__).parents[3] / "fixtures" / "telemonitoring_careplans.json"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def _resources() -> list[dict]:
    return [e["resource"] for e in json.loads(FIXTURE.read_text())["entry"]]


def _plan(programme: str) -> CarePlan:
    res = _resources()
    cp = next(r for r in res if r["resourceType"] == "CarePlan" and r["id"].endswith(programme))
    return parse_care_plan(
        cp,
        activity_definitions=[r for r in res if r["resourceType"] == "ActivityDefinition"],
        observation_definitions=[r for r in res if r["resourceType"] == "ObservationDefinition"],
    )


def _r(param: Parameter, minutes: float, value: float) -> Reading:
    return Reading(param, T0 + timedelta(minutes=minutes), value, Provenance.DEVICE_BONDED, "d1")


# -- care plans ---------------------------------------------------------------------------------
def test_heart_failure_plan_from_the_regional_seed_encoding() -> None:
    plan = _plan("heart-failure")
    assert plan.patient_id == "pat-003"
    assert plan.programme == "heart-failure"
    assert plan.parameters == (
        Parameter.SYSTOLIC_BP,
        Parameter.DIASTOLIC_BP,
        Parameter.HEART_RATE,
        Parameter.WEIGHT,
        Parameter.SPO2,
    )
    assert plan.expected_interval == timedelta(days=1)
    sbp = plan.for_parameter(Parameter.SYSTOLIC_BP)
    assert sbp is not None
    assert sbp.plausible == ValueRange(40, 300)
    assert sbp.target == ValueRange(95, 135)
    assert set(sbp.bands) == {
        AlarmBand(Severity.WARNING, None, 90),
        AlarmBand(Severity.CRITICAL, None, 80),
        AlarmBand(Severity.WARNING, 150, None),
        AlarmBand(Severity.CRITICAL, 170, None),
    }
    # The highest severity wins when bands overlap.
    assert sbp.severity_of(175)[0] is Severity.CRITICAL  # type: ignore[index]
    assert sbp.severity_of(155)[0] is Severity.WARNING  # type: ignore[index]
    assert sbp.severity_of(120) is None
    weight = plan.for_parameter(Parameter.WEIGHT)
    assert weight is not None and weight.bands == () and weight.trend is not None
    assert weight.trend.delta == 2.0 and weight.trend.window == timedelta(days=3)
    spo2 = plan.for_parameter(Parameter.SPO2)
    assert spo2 is not None and spo2.severity_of(87)[0] is Severity.CRITICAL  # type: ignore[index]


def test_copd_plan_decimals_and_units() -> None:
    plan = _plan("copd")
    temp = plan.for_parameter(Parameter.TEMPERATURE)
    assert temp is not None and temp.decimal_precision == 1
    assert temp.severity_of(38.6)[0] is Severity.CRITICAL  # type: ignore[index]
    assert Parameter.TEMPERATURE.ucum_unit == "Cel"


def test_parser_is_tolerant() -> None:
    od = {
        "resourceType": "ObservationDefinition",
        "id": "od-x",
        "code": {"coding": [{"code": "8867-4"}, {"system": "urn:x", "code": "?"}]},
        "qualifiedInterval": [
            {"category": "critical", "range": {"low": {"value": "120"}}},  # no severity
            {"category": "critical", "range": {}},  # no sides: ignored
            {"category": "critical"},  # no range
            "garbage",
            {"category": "reference", "range": {"low": {"value": True}, "high": {"value": 90}}},
        ],
    }
    unknown = dict(od, id="od-y", code={"coding": [{"system": "http://loinc.org", "code": "0"}]})
    ad = {
        "resourceType": "ActivityDefinition",
        "id": "ad-1",
        "url": "https://x/ActivityDefinition/1",
        "timingTiming": {"repeat": {"frequency": 4, "period": 1, "periodUnit": "d"}},
        "observationResultRequirement": [
            {"reference": "ObservationDefinition/od-x"},
            {"reference": "ObservationDefinition/od-y"},
            {"reference": "ObservationDefinition/missing"},
            {},
        ],
    }
    cp = {
        "resourceType": "CarePlan",
        "id": "cp",
        "subject": {"reference": "Patient/p1"},
        "instantiatesCanonical": ["https://x/ActivityDefinition/1|2.0", "https://x/unknown"],
    }
    plan = parse_care_plan(cp, activity_definitions=[ad], observation_definitions=[od, unknown])
    assert plan.parameters == (Parameter.HEART_RATE,)
    hr = plan.thresholds[0]
    assert hr.bands == (AlarmBand(Severity.CRITICAL, 120.0, None),)
    assert hr.target == ValueRange(None, 90)
    assert plan.expected_interval == timedelta(hours=6)
    assert expected_interval({}) == timedelta(days=1)
    with pytest.raises(CarePlanFormatError):
        parse_care_plan(
            {"resourceType": "Patient"}, activity_definitions=[], observation_definitions=[]
        )
    with pytest.raises(CarePlanFormatError):
        parse_care_plan(
            dict(cp, instantiatesCanonical=[]),
            activity_definitions=[ad],
            observation_definitions=[od],
        )
    # Contained resources resolve too.
    contained = dict(cp, contained=[ad, od], instantiatesCanonical=["#ad-1"])
    assert parse_care_plan(
        contained, activity_definitions=[], observation_definitions=[]
    ).parameters == (Parameter.HEART_RATE,)


# -- threshold + hysteresis ---------------------------------------------------------------------
def test_threshold_alert_explains_value_and_rule() -> None:
    clock = FakeClock(T0 + timedelta(hours=1))
    ev = AlertEvaluator(clock=clock)
    plan = _plan("heart-failure")
    (alert,) = ev.add_readings(plan, [_r(Parameter.SYSTOLIC_BP, 0, 172)])
    assert alert.kind is AlertKind.THRESHOLD
    assert alert.severity is Severity.CRITICAL
    assert alert.raised_at_utc == clock.now
    assert alert.value == 172 and alert.value_time_utc == T0
    assert alert.rule == "sbp >= 170 mmHg -> critical"
    assert alert.explanation == (
        "Systolic blood pressure 172 mmHg at 2026-03-01T08:00+00:00 is >= 170 mmHg "
        "(critical threshold of care plan Telemonitoraggio scompenso cardiaco)"
    )


def test_hovering_at_the_limit_raises_one_alert_then_rearms() -> None:
    ev = AlertEvaluator(clock=FakeClock(T0))
    plan = _plan("heart-failure")
    # 150 is the warning limit; hysteresis 2% = 3 mmHg.
    hovering = [150, 149, 151, 150, 148.5, 152, 150, 149]
    raised = ev.add_readings(
        plan, [_r(Parameter.SYSTOLIC_BP, i * 10, v) for i, v in enumerate(hovering)]
    )
    assert [a.severity for a in raised] == [Severity.WARNING]
    # Escalation is raised at once even while the warning is open.
    raised = ev.add_readings(plan, [_r(Parameter.SYSTOLIC_BP, 100, 171)])
    assert [a.severity for a in raised] == [Severity.CRITICAL]
    assert ev.add_readings(plan, [_r(Parameter.SYSTOLIC_BP, 110, 169)]) == []
    # Clearly back in range (below 150 - 3): resolved; the next excursion alerts again.
    assert ev.add_readings(plan, [_r(Parameter.SYSTOLIC_BP, 120, 130)]) == []
    statuses = {a.severity: a.status for a in ev.alerts()}
    assert statuses == {
        Severity.WARNING: AlertStatus.RESOLVED,
        Severity.CRITICAL: AlertStatus.RESOLVED,
    }
    raised = ev.add_readings(plan, [_r(Parameter.SYSTOLIC_BP, 130, 155)])
    assert [a.severity for a in raised] == [Severity.WARNING]
    # Low side too, and implausible values are ignored.
    assert ev.add_readings(plan, [_r(Parameter.SPO2, 0, 30)]) == []
    (low,) = ev.add_readings(plan, [_r(Parameter.SPO2, 1, 87)])
    assert low.severity is Severity.CRITICAL and "<= 88 %" in low.explanation


# -- stale --------------------------------------------------------------------------------------
def test_stale_data_after_the_expected_interval() -> None:
    clock = FakeClock(T0)
    ev = AlertEvaluator(clock=clock)
    plan = _plan("copd")  # expects one reading a day
    last = {p: T0 for p in plan.parameters}
    assert ev.check_stale(plan, last) == []
    clock.advance(hours=30)
    assert ev.check_stale(plan, last) == []  # within 1.5 x 24 h
    clock.advance(hours=7)
    raised = ev.check_stale(plan, last)
    assert {a.parameter for a in raised} == set(plan.parameters)
    assert all(a.kind is AlertKind.STALE and a.severity is Severity.WARNING for a in raised)
    assert raised[0].explanation == (
        "No Oxygen saturation reading since 2026-03-01T08:00+00:00 (37 h ago); "
        "the care plan expects one every 24 h"
    )
    assert ev.check_stale(plan, last) == []  # no flood
    clock.advance(hours=40)
    escalated = ev.check_stale(plan, last)
    assert {a.severity for a in escalated} == {Severity.CRITICAL}
    # A new reading resolves the stale alert.
    ev.add_readings(plan, [Reading(Parameter.SPO2, clock.now, 96)])
    spo2 = [a for a in ev.alerts() if a.parameter is Parameter.SPO2 and a.kind is AlertKind.STALE]
    assert AlertStatus.ACTIVE not in {a.status for a in spo2}
    never = ev.check_stale(plan, {Parameter.TEMPERATURE: None})
    assert never == [] or never[0].severity is Severity.CRITICAL


# -- trend --------------------------------------------------------------------------------------
def test_weight_gain_of_2_kg_in_3_days() -> None:
    clock = FakeClock(T0)
    ev = AlertEvaluator(clock=clock)
    plan = _plan("heart-failure")
    day = 24 * 60
    slow = [_r(Parameter.WEIGHT, i * day, 80 + 0.3 * i) for i in range(8)]  # +2.1 kg in 7 days
    assert ev.add_readings(plan, slow) == []
    fast = [
        _r(Parameter.WEIGHT, 8 * day, 82.0),
        _r(Parameter.WEIGHT, 9 * day, 83.2),
        _r(Parameter.WEIGHT, 10 * day, 84.3),
    ]
    (alert,) = ev.add_readings(plan, fast)
    assert alert.kind is AlertKind.TREND and alert.severity is Severity.WARNING
    assert alert.rule == "weight change +2 kg within 3 d"
    assert alert.explanation == (
        "Body weight 84.3 kg at 2026-03-11T08:00+00:00 is +2.3 kg from 82.0 kg at "
        "2026-03-09T08:00+00:00 (rule: +2 kg within 3 days)"
    )
    assert ev.add_readings(plan, [_r(Parameter.WEIGHT, 10 * day + 60, 84.4)]) == []


# -- FHIR Flag ----------------------------------------------------------------------------------
def test_flag_mapping_and_acknowledgement_payload() -> None:
    ev = AlertEvaluator(clock=FakeClock(T0))
    (alert,) = ev.add_readings(_plan("heart-failure"), [_r(Parameter.HEART_RATE, 0, 125)])
    flag = alert_to_flag(alert, author_reference="Practitioner/prac-ifec-colombo")
    assert flag["resourceType"] == "Flag" and flag["status"] == "active"
    assert flag["subject"] == {"reference": "Patient/pat-003"}
    assert flag["code"]["text"] == alert.explanation
    assert flag["identifier"][0]["value"] == f"urn:uuid:{alert.id}"
    back = flag_to_alert(dict(flag, meta={"versionId": "3"}))
    assert back is not None
    assert (back.parameter, back.kind, back.severity, back.rule) == (
        alert.parameter,
        alert.kind,
        alert.severity,
        alert.rule,
    )
    assert back.resource_id == flag["id"] and back.version_id == "3"
    ack = acknowledgement(back, practitioner_reference="Practitioner/p", at_utc=T0)
    assert (ack.resource_type, ack.resource_id, ack.version_id) == ("Flag", flag["id"], "3")
    assert ack.body["status"] == "inactive" and ack.body["period"]["end"] == T0.isoformat()
    with pytest.raises(ValueError):
        acknowledgement(alert, practitioner_reference="Practitioner/p", at_utc=T0)
    # The seed's Flags (no coding of ours) still read.
    seed_flag = {
        "resourceType": "Flag",
        "id": "flag-pat-001-soglia",
        "status": "active",
        "code": {"text": "Parametro oltre soglia"},
        "subject": {"reference": "Patient/pat-001"},
        "period": {"start": "2026-03-01T08:45:00+01:00"},
    }
    seed = flag_to_alert(seed_flag)
    assert seed is not None and seed.patient_id == "pat-001"
    assert seed.raised_at_utc == datetime(2026, 3, 1, 7, 45, tzinfo=UTC)


# -- in-memory source ---------------------------------------------------------------------------
async def test_in_memory_source_manual_entry_and_acknowledge() -> None:
    src = InMemoryTelemonitoringSource(clock=FakeClock(T0))
    src.add_patient("pat-003", "Test", [_plan("heart-failure")])
    raised = await src.add_manual_reading(
        "pat-003", Reading(Parameter.SYSTOLIC_BP, T0, 182, Provenance.MANUAL)
    )
    assert [a.severity for a in raised] == [Severity.CRITICAL]
    s = await src.get_series("pat-003", Parameter.SYSTOLIC_BP)
    assert list(s.values) == [182] and s.origin_of(0) == (Provenance.MANUAL, None)
    (patient,) = await src.list_patients()
    assert patient.urgency()[0] == Severity.CRITICAL
    acked = await src.acknowledge(raised[0].id, practitioner_reference="Practitioner/x")
    assert acked.status is AlertStatus.ACKNOWLEDGED
    (patient,) = await src.list_patients()
    assert patient.active_alerts == ()


async def test_demo_source_has_alerts_of_every_kind() -> None:
    src = demo_source(now_utc=T0)
    patients = await src.list_patients()
    kinds = {a.kind for p in patients for a in p.alerts}
    assert kinds == {AlertKind.THRESHOLD, AlertKind.STALE, AlertKind.TREND}


async def test_worklist_reevaluates_stale_data_as_time_passes() -> None:
    clock = FakeClock(T0)
    src = InMemoryTelemonitoringSource(clock=clock)
    plan = _plan("copd")
    src.add_patient("pat-004", "Test", [plan])
    for p in plan.parameters:
        await src.add_manual_reading(
            "pat-004", Reading(p, T0, 36.6 if p is Parameter.TEMPERATURE else 95)
        )
    (patient,) = await src.list_patients()
    assert patient.active_alerts == ()
    clock.advance(hours=40)
    (patient,) = await src.list_patients()
    assert {a.kind for a in patient.active_alerts} == {AlertKind.STALE}
    assert len(patient.active_alerts) == len(plan.parameters)
