"""Audit entries: canonical payload and their FHIR R4 AuditEvent (validated with fhir.resources)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.auditevent import AuditEvent

from app.domain.audit import (
    AuditAction,
    AuditEntry,
    ChainPosition,
    InvalidAuditEntry,
    audit_event_id,
    to_audit_event,
)

AT = datetime(2026, 12, 2, 9, 30, 15, 123000, tzinfo=UTC)
POS = ChainPosition("chain-a", 7, "a" * 64, "b" * 64)


def _entry(action: AuditAction = AuditAction.OPEN_RECORD, **kw: object) -> AuditEntry:
    base: dict[str, object] = {
        "action": action,
        "actor": "prac-ifec-colombo",
        "actor_name": "Marco Colombo",
        "recorded_at_utc": AT,
        "station": "cdc-lodi-01",
        "patient_id": "pat-001",
    }
    base.update(kw)
    return AuditEntry(**base)  # type: ignore[arg-type]


def test_canonical_json_is_order_independent_and_round_trips() -> None:
    entry = _entry(what="Observation/obs-1")
    raw = entry.canonical_json()
    assert raw == json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    assert AuditEntry.from_json(raw) == entry
    rome = AT.astimezone(timezone(timedelta(hours=1)))
    assert _entry(recorded_at_utc=rome, what="Observation/obs-1").canonical_json() == raw
    with pytest.raises(InvalidAuditEntry):
        AuditEntry.from_json(b'{"action": "dance"}')
    with pytest.raises(InvalidAuditEntry):
        _entry(recorded_at_utc=datetime(2026, 1, 1))  # naive


@pytest.mark.parametrize("action", list(AuditAction))
def test_every_action_maps_to_a_valid_audit_event(action: AuditAction) -> None:
    event = to_audit_event(_entry(action, what="DocumentReference/doc-9"), POS)
    parsed = AuditEvent.model_validate(event)  # R4B structure, codes, cardinalities
    assert parsed.id == audit_event_id(POS)
    assert event["agent"][0]["who"]["reference"] == "Practitioner/prac-ifec-colombo"
    assert event["entity"][0]["what"]["reference"] == "Patient/pat-001"
    chain = event["entity"][-1]
    assert [d["valueString"] for d in chain["detail"]] == ["7", "a" * 64, "b" * 64]
    assert event["subtype"][0]["code"] == action.value
    assert event["recorded"] == "2026-12-02T09:30:15.123+00:00"


def test_event_id_is_stable_per_chain_entry() -> None:
    again = ChainPosition("chain-a", 7, "a" * 64, "b" * 64)
    assert audit_event_id(again) == audit_event_id(POS)
    assert audit_event_id(POS) != audit_event_id(ChainPosition("chain-a", 8, "a" * 64, "b" * 64))
    assert audit_event_id(POS) != audit_event_id(ChainPosition("chain-b", 7, "a" * 64, "b" * 64))
    # A sequence number used again after entries were cut off: another entry, another id.
    assert audit_event_id(POS) != audit_event_id(ChainPosition("chain-a", 7, "a" * 64, "c" * 64))
    broken = to_audit_event(
        _entry(AuditAction.CHAIN_BREAK, patient_id=None, outcome_text="entry 3 altered"), POS
    )
    AuditEvent.model_validate(broken)
    assert (broken["outcome"], broken["outcomeDesc"]) == ("8", "entry 3 altered")
    no_patient = to_audit_event(_entry(AuditAction.LOGIN, patient_id=None), POS)
    AuditEvent.model_validate(no_patient)
    assert len(no_patient["entity"]) == 1
