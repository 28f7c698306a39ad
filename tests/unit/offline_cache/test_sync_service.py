"""SyncService on a shared station: one lane per clinician, the active one for the UI, parked
clinicians keep draining with their own client, a returning clinician becomes active again."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from app.events import Event, SyncQueueDidChange
from app.services.sync import SyncService, SyncStoreDidChange
from offline_cache.vault import Vault
from tests.unit.offline_cache.conftest import open_test_vault
from tests.unit.offline_cache.test_sync_worker import FakeClient
from tests.unit.offline_cache.units import measurement_unit


async def _wait_sent(vault: Vault, n: int) -> None:
    changed = asyncio.Event()
    vault.outbox.add_listener(changed.set)
    try:
        while (await vault.outbox.counts()).done < n:
            await asyncio.wait_for(changed.wait(), 10)
            changed.clear()
    finally:
        vault.outbox.remove_listener(changed.set)


async def test_parked_clinician_keeps_draining_with_their_own_client(tmp_path: Path) -> None:
    events: list[Event] = []
    shared, parked_clients = FakeClient(transaction=[]), {}

    async def client_source() -> FakeClient:
        return shared

    async def parked_source(subject: str) -> FakeClient:
        parked_clients[subject] = FakeClient(transaction=[])
        return parked_clients[subject]

    service = SyncService(
        publish=events.append,
        client_source=client_source,  # type: ignore[arg-type]
        parked_client_source=parked_source,  # type: ignore[arg-type]
        pull_interval_s=None,
    )
    alice = await open_test_vault(tmp_path / "a.vault", os.urandom(32))
    bob = await open_test_vault(tmp_path / "b.vault", os.urandom(32))
    try:
        await service.attach(alice, subject="alice")
        assert service.vault is alice
        await alice.outbox.enqueue(measurement_unit())
        await _wait_sent(alice, 1)
        assert shared.transactions == 1

        await service.attach(bob, subject="bob")  # Bob takes over the station
        assert service.vault is bob and service.open_subjects == ("alice", "bob")
        await alice.outbox.enqueue(measurement_unit())  # e.g. a device upload for Alice
        await _wait_sent(alice, 2)
        assert parked_clients["alice"].transactions == 1  # sent as Alice, not with Bob's token
        assert shared.transactions == 1

        await service.activate("alice")  # Alice is back (her vault was kept open)
        assert service.vault is alice
        await bob.outbox.enqueue(measurement_unit())
        await _wait_sent(bob, 1)
        assert parked_clients["bob"].transactions == 1

        await service.close_vault(alice)
        assert service.vault is None and service.open_subjects == ("bob",)
        assert isinstance(events[-1], SyncStoreDidChange) and not events[-1].open
        assert any(isinstance(e, SyncQueueDidChange) for e in events)
    finally:
        await service.close()
    assert service.open_subjects == ()
    await alice.close()  # idempotent: already closed by the service
    await bob.close()


async def test_without_a_parked_client_the_items_wait(tmp_path: Path) -> None:
    shared = FakeClient(transaction=[])

    async def client_source() -> FakeClient:
        return shared

    async def no_client(subject: str) -> None:
        return None

    service = SyncService(
        publish=lambda e: None,
        client_source=client_source,  # type: ignore[arg-type]
        parked_client_source=no_client,  # type: ignore[arg-type]
        pull_interval_s=None,
    )
    alice = await open_test_vault(tmp_path / "a.vault", os.urandom(32))
    bob = await open_test_vault(tmp_path / "b.vault", os.urandom(32))
    try:
        await service.attach(alice, subject="alice")
        await service.attach(bob, subject="bob")
        await alice.outbox.enqueue(measurement_unit())
        assert (await alice.outbox.counts()).pending == 1  # kept, not sent as Bob
        assert shared.transactions == 0
        await service.activate("alice")
        await _wait_sent(alice, 1)
    finally:
        await service.close()
