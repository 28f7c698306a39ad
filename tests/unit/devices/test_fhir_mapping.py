"""Device readings -> FHIR (app.services.device_fhir): codes, units, digits kept, special values
as dataAbsentReason, corrected time, deterministic ids, a valid transaction unit."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.backend import fhirjson
from app.services.device_fhir import (
    DATA_ABSENT,
    MDC,
    Unmappable,
    build_measurement_unit,
    device_resource,
    observations_for,
)
from devices.blood_pressure.parser import (
    BloodPressureMeasurement,
    IntermediateCuffPressure,
    PressureUnit,
)
from devices.gatt_time import GattDateTime
from devices.glucose.parser import GlucoseMeasurement, GlucoseUnit
from devices.ieee11073 import SpecialValue
from devices.session import BondState, DeviceIdentity, DeviceReading
from devices.weight_scale.parser import HeightUnit, WeightMeasurement, WeightUnit

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
IDENTITY = DeviceIdentity(
    address="C0:00:00:00:00:01",
    name="BLEsmart_0001",
    model_id="omron-blesmart",
    display_name="Omron connected blood pressure monitor",
    manufacturer="Omron Healthcare",
    model_number="HEM-7600T",
    serial_number="2024A0001",
    firmware_revision="1.2",
    system_id="0011223344556677",
)


def reading(
    value: object,
    *,
    characteristic: str = "2a35",
    offset: float | None = 12.5,
    bond: BondState = BondState.BONDED,
) -> DeviceReading:
    return DeviceReading(
        identity=IDENTITY,
        transport="ble",
        bond_state=bond,
        clock_offset_s=offset,
        characteristic=characteristic,
        value=value,
        received_at_utc=NOW,
        received_monotonic_ns=1,
        measured_at_utc=datetime(2026, 3, 1, 9, 29, 47, tzinfo=UTC),
    )


def bp(
    systolic: Any, unit: PressureUnit = PressureUnit.MMHG, pulse: Any = Decimal(60)
) -> BloodPressureMeasurement:
    return BloodPressureMeasurement(
        unit=unit,
        systolic=systolic,
        diastolic=Decimal(80),
        mean_arterial=Decimal("93.3"),
        timestamp=GattDateTime(2026, 3, 1, 10, 30, 0),
        pulse_rate_bpm=pulse,
        user_id=None,
        status=None,
        received_at=NOW,
    )


def test_blood_pressure_panel_codes_units_and_time() -> None:
    panel, pulse = observations_for(reading(bp(Decimal(120))), patient_reference="Patient/1")
    codes = {(c["system"], c["code"]) for c in panel["code"]["coding"]}
    assert ("http://loinc.org", "85354-9") in codes and (MDC, "150020") in codes
    assert panel["category"][0]["coding"][0]["code"] == "vital-signs"
    assert panel["effectiveDateTime"] == "2026-03-01T09:29:47.000Z"
    systolic = panel["component"][0]
    assert {c["code"] for c in systolic["code"]["coding"]} == {"8480-6", "150021"}
    assert systolic["valueQuantity"] == {
        "value": Decimal(120),
        "unit": "mmHg",
        "system": "http://unitsofmeasure.org",
        "code": "mm[Hg]",
    }
    assert str(panel["component"][2]["valueQuantity"]["value"]) == "93.3"
    assert {c["code"] for c in pulse["code"]["coding"]} == {"8867-4", "149546"}
    assert pulse["valueQuantity"]["code"] == "/min"


def test_kpa_and_special_component() -> None:
    (panel, _pulse) = observations_for(
        reading(bp(SpecialValue.NAN, PressureUnit.KPA)), patient_reference="Patient/1"
    )
    systolic = panel["component"][0]
    assert "valueQuantity" not in systolic
    assert systolic["dataAbsentReason"]["coding"] == [
        {"system": DATA_ABSENT, "code": "not-a-number"}
    ]
    assert panel["component"][1]["valueQuantity"]["code"] == "kPa"


def test_glucose_keeps_digits_in_converted_units() -> None:
    def g(conc: Any, unit: GlucoseUnit) -> GlucoseMeasurement:
        return GlucoseMeasurement(
            7, GattDateTime(2026, 3, 1, 8, 0, 0), 0, conc, unit, 1, 1, None, False, NOW
        )

    (mass,) = observations_for(
        reading(g(Decimal("985E-6"), GlucoseUnit.KG_PER_L), characteristic="2a18"),
        patient_reference="Patient/1",
    )
    assert (
        str(mass["valueQuantity"]["value"]) == "98.5" and mass["valueQuantity"]["code"] == "mg/dL"
    )
    assert mass["code"]["coding"][0]["code"] == "2339-0"
    (molar,) = observations_for(
        reading(g(Decimal("0.0055"), GlucoseUnit.MOL_PER_L), characteristic="2a18"),
        patient_reference="Patient/1",
    )
    assert (
        str(molar["valueQuantity"]["value"]) == "5.5"
        and molar["code"]["coding"][0]["code"] == "15074-8"
    )
    (absent,) = observations_for(
        reading(g(SpecialValue.POSITIVE_INFINITY, GlucoseUnit.KG_PER_L), characteristic="2a18"),
        patient_reference="Patient/1",
    )
    assert absent["dataAbsentReason"]["coding"][0]["code"] == "positive-infinity"


def test_unsuccessful_weighing_is_data_absent() -> None:
    w = WeightMeasurement(WeightUnit.KG, None, True, None, None, None, None, HeightUnit.M, NOW)
    (obs,) = observations_for(reading(w, characteristic="2a9d"), patient_reference="Patient/1")
    assert obs["dataAbsentReason"]["coding"][0]["code"] == "unknown"


def test_cuff_pressure_is_not_stored() -> None:
    cuff = IntermediateCuffPressure(PressureUnit.MMHG, Decimal(100), None, None, None, None, NOW)
    with pytest.raises(Unmappable):
        observations_for(reading(cuff, characteristic="2a36"), patient_reference="Patient/1")


def test_device_resource_from_device_information() -> None:
    device = device_resource(IDENTITY, udi_carrier="(01)00888888888888(21)2024A0001")
    assert device["serialNumber"] == "2024A0001" and device["manufacturer"] == "Omron Healthcare"
    assert device["identifier"][0] == {
        "system": "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680",
        "value": "0011223344556677",
    }
    assert device["udiCarrier"][0]["carrierHRF"].startswith("(01)")
    assert device["modelNumber"] == "HEM-7600T"


def test_unit_is_an_idempotent_transaction_with_provenance() -> None:
    r = reading(bp(Decimal(120)))
    unit, observations = build_measurement_unit(
        [r], patient_reference="Patient/1", patient_key="RSSMRA80A01H501U", label="BP", now=NOW
    )
    again, _ = build_measurement_unit(
        [r], patient_reference="Patient/1", patient_key="RSSMRA80A01H501U", label="BP", now=NOW
    )
    assert unit.unit_id == again.unit_id and unit.bundle_json == again.bundle_json
    bundle = fhirjson.loads(unit.bundle_json)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Device", "DeviceUseStatement", "Observation", "Observation", "Provenance"]
    assert all(e["request"]["method"] == "PUT" for e in bundle["entry"])
    prov = bundle["entry"][-1]["resource"]
    assert prov["agent"][0]["role"][0]["coding"][0]["code"] == "device-bonded"
    offsets = [x for x in prov["extension"] if x["url"].endswith("device-clock-offset")]
    assert offsets[0]["valueQuantity"]["value"] == Decimal("12.5")
    assert len(observations) == 2
    unbonded, _ = build_measurement_unit(
        [reading(bp(Decimal(120)), bond=BondState.UNBONDED)],
        patient_reference="Patient/1",
        patient_key="k",
        label="BP",
        now=NOW,
    )
    assert b"device-unbonded" in unbonded.bundle_json
    # Same device and same device time stamp: the same measurement (a re-sent stored batch).
    assert unbonded.unit_id == unit.unit_id
    # Another reading stamped in the same second is another measurement.
    other_value, _ = build_measurement_unit(
        [reading(bp(Decimal(135)))],
        patient_reference="Patient/1",
        patient_key="k",
        label="BP",
        now=NOW,
    )
    assert other_value.unit_id != unit.unit_id
    other_patient, _ = build_measurement_unit(
        [r], patient_reference="Patient/2", patient_key="k2", label="BP", now=NOW
    )
    assert other_patient.unit_id != unit.unit_id
