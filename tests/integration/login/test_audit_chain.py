"""The audit trail in a real SQLCipher vault (key in a real gnome-keyring): every audited act is
chained and queued as an AuditEvent; editing, deleting or cutting entries is reported.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from app.domain.audit import AuditAction
from app.events import Event
from app.services.audit import (
    AuditChainDidBreak,
    AuditChainDidVerify,
    AuditTrail,
    SecretStoreAnchor,
)
from app.session.tokens import SecretStore as SessionSecretStore
from offline_cache.keys import SecretStore
from offline_cache.vault import Vault, VaultId, open_connection, open_vault
from tests.fixtures.secret_service import SecretServiceSession

pytestmark = pytest.mark.integration

NURSE = VaultId("lombardia", "prac-ifec-colombo")
ACTS = [
    (AuditAction.OPEN_RECORD, "pat-001", None),
    (AuditAction.MEASUREMENT, "pat-001", "Observation/obs-1"),
    (AuditAction.CONSENT, "pat-001", "Consent/c-1"),
    (AuditAction.EXPORT, "pat-001", "Binary/trend-csv"),
    (AuditAction.PRINT, "pat-001", "DocumentReference/report-1"),
    (AuditAction.CALL, "pat-002", "Appointment/app-7"),
]


async def _trail(vault: Vault, events: list[Event]) -> AuditTrail:
    return AuditTrail(
        chain=vault.audit,
        outbox=vault.outbox,
        publish=events.append,
        chain_id="chain-test-1",
        actor=NURSE.user,
        actor_name="Marco Colombo",
        station="cdc-lodi-01",
        anchor=SecretStoreAnchor(SessionSecretStore("telemed-test/audit-head")),
    )


def broken_reason(trail: AuditTrail) -> str:
    assert trail.broken is not None
    return trail.broken.reason


def _tamper(path: Path, key: bytes, sql: str) -> None:
    conn = open_connection(path, key, key_verified=True)
    try:
        conn.execute(sql)
    finally:
        conn.close()


async def _record_all(tmp_path: Path, store: SecretStore) -> tuple[Path, bytes]:
    vault = (await open_vault(data_dir=tmp_path, vault_id=NURSE, secrets=store)).vault
    events: list[Event] = []
    trail = await _trail(vault, events)
    seqs = [await trail.record(a, patient_id=p, what=w) for a, p, w in ACTS]
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert await trail.verify()
    assert events == [AuditChainDidVerify(6)]
    units = await vault.outbox.units()
    assert sorted(u.kind for u in units) == ["audit"] * 6
    # Queued twice (crash recovery) is still six units: ids come from the chain position.
    assert await trail.resend_tail() == 6
    assert len(await vault.outbox.units()) == 6
    ready = await vault.outbox.ready(limit=10)
    first = json.loads(ready[0].bundle_json)["entry"][0]
    assert first["request"]["method"] == "PUT"
    assert first["resource"]["resourceType"] == "AuditEvent"
    path = vault.path
    await vault.close()
    key = await asyncio.to_thread(store.load, NURSE.account)
    assert key is not None
    return path, key


async def _verify_again(tmp_path: Path, store: SecretStore) -> list[Event]:
    vault = (await open_vault(data_dir=tmp_path, vault_id=NURSE, secrets=store)).vault
    events: list[Event] = []
    try:
        trail = await _trail(vault, events)
        assert not await trail.verify()
        assert trail.broken is not None
        # The break itself was queued for the region as a serious-failure AuditEvent.
        ready = await vault.outbox.ready(limit=100)
        events_out = [json.loads(u.bundle_json)["entry"][0]["resource"] for u in ready]
        breaks = [e for e in events_out if e["subtype"][0]["code"] == "chain-break"]
        assert len(breaks) == 1 and breaks[0]["outcome"] == "8"
        assert broken_reason(trail) in breaks[0]["outcomeDesc"]
        # The log still accepts entries after a break: nothing is lost or hidden.
        assert await trail.record(AuditAction.OPEN_RECORD, patient_id="pat-003") > 0
    finally:
        await vault.close()
    return events


async def test_an_edited_entry_is_reported(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path, key = await _record_all(tmp_path, store)
    await asyncio.to_thread(
        _tamper,
        path,
        key,
        "UPDATE audit_chain SET entry_json ="
        " CAST(replace(entry_json, 'pat-001', 'pat-999') AS BLOB) WHERE seq = 3",
    )
    events = await _verify_again(tmp_path, store)
    assert events == [AuditChainDidBreak(3, "entry content does not match its hash", 2)]


async def test_a_row_rewritten_with_another_type_is_reported_not_crashing(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path, key = await _record_all(tmp_path, store)
    await asyncio.to_thread(
        _tamper, path, key, "UPDATE audit_chain SET entry_json = 'forged' WHERE seq = 4"
    )
    events = await _verify_again(tmp_path, store)
    assert len(events) == 1 and isinstance(events[0], AuditChainDidBreak)
    assert "unreadable" in events[0].reason


async def test_a_deleted_middle_entry_is_reported(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path, key = await _record_all(tmp_path, store)
    await asyncio.to_thread(_tamper, path, key, "DELETE FROM audit_chain WHERE seq = 2")
    events = await _verify_again(tmp_path, store)
    assert isinstance(events[0], AuditChainDidBreak) and events[0].first_break_seq == 2


async def test_entries_cut_off_the_end_are_reported_by_the_anchor(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path, key = await _record_all(tmp_path, store)
    await asyncio.to_thread(_tamper, path, key, "DELETE FROM audit_chain WHERE seq >= 5")
    events = await _verify_again(tmp_path, store)
    assert events == [AuditChainDidBreak(6, "entries were removed from the end of the log", 4)]
