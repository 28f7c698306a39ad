"""Local audit entries and their FHIR R4 AuditEvent form (stdlib only).

An :class:`AuditEntry` is what the workstation appends to the user's hash-chained log
(``offline_cache.audit_chain``): who did what to which patient, when, from which station. Its
canonical JSON (sorted keys, no spaces) is the chained payload, so the hash never depends on
dictionary order. :func:`to_audit_event` maps an entry plus its chain position (sequence number,
previous hash, hash) to an AuditEvent whose id is derived from the chain and the sequence number:
sending it twice (``PUT AuditEvent/<id>``) never creates a second copy.

Codes: ``type`` from DICOM (DCM 110110 Patient Record, 110106 Export, 110100 Application
Activity, 110114 User Authentication), ``subtype`` the action in the workstation's code system,
``action`` per FHIR (R read, C create, E execute), agent and entity types from
terminology.hl7.org.
"""

from __future__ import annotations

import enum
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "AUDIT_ACTION_SYSTEM",
    "AuditAction",
    "AuditEntry",
    "ChainPosition",
    "InvalidAuditEntry",
    "audit_event_id",
    "to_audit_event",
]

AUDIT_ACTION_SYSTEM = "https://fhir.regional-sim.example/CodeSystem/workstation-audit-action"
AUDIT_CHAIN_SYSTEM = "https://fhir.regional-sim.example/sid/workstation-audit-chain"
_DCM = "http://dicom.nema.org/resources/ontology/DCM"
_NAMESPACE = uuid.UUID("5b0f2a4e-7d1c-4f3a-9a51-2c0de0a1d17e")


class InvalidAuditEntry(ValueError):
    """An entry is incomplete or its stored JSON is not an entry."""


class AuditAction(enum.StrEnum):
    """What is audited (issue 5): record opens, exports, prints, calls, measurements, consents,
    plus the session's own events and a detected break of the log itself."""

    OPEN_RECORD = "open-record"
    EXPORT = "export"
    PRINT = "print"
    CALL = "call"
    MEASUREMENT = "measurement"
    CONSENT = "consent"
    LOGIN = "login"
    UNLOCK = "unlock"
    LOCK = "lock"
    LOGOUT = "logout"
    CHAIN_BREAK = "chain-break"
    #: The offline store was opened with the recovery key (its key had been lost).
    KEY_RECOVERY = "key-recovery"


