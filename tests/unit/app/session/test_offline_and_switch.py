"""Offline PIN unlock (scrypt, persisted growing backoff) and the session state machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.events import Event
from app.session.errors import (
    NoOfflineUnlock,
    SessionError,
    UnlockThrottled,
    VaultOwnedByAnotherUser,
    WeakPin,
    WrongPin,
)
from app.session.events import SessionDidChange, SessionState
from app.session.manager import SessionManager
from app.session.offline import (
    FREE_TRIES,
    Identity,
    OfflineUnlock,
    ScryptParams,
    backoff_s,
    check_pin_strength,
)
from app.session.tokens import TokenStore

NURSE = Identity("prac-ifec-colombo", "Marco Colombo", "https://login.example")
GP = Identity("prac-mmg-bianchi", "Laura Bianchi", "https://login.example")
FAST = ScryptParams(n=2**12)  # the default (2**15) is exercised in the first test only


def _records(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json"))


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_pin_verifier_is_scrypt_and_never_the_pin(tmp_path: Path) -> None:
    unlock = OfflineUnlock(tmp_path)
    await unlock.enroll(NURSE, "correct horse")
    files = _records(tmp_path)
    assert len(files) == 1 and "colombo" not in files[0].name
    record = json.loads(files[0].read_text())
    assert (record["n"], record["r"]) == (2**15, 8)  # 32 MiB per try
    assert "correct horse" not in files[0].read_text()
    assert files[0].stat().st_mode & 0o077 == 0
    assert await unlock.unlock(NURSE.subject, "correct horse") == NURSE


async def test_wrong_pins_back_off_growing_and_persist_across_restarts(tmp_path: Path) -> None:
    clock = Clock()
    unlock = OfflineUnlock(tmp_path, params=FAST, clock=clock)
    await unlock.enroll(NURSE, "4711 zebra")
    for n in range(1, FREE_TRIES):
        with pytest.raises(WrongPin) as info:
            await unlock.unlock(NURSE.subject, "nope-nope")
        assert info.value.failures == n and info.value.retry_after_s == 0
    with pytest.raises(WrongPin) as info:
        await unlock.unlock(NURSE.subject, "nope-nope")
    assert info.value.retry_after_s == 5.0

    # A restart (new object, same directory) keeps the wait; even the right PIN must wait.
    restarted = OfflineUnlock(tmp_path, params=FAST, clock=clock)
    with pytest.raises(UnlockThrottled) as throttled:
        await restarted.unlock(NURSE.subject, "4711 zebra")
    assert throttled.value.retry_after_s == pytest.approx(5.0)
    clock.now += 5.0
    with pytest.raises(WrongPin) as info:
        await restarted.unlock(NURSE.subject, "still wrong")
    assert info.value.retry_after_s == 10.0  # doubled
    clock.now += 10.0
    assert await restarted.unlock(NURSE.subject, "4711 zebra") == NURSE
    assert await restarted.retry_after_s(NURSE.subject) == 0  # reset after success
    assert [backoff_s(n) for n in (3, 4, 5, 20)] == [5.0, 10.0, 20.0, 900.0]


async def test_setting_the_clock_back_does_not_end_the_wait(tmp_path: Path) -> None:
    clock = Clock()
    unlock = OfflineUnlock(tmp_path, params=FAST, clock=clock)
    await unlock.enroll(NURSE, "4711 zebra")
    for _ in range(FREE_TRIES + 2):  # 5 s, then 10 s of wait
        with pytest.raises(WrongPin):
            await unlock.unlock(NURSE.subject, "nope-nope")
        clock.now += 60
    clock.now -= 3600  # an hour back: before the last failure
    with pytest.raises(UnlockThrottled) as throttled:
        await unlock.unlock(NURSE.subject, "4711 zebra")
    assert throttled.value.retry_after_s == pytest.approx(20.0)  # the full wait, from now
    clock.now += 20
    assert await unlock.unlock(NURSE.subject, "4711 zebra") == NURSE


async def test_unknown_or_damaged_records_and_weak_pins(tmp_path: Path) -> None:
    unlock = OfflineUnlock(tmp_path, params=FAST)
    with pytest.raises(NoOfflineUnlock, match="log in online first"):
        await unlock.unlock("prac-nobody", "whatever1")
    for weak in ("12345", "111111", "123456", "987654"):
        with pytest.raises(WeakPin):
            check_pin_strength(weak)
    await unlock.enroll(NURSE, "4711 zebra")
    _records(tmp_path)[0].write_text("{not json")
    with pytest.raises(NoOfflineUnlock):
        await unlock.unlock(NURSE.subject, "4711 zebra")
    assert await unlock.enrolled() == []


class FakeVault:
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.closed = False

    async def close(self) -> None:
        self.closed = True


async def _vault_opener(identity: Identity) -> FakeVault:
    return FakeVault(identity.subject)


async def test_lock_switch_user_parks_outbox_and_refuses_foreign_vault(tmp_path: Path) -> None:
    events: list[Event] = []
    unlock = OfflineUnlock(tmp_path, params=FAST)
    await unlock.enroll(NURSE, "nurse-pin-1")
    await unlock.enroll(GP, "gp-pin-22")
    manager = SessionManager(
        publish=events.append, offline=unlock, token_store=TokenStore(), vault_opener=_vault_opener
    )
    await manager.unlock_offline(NURSE.subject, "nurse-pin-1")
    nurse_vault = manager.vault_for(NURSE.subject)
    assert manager.state is SessionState.ACTIVE and manager.offline_mode

    await manager.lock()
    with pytest.raises(VaultOwnedByAnotherUser, match="locked"):
        manager.vault_for(NURSE.subject)
    with pytest.raises(WrongPin):
        await manager.unlock("wrong-pin-0")
    await manager.unlock("nurse-pin-1")
    assert manager.vault_for(NURSE.subject) is nurse_vault

    await manager.switch_user()
    assert manager.state is SessionState.SIGNED_OUT and manager.syncing_for() == (NURSE.subject,)
    assert not nurse_vault.closed  # kept for the sync worker only
    await manager.unlock_offline(GP.subject, "gp-pin-22")
    with pytest.raises(VaultOwnedByAnotherUser, match="belongs to another clinician"):
        manager.vault_for(NURSE.subject)
    assert manager.parked_sync(NURSE.subject)[0] is nurse_vault
    await manager.release_parked(NURSE.subject)
    assert nurse_vault.closed and manager.syncing_for() == ()

    states = [(e.state, e.subject) for e in events if isinstance(e, SessionDidChange)]
    assert states[:4] == [
        (SessionState.ACTIVE, NURSE.subject),
        (SessionState.LOCKED, NURSE.subject),
        (SessionState.ACTIVE, NURSE.subject),
        (SessionState.SIGNED_OUT, None),
    ]
    assert states[4] == (SessionState.ACTIVE, GP.subject)
    assert all(e.display_name != "nurse-pin-1" for e in events if isinstance(e, SessionDidChange))


async def test_another_user_taking_over_a_locked_station_parks_the_first(tmp_path: Path) -> None:
    unlock = OfflineUnlock(tmp_path, params=FAST)
    await unlock.enroll(NURSE, "nurse-pin-1")
    await unlock.enroll(GP, "gp-pin-22")
    manager = SessionManager(
        publish=lambda e: None, offline=unlock, token_store=TokenStore(), vault_opener=_vault_opener
    )
    await manager.unlock_offline(NURSE.subject, "nurse-pin-1")
    await manager.lock()
    await manager.unlock_offline(GP.subject, "gp-pin-22")
    assert manager.identity == GP and manager.syncing_for() == (NURSE.subject,)
    with pytest.raises(WeakPin):
        await manager.set_pin("x")
    await manager.sign_out()
    with pytest.raises(SessionError, match="log in first"):
        await manager.set_pin("a-good-pin-9")
