"""The session over real vaults (SQLCipher, key in gnome-keyring): each clinician's audit trail
is verified at start, receives the audited acts announced on the bus, and another clinician is
refused the vault with a clear message.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.domain.audit import AuditAction, AuditEntry
from app.domain.workflows import AgendaItemKind
from app.events import Event, EventBus
from app.services.agenda import CallDidRequest
from app.services.audit import AuditChainDidVerify, AuditFeed, SecretStoreAnchor, audit_trail_for
from app.services.devices import MeasurementDidSave
from app.session.errors import VaultOwnedByAnotherUser
from app.session.manager import SessionManager, VaultHandle
from app.session.offline import Identity, OfflineUnlock, ScryptParams
from app.session.tokens import SecretStore as SessionSecretStore
from app.session.tokens import TokenStore
from offline_cache.vault import Vault, VaultId, open_vault
from tests.fixtures.secret_service import SecretServiceSession

pytestmark = pytest.mark.integration

NURSE = Identity("prac-ifec-colombo", "Marco Colombo", "https://login.example")
GP = Identity("prac-mmg-bianchi", "Laura Bianchi", "https://login.example")


async def _actions(vault: Vault) -> list[AuditAction]:
    return [AuditEntry.from_json(r.entry_json).action for r in await vault.audit.entries()]


async def test_audit_trail_per_clinician_and_foreign_vault_refused(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    events: list[Event] = []
    bus = EventBus(asyncio.get_running_loop())

    def collect(event: Event) -> None:
        events.append(event)

    bus.subscribe(Event, collect)  # held weakly by the bus: ``collect`` lives in this frame

    async def open_user_vault(identity: Identity) -> Vault:
        opened = await open_vault(
            data_dir=tmp_path, vault_id=VaultId("lombardia", identity.subject)
        )
        return opened.vault

    def audit_factory(identity: Identity, vault: VaultHandle) -> object:
        assert isinstance(vault, Vault)
        return audit_trail_for(
            vault,
            actor=identity.subject,
            actor_name=identity.display_name,
            publish=bus.publish,
            station="cdc-lodi-01",
            anchor=SecretStoreAnchor(SessionSecretStore("telemed-test/audit-head")),
        )

    offline = OfflineUnlock(tmp_path / "offline", params=ScryptParams(n=2**12))
    await offline.enroll(NURSE, "nurse-pin-1")
    await offline.enroll(GP, "gp-pin-22")
    session = SessionManager(
        publish=bus.publish,
        offline=offline,
        token_store=TokenStore(),
        vault_opener=open_user_vault,
        audit_factory=audit_factory,  # type: ignore[arg-type]
    )
    feed = AuditFeed(
        bus=bus, recorder=lambda: session.audit.record if session.audit is not None else None
    )
    try:
        await session.unlock_offline(NURSE.subject, "nurse-pin-1")
        nurse_vault = session.vault_for(NURSE.subject)
        assert isinstance(nurse_vault, Vault)
        bus.publish(MeasurementDidSave("3f0e4a52-5d8c-4c4e-9a51-2c0de0a1d17e", 2))
        # A call requested from the agenda is not yet a call: audited when it starts.
        bus.publish(CallDidRequest(AgendaItemKind.TELEVISIT, "pat-001", "Appointment/app-1"))
        await asyncio.sleep(0)  # let the bus deliver
        await feed.drain()
        await session.lock()
        await session.unlock("nurse-pin-1")
        assert await _actions(nurse_vault) == [
            AuditAction.UNLOCK,  # offline start
            AuditAction.MEASUREMENT,
            AuditAction.LOCK,
            AuditAction.UNLOCK,
        ]

        await session.unlock_offline(GP.subject, "gp-pin-22")  # takes over the station
        with pytest.raises(VaultOwnedByAnotherUser) as refused:
            session.vault_for(NURSE.subject)
        assert "belongs to another clinician" in str(refused.value)
        gp_vault = session.vault_for(GP.subject)
        assert isinstance(gp_vault, Vault) and gp_vault.path != nurse_vault.path
        assert await _actions(gp_vault) == [AuditAction.UNLOCK]
        # The nurse's vault stays open only for her outbox; her chain is untouched.
        assert session.syncing_for() == (NURSE.subject,)
        assert len(await _actions(nurse_vault)) == 4

        await session.unlock_offline(NURSE.subject, "nurse-pin-1")  # back: verified again
        await asyncio.sleep(0)  # the bus delivers on the next loop turn
        verified = [e for e in events if isinstance(e, AuditChainDidVerify)]
        assert verified[-1] == AuditChainDidVerify(4)
    finally:
        await session.shutdown()
