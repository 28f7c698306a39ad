"""Pharmacy point-of-care: identify the patient, consent, measure, send, print a receipt.

A pharmacist measures a patient in the pharmacy (periodic telemonitoring, DGR XII/1475 §4.3):
readings come from a device or are typed in (manual fallback), are checked for plausibility,
and leave as one unit of work of ``Observation`` resources (vital-signs, LOINC + UCUM, a blood
pressure pair as the 85354-9 panel) with the pharmacist as performer. The patient gets a PDF
receipt of what was measured and sent.

Thread affinity: core loop for the coroutines; :func:`receipt_pdf` is pure (run it in a thread
for large receipts).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from app.domain.outbox import OutboxUnit, OutboxWriter, UnitKind
from app.domain.telemonitoring import Parameter, Provenance, Reading
from app.domain.workflows import ConsentKind, PatientMatch, WorkflowError
from app.services.clinical_data import Clock, conditional_create, make_unit, utc_now
from app.services.patients import PatientService

ID_SYSTEM = "urn:ietf:rfc:3986"
MDC_SYSTEM = "urn:iso:std:iso:11073:10101"
ITALY = ZoneInfo("Europe/Rome")

#: Plausibility limits for typed-in values (wide: they catch typing errors, not disease).
PLAUSIBLE: dict[Parameter, tuple[float, float]] = {
    Parameter.SYSTOLIC_BP: (50, 300),
    Parameter.DIASTOLIC_BP: (20, 200),
    Parameter.HEART_RATE: (20, 250),
    Parameter.SPO2: (50, 100),
    Parameter.WEIGHT: (1, 400),
    Parameter.GLUCOSE: (10, 800),
    Parameter.TEMPERATURE: (30, 45),
    Parameter.RESPIRATORY_RATE: (4, 80),
}

_MDC = {
    Parameter.SYSTOLIC_BP: ("150021", "MDC_PRESS_BLD_NONINV_SYS"),
    Parameter.DIASTOLIC_BP: ("150022", "MDC_PRESS_BLD_NONINV_DIA"),
    Parameter.HEART_RATE: ("147842", "MDC_ECG_HEART_RATE"),
    Parameter.SPO2: ("150456", "MDC_PULS_OXIM_SAT_O2"),
    Parameter.WEIGHT: ("188736", "MDC_MASS_BODY_ACTUAL"),
    Parameter.GLUCOSE: ("160184", "MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD"),
    Parameter.TEMPERATURE: ("150364", "MDC_TEMP_BODY"),
    Parameter.RESPIRATORY_RATE: ("151562", "MDC_RESP_RATE"),
}


class ImplausibleReading(WorkflowError):
    """A typed-in value outside the plausibility limits; ``parameter`` says which."""

    def __init__(self, parameter: Parameter) -> None:
        low, high = PLAUSIBLE[parameter]
        super().__init__(f"{parameter.label}: outside {low:g}..{high:g} {parameter.ucum_unit}")
        self.parameter = parameter


class ConsentMissing(WorkflowError):
    """Point-of-care telemonitoring needs the patient's consent first."""


@dataclass(frozen=True, slots=True)
class PointOfCareResult:
    """What was measured and sent (the unit id is printed on the receipt).

    Typed-in readings come with their ``unit`` and ``readings``; a device measurement (filed by
    the device service) with ``device_name`` and ``device_values`` (label, value, unit as the
    device sent them).
    """

    unit_id: str
    patient: PatientMatch
    measured_at_utc: datetime
    readings: tuple[Reading, ...] = ()
    unit: OutboxUnit | None = None
    device_name: str | None = None
    device_values: tuple[tuple[str, str, str], ...] = ()


class DeviceMeasurer(Protocol):
    """The part of :class:`app.services.devices.DeviceService` the pharmacy flow uses."""

    async def measure(self, address: str, *, timeout_s: float = 60.0) -> Any: ...

    async def confirm(self, measurement_id: str, patient: Any) -> Any: ...


