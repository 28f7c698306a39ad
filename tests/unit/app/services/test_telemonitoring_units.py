"""Outbox units of the telemonitoring area: idempotent shapes, kept digits, provenance."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.backend import fhirjson
from app.domain.outbox import InvalidUnit, check_transaction_bundle
from app.domain.telemonitoring import (
    Alert,
    AlertKind,
    AlertStatus,
    Parameter,
    Provenance,
    Reading,
    Severity,
)
from app.services.telemonitoring_units import acknowledgement_unit, reading_unit

T0 = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)


def _reading(**changes: object) -> Reading:
    base: dict[str, object] = {
        "parameter": Parameter.WEIGHT,
        "time_utc": T0,
        "value": 81.4,
        "provenance": Provenance.DEVICE_BONDED,
        "device_id": "dev-scale-7",
        "observation_id": "0b6c3f4e-2f7a-4d55-9a0e-3c1f0d5f8a11",
    }
    base.update(changes)
    return Reading(**base)  # type: ignore[arg-type]


def test_reading_unit_is_a_resendable_transaction_with_stable_ids() -> None:
    a = reading_unit("pat-007", _reading(), [], author_reference=None, recorded_utc=T0)
    b = reading_unit("pat-007", _reading(), [], author_reference=None, recorded_utc=T0)
    assert a.unit_id == b.unit_id and a.bundle_json == b.bundle_json  # same capture, same bytes
    check_transaction_bundle(a.bundle_json)
    obs, prov = (e["resource"] for e in a.bundle()["entry"])
    assert obs["valueQuantity"]["value"] == Decimal("81.4")
    assert b'"value":81.4' in a.bundle_json  # digits as entered, no binary float noise
    assert obs["device"] == {"reference": "Device/dev-scale-7"}
    assert prov["agent"][0]["who"] == {"reference": "Device/dev-scale-7"}
    assert prov["agent"][0]["type"]["coding"][0]["code"] == "performer"
    assert prov["target"] == [{"reference": a.bundle()["entry"][0]["fullUrl"]}]


def test_manual_reading_names_the_enterer_and_needs_a_client_id() -> None:
    unit = reading_unit(
        "pat-007",
        _reading(provenance=Provenance.MANUAL, device_id=None),
        [],
        author_reference="Practitioner/prac-ifec-colombo",
        recorded_utc=T0,
    )
    prov = unit.bundle()["entry"][1]["resource"]
    assert prov["agent"][0]["type"]["coding"][0]["code"] == "enterer"
    assert prov["agent"][0]["who"]["reference"] == "Practitioner/prac-ifec-colombo"
    with pytest.raises(ValueError, match="client observation id"):
        reading_unit(
            "pat-007", _reading(observation_id=None), [], author_reference=None, recorded_utc=T0
        )


def _alert(**changes: object) -> Alert:
    alert = Alert(
        id="a1",
        patient_id="pat-007",
        parameter=Parameter.WEIGHT,
        kind=AlertKind.THRESHOLD,
        severity=Severity.WARNING,
        rule="threshold",
        explanation="weight",
        raised_at_utc=T0,
        status=AlertStatus.ACTIVE,
    )
    return replace(alert, **changes)  # type: ignore[arg-type]


def test_acknowledgement_is_an_if_match_patch_of_the_flag() -> None:
    unit = acknowledgement_unit(
        _alert(resource_id="flag-9", version_id="4"),
        practitioner_reference="Practitioner/prac-mmg-bianchi",
        at_utc=T0,
    )
    (update,) = unit.updates
    assert (update.resource_type, update.resource_id, update.if_match) == (
        "Flag",
        "flag-9",
        'W/"4"',
    )
    assert update.merge_patch["status"] == "inactive"
    # A locally raised alert (not synced yet) targets the Flag id its reading unit PUTs.
    local = acknowledgement_unit(_alert(), practitioner_reference="Practitioner/x", at_utc=T0)
    assert local.updates[0].resource_id == "alert-a1" and local.updates[0].if_match is None
    assert local.patient_key == "pat-007"  # ordered after the reading that created the Flag


def test_a_bundle_with_a_plain_post_is_refused() -> None:
    unit = reading_unit("pat-007", _reading(), [], author_reference=None, recorded_utc=T0)
    bundle = unit.bundle()
    del bundle["entry"][0]["request"]["ifNoneExist"]
    with pytest.raises(InvalidUnit):
        check_transaction_bundle(fhirjson.dumps(bundle))
