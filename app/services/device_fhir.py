"""Device readings -> FHIR R4: Device, DeviceUseStatement, Observation, Provenance.

Codes follow the HL7 Personal Health Device IG (DESIGN §4): every Observation carries the
LOINC vital-signs code and the IEEE 11073-10101 MDC code, UCUM units, the value with the digits
the device sent (``Decimal`` all the way, written verbatim by ``app.backend.fhirjson``), a
``dataAbsentReason`` for IEEE 11073 special values (NaN, NRes, +INF, -INF), the device
reference and the measured time corrected for the device clock offset. A Provenance records
where the reading came from: a bonded or unbonded device link, or manual entry, with the
transport and the clock offset.

Resource ids are name-based UUIDs (RFC 4122 v5) of what identifies the reading (device,
characteristic, sequence number or device time), so capturing the same reading twice - a
resumed RACP download, a retried confirmation - writes the same ids and the server keeps one
copy (PUT with client ids, DESIGN §4).

Pure functions; any thread.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.backend import fhirjson
from app.domain.outbox import OutboxUnit, UnitKind
from devices.blood_pressure.parser import BloodPressureMeasurement, PressureUnit
from devices.glucose.parser import GlucoseMeasurement, GlucoseMeasurementContext, GlucoseUnit
from devices.heart_rate.parser import HeartRateMeasurement
from devices.ieee11073 import Measurement, SpecialValue
from devices.pulse_oximeter.parser import PlxContinuousMeasurement, PlxSpotCheckMeasurement
from devices.session import BondState, DeviceIdentity, DeviceReading
from devices.thermometer.parser import TemperatureMeasurement, TemperatureUnit
from devices.weight_scale.parser import (
    BodyCompositionMeasurement,
    MiScaleAdvertisement,
    WeightMeasurement,
    WeightUnit,
)

__all__ = [
    "EUI64_SYSTEM",
    "READING_SOURCE_SYSTEM",
    "Code",
    "ReadingSource",
    "Unmappable",
    "build_measurement_unit",
    "device_id",
    "device_resource",
    "device_use_statement",
    "observations_for",
    "provenance",
]

LOINC = "http://loinc.org"
MDC = "urn:iso:std:iso:11073:10101"
UCUM = "http://unitsofmeasure.org"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
#: PHD IG: the IEEE EUI-64 system id of a personal health device.
EUI64_SYSTEM = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680"
DEVICE_KEY_SYSTEM = "https://telemed-workstation.example/fhir/sid/device-key"
READING_SOURCE_SYSTEM = "https://telemed-workstation.example/fhir/CodeSystem/reading-source"
CLOCK_OFFSET_EXT = (
    "https://telemed-workstation.example/fhir/StructureDefinition/device-clock-offset"
)
TRANSPORT_EXT = "https://telemed-workstation.example/fhir/StructureDefinition/device-transport"
_NS = uuid.UUID("6f1c3d1e-8a4b-5c7d-9e0f-a1b2c3d4e5f6")


class Unmappable(ValueError):
    """The reading has no FHIR mapping (e.g. an intermediate cuff pressure)."""


class ReadingSource:
    """Provenance codes of a reading."""

    DEVICE_BONDED = "device-bonded"
    DEVICE_UNBONDED = "device-unbonded"
    MANUAL_ENTRY = "manual-entry"


@dataclass(frozen=True, slots=True)
class Code:
    """LOINC + MDC code pair with display texts."""

    loinc: str
    loinc_display: str
    mdc: str
    mdc_display: str

    def concept(self, *, extra_loinc: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
        coding = [
            {"system": LOINC, "code": c, "display": d}
            for c, d in ((self.loinc, self.loinc_display), *extra_loinc)
        ]
        coding.append({"system": MDC, "code": self.mdc, "display": self.mdc_display})
        return {"coding": coding, "text": self.loinc_display}


BP_PANEL = Code(
    "85354-9", "Blood pressure panel with all children optional", "150020", "MDC_PRESS_BLD_NONINV"
)
SYSTOLIC = Code("8480-6", "Systolic blood pressure", "150021", "MDC_PRESS_BLD_NONINV_SYS")
DIASTOLIC = Code("8462-4", "Diastolic blood pressure", "150022", "MDC_PRESS_BLD_NONINV_DIA")
MEAN_BP = Code("8478-0", "Mean blood pressure", "150023", "MDC_PRESS_BLD_NONINV_MEAN")
PULSE_NIBP = Code("8867-4", "Heart rate", "149546", "MDC_PULS_RATE_NON_INV")
PULSE_OXIM = Code("8867-4", "Heart rate", "149530", "MDC_PULS_OXIM_PULS_RATE")
SPO2 = Code(
    "59408-5",
    "Oxygen saturation in Arterial blood by Pulse oximetry",
    "150456",
    "MDC_PULS_OXIM_SAT_O2",
)
SPO2_EXTRA = (("2708-6", "Oxygen saturation in Arterial blood"),)
BODY_TEMP = Code("8310-5", "Body temperature", "150364", "MDC_TEMP_BODY")
BODY_WEIGHT = Code("29463-7", "Body weight", "188736", "MDC_MASS_BODY_ACTUAL")
BODY_FAT = Code("41982-0", "Percentage of body fat Measured", "188748", "MDC_BODY_FAT")
GLUCOSE_MASS = Code(
    "2339-0", "Glucose [Mass/volume] in Blood", "160184", "MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD"
)
GLUCOSE_MOLAR = Code(
    "15074-8", "Glucose [Moles/volume] in Blood", "160184", "MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD"
)
HEART_RATE = Code("8867-4", "Heart rate", "147842", "MDC_ECG_HEART_RATE")

_PRESSURE_UNITS = {PressureUnit.MMHG: ("mmHg", "mm[Hg]"), PressureUnit.KPA: ("kPa", "kPa")}
_TEMP_UNITS = {TemperatureUnit.CELSIUS: ("°C", "Cel"), TemperatureUnit.FAHRENHEIT: ("°F", "[degF]")}
_MASS_UNITS = {WeightUnit.KG: ("kg", "kg"), WeightUnit.LB: ("lb", "[lb_av]")}


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_NS, "|".join(str(p) for p in parts)))


def device_id(identity: DeviceIdentity) -> str:
    """Client id of the Device resource (stable for one physical device)."""
    return _uuid("device", identity.key)


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def device_resource(identity: DeviceIdentity, *, udi_carrier: str | None = None) -> dict[str, Any]:
    """FHIR Device from Device Information (+ UDI when scanned from the label)."""
    identifiers: list[dict[str, Any]] = []
    if identity.system_id:
        identifiers.append({"system": EUI64_SYSTEM, "value": identity.system_id})
    # Manufacturer|model|serial (or the Bluetooth address when the device has no serial).
    identifiers.append({"system": DEVICE_KEY_SYSTEM, "value": identity.key})
    resource: dict[str, Any] = {
        "resourceType": "Device",
        "id": device_id(identity),
        "identifier": identifiers,
        "status": "active",
    }
    udi = identity.udi
    if udi_carrier or (udi is not None and (udi.label or udi.device_identifier)):
        carrier: dict[str, Any] = {}
        if udi is not None and udi.device_identifier:
            carrier["deviceIdentifier"] = udi.device_identifier
        if udi is not None and udi.issuer and ":" in udi.issuer:  # FHIR wants a URI here
            carrier["issuer"] = udi.issuer
        if udi is not None and udi.authority and ":" in udi.authority:
            carrier["jurisdiction"] = udi.authority
        label = udi_carrier or (udi.label if udi is not None else None)
        if label:
            carrier["carrierHRF"] = label
        # Read from the device itself (0x2BFF), or scanned/typed from its label.
        carrier["entryType"] = "manual" if udi_carrier else "self-reported"
        resource["udiCarrier"] = [carrier]
    if identity.manufacturer:
        resource["manufacturer"] = identity.manufacturer
    names = [n for n in (identity.display_name, identity.name) if n]
    if names:
        resource["deviceName"] = [
            {
                "name": names[0],
                "type": "model-name" if identity.display_name else "user-friendly-name",
            }
        ]
    if identity.model_number:
        resource["modelNumber"] = identity.model_number
    if identity.serial_number:
        resource["serialNumber"] = identity.serial_number
    if identity.firmware_revision:
        resource["version"] = [
            {"type": {"text": "firmware-revision"}, "value": identity.firmware_revision}
        ]
    return resource


def device_use_statement(
    identity: DeviceIdentity, *, patient_reference: str, recorded_on: datetime
) -> dict[str, Any]:
    """DeviceUseStatement associating the device with the patient (one per pair)."""
    return {
        "resourceType": "DeviceUseStatement",
        "id": _uuid("device-use", identity.key, patient_reference),
        "status": "active",
        "subject": {"reference": patient_reference},
        "device": {"reference": f"Device/{device_id(identity)}"},
        "recordedOn": _instant(recorded_on),
    }


def _value(
    target: dict[str, Any], value: Measurement | Decimal | int | None, unit: tuple[str, str]
) -> None:
    """valueQuantity with the device's digits, or dataAbsentReason for special values."""
    if value is None:
        target["dataAbsentReason"] = {"coding": [{"system": DATA_ABSENT, "code": "unknown"}]}
    elif isinstance(value, SpecialValue):
        target["dataAbsentReason"] = {
            "coding": [{"system": DATA_ABSENT, "code": value.fhir_data_absent_reason}],
            "text": value.label,
        }
    else:
        number = value if isinstance(value, Decimal) else Decimal(value)
        target["valueQuantity"] = {
            "value": number,
            "unit": unit[0],
            "system": UCUM,
            "code": unit[1],
        }