# action -> (DCM type code, display, FHIR AuditEvent.action)
_MAPPING: dict[AuditAction, tuple[str, str, str]] = {
    AuditAction.OPEN_RECORD: ("110110", "Patient Record", "R"),
    AuditAction.EXPORT: ("110106", "Export", "R"),
    AuditAction.PRINT: ("110106", "Export", "R"),
    AuditAction.CALL: ("110100", "Application Activity", "E"),
    AuditAction.MEASUREMENT: ("110110", "Patient Record", "C"),
    AuditAction.CONSENT: ("110110", "Patient Record", "C"),
    AuditAction.LOGIN: ("110114", "User Authentication", "E"),
    AuditAction.UNLOCK: ("110114", "User Authentication", "E"),
    AuditAction.LOCK: ("110114", "User Authentication", "E"),
    AuditAction.LOGOUT: ("110114", "User Authentication", "E"),
    AuditAction.CHAIN_BREAK: ("110100", "Application Activity", "E"),
    AuditAction.KEY_RECOVERY: ("110113", "Security Alert", "E"),
}
# FHIR AuditEvent.outcome: 0 success; a detected break of the log is a serious failure (8).
_OUTCOME = {AuditAction.CHAIN_BREAK: "8"}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited act.

    ``actor`` is the clinician's subject (``Practitioner/<actor>``); ``patient_id`` the FHIR
    Patient id, if any; ``what`` a reference to the object (``Observation/…``,
    ``DocumentReference/…``, ``Consent/…``, a call room); ``station`` identifies the workstation.
    ``recorded_at_utc`` is timezone-aware. ``outcome_text`` explains a failure (never health
    data; e.g. where the log was found broken).
    """

    action: AuditAction
    actor: str
    recorded_at_utc: datetime
    station: str
    patient_id: str | None = None
    what: str | None = None
    actor_name: str = ""
    outcome_text: str | None = None

    def __post_init__(self) -> None:
        if not self.actor or not self.station:
            raise InvalidAuditEntry("an audit entry needs an actor and a station")
        if self.recorded_at_utc.tzinfo is None:
            raise InvalidAuditEntry("recorded_at_utc must be timezone-aware")

    def canonical_json(self) -> bytes:
        """The chained payload: sorted keys, compact, UTF-8."""
        body: dict[str, Any] = {
            "action": self.action.value,
            "actor": self.actor,
            "actor_name": self.actor_name,
            "at": self.recorded_at_utc.astimezone(UTC).isoformat(),
            "patient_id": self.patient_id,
            "station": self.station,
            "what": self.what,
        }
        if self.outcome_text is not None:
            body["outcome_text"] = self.outcome_text
        return json.dumps(
            body,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> AuditEntry:
        """Parse a stored payload; raises :class:`InvalidAuditEntry`."""
        try:
            raw = json.loads(data)
            return cls(
                action=AuditAction(raw["action"]),
                actor=str(raw["actor"]),
                actor_name=str(raw.get("actor_name", "")),
                recorded_at_utc=datetime.fromisoformat(raw["at"]),
                patient_id=raw.get("patient_id"),
                station=str(raw["station"]),
                what=raw.get("what"),
                outcome_text=raw.get("outcome_text"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidAuditEntry(f"not an audit entry: {type(exc).__name__}") from exc


@dataclass(frozen=True, slots=True)
class ChainPosition:
    """Where an entry sits in its chain: ``chain_id`` (stable per vault), ``seq`` and hashes."""

    chain_id: str
    seq: int
    prev_hash: str
    hash: str


def audit_event_id(position: ChainPosition) -> str:
    """The AuditEvent id of a chain entry: a UUID stable across resends of the same entry.

    The entry's hash is part of it: if entries were cut off a log and their sequence numbers
    used again, the new entries get new ids instead of overwriting the region's copies.
    """
    return str(uuid.uuid5(_NAMESPACE, f"{position.chain_id}/{position.seq}/{position.hash}"))


def to_audit_event(entry: AuditEntry, position: ChainPosition) -> dict[str, Any]:
    """The FHIR R4 AuditEvent of ``entry`` at ``position``."""
    code, display, action = _MAPPING[entry.action]
    agent: dict[str, Any] = {
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/extra-security-role-type",
                    "code": "humanuser",
                    "display": "human user",
                }
            ]
        },
        "who": {"reference": f"Practitioner/{entry.actor}"},
        "requestor": True,
    }
    if entry.actor_name:
        agent["who"]["display"] = entry.actor_name
    entities: list[dict[str, Any]] = []
    if entry.patient_id:
        entities.append(
            {
                "what": {"reference": f"Patient/{entry.patient_id}"},
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                    "code": "1",
                    "display": "Person",
                },
                "role": {
                    "system": "http://terminology.hl7.org/CodeSystem/object-role",
                    "code": "1",
                    "display": "Patient",
                },
            }
        )
    if entry.what:
        entities.append(
            {
                "what": {"reference": entry.what},
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                    "code": "2",
                    "display": "System Object",
                },
            }
        )
    # The chain itself, so the server can check continuity and detect gaps.
    entities.append(
        {
            "what": {"identifier": {"system": AUDIT_CHAIN_SYSTEM, "value": position.chain_id}},
            "type": {
                "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                "code": "4",
                "display": "Other",
            },
            "detail": [
                {"type": "seq", "valueString": str(position.seq)},
                {"type": "prev-hash", "valueString": position.prev_hash},
                {"type": "hash", "valueString": position.hash},
            ],
        }
    )
    event: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": audit_event_id(position),
        "type": {"system": _DCM, "code": code, "display": display},
        "subtype": [{"system": AUDIT_ACTION_SYSTEM, "code": entry.action.value}],
        "action": action,
        "recorded": entry.recorded_at_utc.astimezone(UTC).isoformat(timespec="milliseconds"),
        "outcome": _OUTCOME.get(entry.action, "0"),
        "agent": [agent],
        "source": {
            "observer": {"display": entry.station},
            "type": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/security-source-type",
                    "code": "1",
                    "display": "End-user display device, diagnostic display",
                }
            ],
        },
        "entity": entities,
    }
    if entry.outcome_text:
        event["outcomeDesc"] = entry.outcome_text
    return event
