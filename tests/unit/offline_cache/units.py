"""Builders of outbox units for the offline_cache and sync tests."""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.domain.outbox import BinaryAttachment, OutboxUnit, ResourceUpdate, UnitKind

CF_SYSTEM = "http://hl7.it/sid/codiceFiscale"
OBS_SYSTEM = "urn:telemed:test:observation"


def measurement_bundle(*, identifier: str, patient_cf: str, value: str = "120") -> bytes:
    """A transaction: conditional Patient + conditional Observation (both idempotent)."""
    patient_urn = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, patient_cf)}"
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": patient_urn,
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": CF_SYSTEM, "value": patient_cf}],
                },
                "request": {
                    "method": "POST",
                    "url": "Patient",
                    "ifNoneExist": f"identifier={CF_SYSTEM}|{patient_cf}",
                },
            },
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "identifier": [{"system": OBS_SYSTEM, "value": identifier}],
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
                    "subject": {"reference": patient_urn},
                    "valueQuantity": {"value": "__VALUE__", "unit": "mm[Hg]"},
                },
                "request": {
                    "method": "POST",
                    "url": "Observation",
                    "ifNoneExist": f"identifier={OBS_SYSTEM}|{identifier}",
                },
            },
        ],
    }
    # Keep the decimal's digits exactly as given (the way fhirjson writes Decimals).
    return json.dumps(bundle).replace('"__VALUE__"', value).encode()


def measurement_unit(
    *,
    identifier: str | None = None,
    patient_cf: str = "RSSMRA80A01H501U",
    patient_key: str | None = None,
    attachments: tuple[BinaryAttachment, ...] = (),
    updates: tuple[ResourceUpdate, ...] = (),
    bundle_json: bytes | None = None,
) -> OutboxUnit:
    ident = identifier or str(uuid.uuid4())
    return OutboxUnit(
        unit_id=uuid.uuid4(),
        kind=UnitKind.MEASUREMENT,
        patient_key=patient_key if patient_key is not None else patient_cf,
        bundle_json=bundle_json or measurement_bundle(identifier=ident, patient_cf=patient_cf),
        attachments=attachments,
        updates=updates,
        label="Pressione arteriosa",
    )