def _observation(
    reading: DeviceReading,
    *,
    key: str,
    code: Code,
    patient_reference: str,
    extra_loinc: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    effective = reading.measured_at_utc or reading.received_at_utc
    return {
        "resourceType": "Observation",
        "id": _uuid(
            "obs",
            patient_reference,
            reading.identity.key,
            reading.characteristic,
            _reading_key(reading),
            key,
        ),
        "status": "final",
        "category": [
            {"coding": [{"system": OBS_CATEGORY, "code": "vital-signs", "display": "Vital Signs"}]}
        ],
        "code": code.concept(extra_loinc=extra_loinc),
        "subject": {"reference": patient_reference},
        "effectiveDateTime": _instant(effective),
        "device": {"reference": f"Device/{device_id(reading.identity)}"},
    }


def _reading_key(reading: DeviceReading) -> str:
    """What makes a reading unique on its device: the record sequence number (glucose), or the
    device time stamp together with the decoded content (a stored reading re-sent by the
    device gets the same key; two readings stamped in the same second do not), else the
    arrival."""
    value = reading.value
    if isinstance(value, GlucoseMeasurement):
        return f"seq{value.sequence_number}@{value.base_time.isoformat()}"
    stamp = getattr(value, "timestamp", None)
    if stamp is not None and hasattr(stamp, "isoformat"):
        content = value
        if dataclasses.is_dataclass(value) and hasattr(value, "received_at"):
            content = dataclasses.replace(value, received_at=_EPOCH)  # type: ignore[type-var]
        digest = hashlib.sha256(repr(content).encode()).hexdigest()[:16]
        return f"t{stamp.isoformat()}#{digest}"
    return f"r{reading.received_monotonic_ns}@{_instant(reading.received_at_utc)}"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _glucose_value(value: GlucoseMeasurement) -> tuple[Code, Measurement | None, tuple[str, str]]:
    concentration = value.concentration
    if value.unit is GlucoseUnit.MOL_PER_L:
        if isinstance(concentration, Decimal):
            concentration = concentration.scaleb(3)  # mol/L -> mmol/L, digits kept
        return GLUCOSE_MOLAR, concentration, ("mmol/L", "mmol/L")
    if isinstance(concentration, Decimal):
        concentration = concentration.scaleb(5)  # kg/L -> mg/dL, digits kept
    return GLUCOSE_MASS, concentration, ("mg/dL", "mg/dL")


#: GLS meal values (Glucose Measurement Context) -> IEEE 11073-10417 MDC codes (partition
#: PHD_DM 128: context-free code = 128 * 65536 + term code).
MEAL_CONTEXT = Code("", "", "8417864", "MDC_CTXT_GLU_MEAL")
MEALS = {
    1: ("8417868", "MDC_CTXT_GLU_MEAL_PREPRANDIAL"),
    2: ("8417872", "MDC_CTXT_GLU_MEAL_POSTPRANDIAL"),
    3: ("8417876", "MDC_CTXT_GLU_MEAL_FASTING"),
    4: ("8417880", "MDC_CTXT_GLU_MEAL_CASUAL"),
    5: ("8417908", "MDC_CTXT_GLU_MEAL_BEDTIME"),
}


def _meal_component(context: GlucoseMeasurementContext | None) -> dict[str, Any] | None:
    if context is None or context.meal not in MEALS:
        return None
    code, display = MEALS[context.meal]
    return {
        "code": {
            "coding": [
                {"system": MDC, "code": MEAL_CONTEXT.mdc, "display": MEAL_CONTEXT.mdc_display}
            ]
        },
        "valueCodeableConcept": {"coding": [{"system": MDC, "code": code, "display": display}]},
    }


def observations_for(
    reading: DeviceReading,
    *,
    patient_reference: str,
    context: GlucoseMeasurementContext | None = None,
) -> list[dict[str, Any]]:
    """The Observations of one reading (BP panel + pulse, SpO2 + pulse, ...).

    Raises :class:`Unmappable` for readings that are not stored (cuff pressure, RACP)."""
    value = reading.value
    obs: list[dict[str, Any]] = []

    def single(
        key: str,
        code: Code,
        v: Measurement | Decimal | int | None,
        unit: tuple[str, str],
        **kw: Any,
    ) -> None:
        o = _observation(reading, key=key, code=code, patient_reference=patient_reference, **kw)
        _value(o, v, unit)
        obs.append(o)

    if isinstance(value, BloodPressureMeasurement):
        unit = _PRESSURE_UNITS[value.unit]
        panel = _observation(reading, key="bp", code=BP_PANEL, patient_reference=patient_reference)
        components = []
        for code, v in (
            (SYSTOLIC, value.systolic),
            (DIASTOLIC, value.diastolic),
            (MEAN_BP, value.mean_arterial),
        ):
            component: dict[str, Any] = {"code": code.concept()}
            _value(component, v, unit)
            components.append(component)
        panel["component"] = components
        obs.append(panel)
        if value.pulse_rate_bpm is not None:
            single("pulse", PULSE_NIBP, value.pulse_rate_bpm, ("/min", "/min"))
    elif isinstance(value, PlxSpotCheckMeasurement | PlxContinuousMeasurement):
        single("spo2", SPO2, value.spo2_pct, ("%", "%"), extra_loinc=SPO2_EXTRA)
        single("pulse", PULSE_OXIM, value.pulse_rate_bpm, ("/min", "/min"))
    elif isinstance(value, TemperatureMeasurement):
        single("temp", BODY_TEMP, value.temperature, _TEMP_UNITS[value.unit])
    elif isinstance(value, MiScaleAdvertisement):
        single("weight", BODY_WEIGHT, value.weight, _MASS_UNITS[value.unit])
    elif isinstance(value, WeightMeasurement):
        single(
            "weight",
            BODY_WEIGHT,
            None if value.measurement_unsuccessful else value.weight,
            _MASS_UNITS[value.unit],
        )
    elif isinstance(value, BodyCompositionMeasurement):
        single(
            "fat",
            BODY_FAT,
            None if value.measurement_unsuccessful else value.body_fat_pct,
            ("%", "%"),
        )
        if value.weight is not None:
            single("weight", BODY_WEIGHT, value.weight, _MASS_UNITS[value.unit])
    elif isinstance(value, GlucoseMeasurement):
        glucose_code, concentration, glucose_unit = _glucose_value(value)
        single("glucose", glucose_code, concentration, glucose_unit)
        meal = _meal_component(context)
        if meal is not None:
            # The meal the reading relates to (GLS Glucose Measurement Context) travels with it.
            obs[-1]["component"] = [meal]
    elif isinstance(value, HeartRateMeasurement):
        single("hr", HEART_RATE, value.heart_rate_bpm, ("/min", "/min"))
    else:
        raise Unmappable(f"no FHIR mapping for {type(value).__name__}")
    return obs


def provenance(
    targets: Sequence[Mapping[str, Any]],
    *,
    source: str,
    recorded: datetime,
    device_reference: str | None,
    transport: str | None = None,
    clock_offset_s: float | None = None,
) -> dict[str, Any]:
    """Provenance of Observations: who (device or manual entry), how (bonded link,
    transport) and the device clock offset that was applied."""
    ids = sorted(str(t["id"]) for t in targets)
    agent: dict[str, Any] = {
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "code": "device" if device_reference else "enterer",
                }
            ]
        },
        "role": [{"coding": [{"system": READING_SOURCE_SYSTEM, "code": source}]}],
    }
    if device_reference:
        agent["who"] = {"reference": device_reference}
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "id": _uuid("prov", *ids),
        "target": [{"reference": f"{t['resourceType']}/{t['id']}"} for t in targets],
        "recorded": _instant(recorded),
        "agent": [agent],
    }
    extensions: list[dict[str, Any]] = []
    if transport:
        extensions.append({"url": TRANSPORT_EXT, "valueCode": transport})
    if clock_offset_s is not None:
        extensions.append(
            {
                "url": CLOCK_OFFSET_EXT,
                "valueQuantity": {
                    "value": Decimal(str(round(clock_offset_s, 3))),
                    "unit": "s",
                    "system": UCUM,
                    "code": "s",
                },
            }
        )
    if extensions:
        resource["extension"] = extensions
    return resource


