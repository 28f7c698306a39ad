"""Outbox units of the telemonitoring area: readings (with their Provenance and raised alerts) and
alert acknowledgements, built at capture time per DESIGN §4.

A reading is one transaction: the Observation (``POST`` with ``ifNoneExist`` on its client
identifier), a Provenance (``PUT`` with a client id: Provenance has no identifier in R4) saying who
or what produced it, and a Flag per alert it raised (``PUT Flag/alert-<id>``: client ids keep the
resend idempotent). An acknowledgement is a JSON merge patch applied with ``If-Match``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.backend import fhirjson
from app.domain.outbox import OutboxUnit, ResourceUpdate, UnitKind
from app.domain.telemonitoring import Alert, Provenance, Reading
from app.services.alerts import alert_to_flag, display_unit

CLIENT_ID_SYSTEM = "urn:ietf:rfc:3986"
_VITAL_SIGNS = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "vital-signs",
            "display": "Vital Signs",
        }
    ]
}
# Provenance.activity / agent type codes (HL7 v3 DataOperation, provenance-participant-type).
_ACTIVITY = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
    "code": "CREATE",
}
_AGENT_TYPE = {
    Provenance.MANUAL: "enterer",
    Provenance.DEVICE_BONDED: "performer",
    Provenance.DEVICE_UNBONDED: "performer",
    Provenance.THIRD_PARTY: "assembler",
}


def flag_id(alert: Alert) -> str:
    """The server id of the Flag for ``alert`` (the synced one, or the client id we PUT)."""
    return alert.resource_id or f"alert-{alert.id}"


def reading_observation(
    patient_id: str, reading: Reading, *, performer_reference: str | None
) -> dict[str, Any]:
    """FHIR R4 Observation (vital signs) for ``reading``; ``reading.observation_id`` must be set.

    The value keeps the digits it was entered with (``Decimal(repr(float))``).
    """
    if not reading.observation_id:
        raise ValueError("reading has no client observation id")
    p = reading.parameter
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [{"system": CLIENT_ID_SYSTEM, "value": f"urn:uuid:{reading.observation_id}"}],
        "status": "final",
        "category": [_VITAL_SIGNS],
        "code": {"coding": [{"system": "http://loinc.org", "code": p.loinc, "display": p.label}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": reading.time_utc.isoformat(),
        "valueQuantity": {
            "value": Decimal(repr(reading.value)),
            "unit": display_unit(p.ucum_unit),
            "system": "http://unitsofmeasure.org",
            "code": p.ucum_unit,
        },
    }
    if performer_reference:
        obs["performer"] = [{"reference": performer_reference}]
    if reading.device_id:
        obs["device"] = {"reference": f"Device/{reading.device_id}"}
    return obs


def reading_unit(
    patient_id: str,
    reading: Reading,
    raised: list[Alert],
    *,
    author_reference: str | None,
    recorded_utc: datetime,
) -> OutboxUnit:
    """The unit that sends ``reading`` (and the alerts it raised) exactly once."""
    obs = reading_observation(patient_id, reading, performer_reference=author_reference)
    obs_urn = f"urn:uuid:{reading.observation_id}"
    provenance_id = str(uuid.uuid5(uuid.NAMESPACE_URL, obs_urn))
    agent_who = author_reference or (
        f"Device/{reading.device_id}" if reading.device_id else f"Patient/{patient_id}"
    )
    provenance = {
        "resourceType": "Provenance",
        "id": provenance_id,
        "target": [{"reference": obs_urn}],
        "recorded": recorded_utc.isoformat(),
        "activity": {"coding": [_ACTIVITY]},
        "agent": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                            "code": _AGENT_TYPE[reading.provenance],
                        }
                    ]
                },
                "who": {"reference": agent_who},
            }
        ],
        # Level 0 (manual) vs level 1 (bonded device) is what the clinician reads on the trend.
        "reason": [{"text": reading.provenance.value}],
    }
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": obs_urn,
            "resource": obs,
            "request": {
                "method": "POST",
                "url": "Observation",
                "ifNoneExist": f"identifier={CLIENT_ID_SYSTEM}|{obs_urn}",
            },
        },
        {
            "fullUrl": f"urn:uuid:{provenance_id}",
            "resource": provenance,
            "request": {"method": "PUT", "url": f"Provenance/{provenance_id}"},
        },
    ]
    entries.extend(_flag_entry(alert, author_reference) for alert in raised)
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    return OutboxUnit(
        unit_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{obs_urn}#unit"),
        kind=UnitKind.MEASUREMENT,
        patient_key=patient_id,
        bundle_json=fhirjson.dumps(bundle),
        label=reading.parameter.label,
        created_at_utc=recorded_utc,
    )


def _flag_entry(alert: Alert, author_reference: str | None) -> dict[str, Any]:
    flag = alert_to_flag(alert, author_reference=author_reference)
    return {
        "fullUrl": f"urn:uuid:{alert.id}",
        "resource": flag,
        "request": {"method": "PUT", "url": f"Flag/{flag['id']}"},
    }


def alerts_unit(
    patient_id: str, raised: list[Alert], *, author_reference: str | None, recorded_utc: datetime
) -> OutboxUnit:
    """The unit that sends Flags raised by readings another unit already carries (devices)."""
    if not raised:
        raise ValueError("no alerts to send")
    entries = [_flag_entry(alert, author_reference) for alert in raised]
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    key = ",".join(sorted(a.id for a in raised))
    return OutboxUnit(
        unit_id=uuid.uuid5(uuid.NAMESPACE_URL, f"urn:telemed:alerts:{patient_id}:{key}"),
        kind=UnitKind.MEASUREMENT,
        patient_key=patient_id,
        bundle_json=fhirjson.dumps(bundle),
        label="Telemonitoring alert",
        created_at_utc=recorded_utc,
    )


def acknowledgement_unit(
    alert: Alert, *, practitioner_reference: str, at_utc: datetime
) -> OutboxUnit:
    """The unit that marks ``alert``'s Flag inactive with ``If-Match`` (412: refetch, re-apply)."""
    patch: dict[str, Any] = {
        "status": "inactive",
        "period": {"start": alert.raised_at_utc.isoformat(), "end": at_utc.isoformat()},
        "author": {"reference": practitioner_reference},
    }
    if_match = f'W/"{alert.version_id}"' if alert.version_id else None
    update = ResourceUpdate("Flag", flag_id(alert), patch, if_match=if_match)
    empty = {"resourceType": "Bundle", "type": "transaction", "entry": []}
    return OutboxUnit(
        unit_id=uuid.uuid4(),
        kind=UnitKind.MEASUREMENT,
        patient_key=alert.patient_id,
        bundle_json=fhirjson.dumps(empty),
        updates=(update,),
        label="Alert acknowledgement",
        created_at_utc=at_utc,
    )