def check_plausible(readings: Sequence[Reading]) -> None:
    for r in readings:
        low, high = PLAUSIBLE[r.parameter]
        if not low <= r.value <= high:
            raise ImplausibleReading(r.parameter)


def _quantity(parameter: Parameter, value: float) -> dict[str, Any]:
    return {
        "value": Decimal(repr(value)).normalize() if value != int(value) else int(value),
        "unit": {"mm[Hg]": "mmHg", "Cel": "°C"}.get(parameter.ucum_unit, parameter.ucum_unit),
        "system": "http://unitsofmeasure.org",
        "code": parameter.ucum_unit,
    }


def _codings(parameter: Parameter) -> list[dict[str, str]]:
    code, name = _MDC[parameter]
    return [
        {"system": "http://loinc.org", "code": parameter.loinc, "display": parameter.label},
        {"system": MDC_SYSTEM, "code": code, "display": name},
    ]


def observations(
    *,
    unit_id: uuid.UUID,
    patient_id: str,
    performer_ref: str,
    readings: Sequence[Reading],
) -> list[dict[str, Any]]:
    """Transaction entries (conditional creates) of the readings; a BP pair becomes a panel."""
    entries: list[dict[str, Any]] = []
    by_param = {r.parameter: r for r in readings}
    bp = (by_param.get(Parameter.SYSTOLIC_BP), by_param.get(Parameter.DIASTOLIC_BP))
    rest = [
        r
        for r in readings
        if r.parameter not in (Parameter.SYSTOLIC_BP, Parameter.DIASTOLIC_BP) or None in bp
    ]

    def base(index: int, when: datetime, device_id: str | None) -> tuple[str, dict[str, Any]]:
        ident = f"urn:uuid:{uuid.uuid5(unit_id, f'obs-{index}')}"
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "identifier": [{"system": ID_SYSTEM, "value": ident}],
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "vital-signs",
                            "display": "Vital Signs",
                        }
                    ]
                }
            ],
            "subject": {"reference": f"Patient/{patient_id}"},
            "effectiveDateTime": when.isoformat(),
            "performer": [{"reference": performer_ref}],
        }
        if device_id:
            obs["device"] = {"reference": f"Device/{device_id}"}
        return ident, obs

    index = 0
    if None not in bp:
        sbp, dbp = bp
        assert sbp is not None and dbp is not None
        ident, obs = base(index, sbp.time_utc, sbp.device_id)
        obs["code"] = {
            "coding": [
                {
                    "system": "http://loinc.org",
                    "code": "85354-9",
                    "display": "Blood pressure panel with all children optional",
                },
                {"system": MDC_SYSTEM, "code": "150020", "display": "MDC_PRESS_BLD_NONINV"},
            ]
        }
        obs["component"] = [
            {
                "code": {"coding": _codings(r.parameter)},
                "valueQuantity": _quantity(r.parameter, r.value),
            }
            for r in (sbp, dbp)
        ]
        entries.append(conditional_create(obs, full_url=ident, system=ID_SYSTEM, value=ident))
        index += 1
    for r in rest:
        ident, obs = base(index, r.time_utc, r.device_id)
        obs["code"] = {"coding": _codings(r.parameter)}
        obs["valueQuantity"] = _quantity(r.parameter, r.value)
        entries.append(conditional_create(obs, full_url=ident, system=ID_SYSTEM, value=ident))
        index += 1
    return entries