def _put(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{resource['id']}",
        "resource": resource,
        "request": {"method": "PUT", "url": f"{resource['resourceType']}/{resource['id']}"},
    }


def build_measurement_unit(
    readings: Sequence[DeviceReading],
    *,
    patient_reference: str,
    patient_key: str,
    label: str,
    udi_carrier: str | None = None,
    now: datetime | None = None,
    contexts: Mapping[int, GlucoseMeasurementContext] | None = None,
) -> tuple[OutboxUnit, list[dict[str, Any]]]:
    """One outbox unit for readings of one device: Device, DeviceUseStatement, the
    Observations and their Provenance, all PUT with client ids. Returns the unit and the
    Observations. Raises :class:`Unmappable` if no reading maps to an Observation."""
    if not readings:
        raise Unmappable("no readings")
    recorded = now or datetime.now(UTC)
    identity = readings[0].identity
    observations: list[dict[str, Any]] = []
    for reading in readings:
        try:
            context = (
                (contexts or {}).get(reading.value.sequence_number)
                if isinstance(reading.value, GlucoseMeasurement)
                else None
            )
            observations.extend(
                observations_for(reading, patient_reference=patient_reference, context=context)
            )
        except Unmappable:
            continue
    if not observations:
        raise Unmappable("none of the readings maps to an Observation")
    first = readings[0]
    source = (
        ReadingSource.DEVICE_BONDED
        if first.bond_state is BondState.BONDED
        else ReadingSource.DEVICE_UNBONDED
    )
    resources: list[dict[str, Any]] = [
        device_resource(identity, udi_carrier=udi_carrier),
        device_use_statement(identity, patient_reference=patient_reference, recorded_on=recorded),
        *observations,
        provenance(
            observations,
            source=source,
            recorded=recorded,
            device_reference=f"Device/{device_id(identity)}",
            transport=first.transport,
            clock_offset_s=first.clock_offset_s,
        ),
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [_put(r) for r in resources],
    }
    unit = OutboxUnit(
        # Observation ids already name the patient, the device and the reading.
        unit_id=uuid.UUID(_uuid("unit", *sorted(o["id"] for o in observations))),
        kind=UnitKind.MEASUREMENT,
        patient_key=patient_key,
        bundle_json=fhirjson.dumps(bundle),
        label=label,
        created_at_utc=recorded,
    )
    return unit, observations
