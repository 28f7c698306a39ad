"""The televisit consent gate's logic with a fake patient service (no network)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.domain.audit import AuditAction
from app.domain.workflows import ConsentKind, ConsentState, PatientHeader, PatientMatch
from app.services.consent_gate import ConsentGate, ConsentsMissing


@dataclass
class FakePatients:
    on_record: dict[str, set[ConsentKind]]
    recorded: list[tuple[str, ConsentKind, str]] = field(default_factory=list)

    async def header(self, patient_id: str) -> PatientHeader:
        kinds = self.on_record.get(patient_id, set())
        return PatientHeader(
            patient=PatientMatch(patient_id, "Rossi", "Mario", None, None, ()),
            consents=tuple(ConsentState(k, True) for k in kinds)
            + (ConsentState(ConsentKind.TELEMEDICINE, False),),  # a withdrawn one never counts
            care_plans=(),
            devices=(),
            last_readings=(),
        )

    async def record_consent(
        self, patient_id: str, kind: ConsentKind, *, practitioner_ref: str
    ) -> Any:
        self.recorded.append((patient_id, kind, practitioner_ref))
        return type("Unit", (), {"unit_id": uuid.uuid4()})()


async def test_gate_asks_for_what_is_missing_records_and_audits() -> None:
    patients = FakePatients({"p-both": {ConsentKind.INFORMED, ConsentKind.TELEMEDICINE},
                             "p-one": {ConsentKind.INFORMED}})  # fmt: skip
    audited: list[tuple[AuditAction, dict[str, Any]]] = []

    async def record(action: AuditAction, **where: Any) -> int:
        audited.append((action, where))
        return len(audited)

    gate = ConsentGate(lambda: patients, audit=lambda: record)  # type: ignore[arg-type, return-value]
    assert await gate.missing("p-both") == ()
    assert await gate.missing("p-one") == (ConsentKind.TELEMEDICINE,)
    assert await gate.missing("p-none") == (ConsentKind.INFORMED, ConsentKind.TELEMEDICINE)
    assert await gate.missing("p-none", service="teleassistenza") == ()
    with pytest.raises(ConsentsMissing) as refused:
        await gate.require("p-none")
    assert "consenso-informato" in str(refused.value)

    await gate.record("p-none", refused.value.missing, practitioner_ref="Practitioner/prac-x")
    assert await gate.missing("p-none") == ()  # counts at once, before the outbox delivers
    await gate.require("p-none")
    assert [r[1] for r in patients.recorded] == [ConsentKind.INFORMED, ConsentKind.TELEMEDICINE]
    assert [a for a, _ in audited] == [AuditAction.CONSENT, AuditAction.CONSENT]
    assert all(w["patient_id"] == "p-none" for _, w in audited)