class PharmacyService:
    """The point-of-care flow over the patient service and the outbox."""

    def __init__(
        self, patients: PatientService, writer: OutboxWriter, *, clock: Clock = utc_now
    ) -> None:
        self._patients = patients
        self._writer = writer
        self._clock = clock

    async def measure_and_send(
        self,
        patient: PatientMatch,
        readings: Sequence[Reading],
        *,
        pharmacist_ref: str,
        consent_on_record: bool,
        unit_id: uuid.UUID | None = None,
    ) -> PointOfCareResult:
        """Check consent and plausibility, then enqueue the Observations as one unit.

        Raises :class:`ConsentMissing`, :class:`ImplausibleReading`, or :class:`WorkflowError`
        when there is nothing to send.
        """
        if not consent_on_record:
            raise ConsentMissing("record the patient's consent before measuring")
        if not readings:
            raise WorkflowError("no reading to send")
        manual = [r for r in readings if r.provenance is Provenance.MANUAL]
        check_plausible(manual or readings)
        uid = unit_id or uuid.uuid4()
        unit = make_unit(
            unit_id=uid,
            kind=UnitKind.MEASUREMENT,
            patient_key=patient.patient_id,
            entries=observations(
                unit_id=uid,
                patient_id=patient.patient_id,
                performer_ref=pharmacist_ref,
                readings=readings,
            ),
            label="Misurazione in farmacia",
        )
        await self._writer.enqueue(unit)
        return PointOfCareResult(
            unit_id=str(uid),
            patient=patient,
            measured_at_utc=self._clock(),
            readings=tuple(readings),
            unit=unit,
        )

    async def measure_with_device(
        self,
        patient: PatientMatch,
        devices: DeviceMeasurer,
        address: str,
        *,
        consent_on_record: bool,
        timeout_s: float = 60.0,
    ) -> PointOfCareResult:
        """Take the next measurement of a paired device and file it under ``patient``.

        The device service writes Device, DeviceUseStatement, Observations and Provenance as
        one outbox unit (device identity, bond state and clock offset kept). Raises
        :class:`ConsentMissing`, or the device service's ``DeviceFailure``.
        """
        from app.services.devices import PatientChoice

        if not consent_on_record:
            raise ConsentMissing("record the patient's consent before measuring")
        pending = await devices.measure(address, timeout_s=timeout_s)
        saved = await devices.confirm(
            pending.measurement_id,
            PatientChoice(
                f"Patient/{patient.patient_id}", patient.patient_id, patient.display_name
            ),
        )
        return PointOfCareResult(
            unit_id=str(saved.unit_id),
            patient=patient,
            measured_at_utc=pending.measured_at_utc,
            device_name=pending.device_name,
            device_values=tuple((v.label, v.value, v.unit) for v in pending.values),
        )

    async def record_consents(self, patient: PatientMatch, *, pharmacist_ref: str) -> None:
        """Record both consents (informed and telemedicine) collected at the counter."""
        for kind in (ConsentKind.INFORMED, ConsentKind.TELEMEDICINE):
            await self._patients.record_consent(
                patient.patient_id, kind, practitioner_ref=pharmacist_ref
            )


def receipt_pdf(
    result: PointOfCareResult,
    *,
    pharmacist_name: str,
    pharmacy_name: str,
    lines: Sequence[tuple[str, str]],
) -> bytes:
    """An A5 receipt: who, when, what was measured (``lines`` = (label, value) as shown).

    The labels and values come already formatted (and translated) from the caller.
    """
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A5,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="Ricevuta di misurazione",
        author=pharmacist_name,
    )
    styles = getSampleStyleSheet()
    when = result.measured_at_utc.astimezone(ITALY).strftime("%d/%m/%Y %H:%M")
    story: list[Any] = [
        Paragraph("Ricevuta di misurazione - telemonitoraggio in farmacia", styles["Heading2"]),
        Paragraph(escape(pharmacy_name), styles["BodyText"]),
        Spacer(1, 3 * mm),
        Table(
            [
                ["Assistito", result.patient.display_name],
                ["Data e ora", when],
                ["Farmacista", pharmacist_name],
                *([["Dispositivo", result.device_name]] if result.device_name else []),
            ]
        ),
        Spacer(1, 3 * mm),
        Table([[label, value] for label, value in lines]),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                "Dati trasmessi all'Infrastruttura Regionale di Telemedicina. "
                f"Riferimento: {result.unit_id}"
            ),
            styles["BodyText"],
        ),
    ]
    doc.build(story)
    return buf.getvalue()
