"""Vaults on real SQLCipher files with the key in a real gnome-keyring (Secret Service)."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path

import pytest
from keyring.backends import SecretService, fail

from offline_cache.errors import (
    KeyringUnavailable,
    PlaintextDatabase,
    VaultCorrupted,
    VaultKeyMissing,
    WrongKey,
)
from offline_cache.keys import SecretStore
from offline_cache.vault import VaultId, open_connection, open_vault, recover_vault
from tests.fixtures.secret_service import SecretServiceSession
from tests.unit.offline_cache.units import measurement_unit

pytestmark = pytest.mark.integration

NAME = "Gianfranco Brambillasca"
CF = "BRMGFR51C12F205X"
ALICE = VaultId("lombardia", "alice-sub-0001")
BOB = VaultId("lombardia", "bob-sub-0002")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _seed(data_dir: Path, store: SecretStore) -> tuple[Path, str]:
    opened = await open_vault(data_dir=data_dir, vault_id=ALICE, secrets=store)
    assert opened.recovery_key is not None
    vault = opened.vault
    bundle = measurement_unit(patient_cf=CF).bundle_json.replace(
        b'"identifier": [{"system": "http://hl7.it/sid/codiceFiscale"',
        b'"name": [{"text": "' + NAME.encode() + b'"}], "identifier": [{"system": '
        b'"http://hl7.it/sid/codiceFiscale"',
    )
    assert NAME.encode() in bundle
    await vault.outbox.enqueue(measurement_unit(patient_cf=CF, bundle_json=bundle))
    await vault.audit.append(b'{"who":"' + NAME.encode() + b'"}')
    path = vault.path
    await vault.close()
    return path, opened.recovery_key


async def test_vault_file_is_unreadable_without_the_key(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path, _ = await _seed(tmp_path, store)
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for needle in (NAME.encode(), CF.encode(), b"CREATE TABLE", b"outbox"):
        assert needle not in raw
    proc = await asyncio.create_subprocess_exec(
        "strings", "-n", "6", str(path), stdout=asyncio.subprocess.PIPE
    )
    printable, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0 and len(printable) > 0
    assert NAME.encode() not in printable and CF.encode() not in printable
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()
    # The key is in gnome-keyring, not on disk next to the file.
    key = store.load(ALICE.account)
    assert key is not None and key.hex().encode() not in raw
    for other in path.parent.iterdir():
        assert key.hex().encode() not in other.read_bytes()
    # Reopening with the key from the keyring gives the data back; no new recovery key.
    reopened = await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    assert reopened.recovery_key is None
    try:
        units = await reopened.vault.outbox.ready(limit=5)
        assert NAME.encode() in units[0].bundle_json
        assert await reopened.vault.integrity_check() == ["ok"]
    finally:
        await reopened.vault.close()


async def test_second_users_vault_does_not_open_with_the_first_users_key(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    await _seed(tmp_path, store)
    bob = await open_vault(data_dir=tmp_path, vault_id=BOB, secrets=store)
    await bob.vault.close()
    alice_key = store.load(ALICE.account)
    assert alice_key is not None and alice_key != store.load(BOB.account)
    with pytest.raises(WrongKey):
        open_connection(BOB.db_path(tmp_path), alice_key, key_verified=False)
    store.store(BOB.account, alice_key)  # a swapped keyring entry is detected before SQL
    with pytest.raises(WrongKey):
        await open_vault(data_dir=tmp_path, vault_id=BOB, secrets=store)


async def test_lost_keyring_entry_is_recovered_with_the_recovery_key(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path, recovery = await _seed(tmp_path, store)
    store.delete(ALICE.account)
    with pytest.raises(VaultKeyMissing, match="recovery key"):
        await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    other = await open_vault(data_dir=tmp_path, vault_id=BOB, secrets=store)
    await other.vault.close()
    assert other.recovery_key is not None
    with pytest.raises(WrongKey):
        await recover_vault(
            data_dir=tmp_path, vault_id=ALICE, recovery_key=other.recovery_key, secrets=store
        )
    with pytest.raises(WrongKey):
        await recover_vault(
            data_dir=tmp_path, vault_id=ALICE, recovery_key="not-a-key", secrets=store
        )
    vault = await recover_vault(
        data_dir=tmp_path, vault_id=ALICE, recovery_key=recovery.lower(), secrets=store
    )
    assert (await vault.outbox.counts()).pending == 1
    await vault.close()
    # The key is back in the keyring: a normal open works again.
    reopened = await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    await reopened.vault.close()
    assert reopened.vault.path == path


async def test_corrupted_file_is_reported_and_kept(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path, _ = await _seed(tmp_path, store)
    damaged = bytearray(path.read_bytes())
    damaged[100:200] = bytes(100)  # inside page 1: its HMAC no longer matches
    path.write_bytes(bytes(damaged))
    before = _sha(path)
    with pytest.raises(VaultCorrupted) as caught:
        await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    assert caught.value.path == path
    assert _sha(path) == before
    with pytest.raises(VaultCorrupted):  # and again: still not overwritten by a new vault
        await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    assert _sha(path) == before


async def test_damaged_key_file_is_reported_and_kept(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    await _seed(tmp_path, store)
    info = ALICE.keyinfo_path(tmp_path)
    info.write_text('{"format": 1, "key_check": ')
    with pytest.raises(VaultCorrupted) as caught:
        await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    assert caught.value.path == info
    assert info.read_text() == '{"format": 1, "key_check": '


async def test_plaintext_sqlite_in_place_of_a_vault_is_refused(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    path = ALICE.db_path(tmp_path)
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    store.store(ALICE.account, bytes(32))
    before = _sha(path)
    with pytest.raises(PlaintextDatabase):
        await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    assert _sha(path) == before


async def test_no_secret_store_refuses_to_create_a_vault(tmp_path: Path) -> None:
    with pytest.raises(KeyringUnavailable, match="gnome-keyring"):
        await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=SecretStore(fail.Keyring()))
    assert not (tmp_path / "vaults").exists() or not any((tmp_path / "vaults").rglob("*"))


async def test_secret_service_without_a_daemon_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A session bus address where nothing listens: what a headless box without gnome-keyring has.
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    with pytest.raises(KeyringUnavailable, match="Secret Service"):
        await open_vault(
            data_dir=tmp_path, vault_id=ALICE, secrets=SecretStore(SecretService.Keyring())
        )
    assert not ALICE.db_path(tmp_path).exists()


async def test_write_ahead_log_of_an_open_vault_is_encrypted_too(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    opened = await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    try:
        bundle = measurement_unit(patient_cf=CF).bundle_json.replace(
            b'"resourceType": "Patient"',
            b'"resourceType": "Patient", "name": [{"text": "' + NAME.encode() + b'"}]',
        )
        await opened.vault.outbox.enqueue(measurement_unit(patient_cf=CF, bundle_json=bundle))
        wal = opened.vault.path.with_name(opened.vault.path.name + "-wal")
        raw = await asyncio.to_thread(wal.read_bytes)  # not checkpointed yet: the data is here
        assert len(raw) > 4096
        assert NAME.encode() not in raw and CF.encode() not in raw
    finally:
        await opened.vault.close()


async def test_damage_past_the_first_page_is_reported_on_use_and_kept(
    tmp_path: Path, secret_service: SecretServiceSession
) -> None:
    store = SecretStore(secret_service.backend)
    opened = await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    for i in range(40):
        await opened.vault.outbox.enqueue(measurement_unit(identifier=f"fill-{i}"))
    path = opened.vault.path
    await opened.vault.close()
    size = path.stat().st_size
    assert size >= 4 * 4096
    damaged = bytearray(path.read_bytes())
    damaged[size - 2000 : size - 1900] = bytes(100)  # inside the last page
    path.write_bytes(bytes(damaged))
    before = _sha(path)
    reopened = await open_vault(data_dir=tmp_path, vault_id=ALICE, secrets=store)
    try:
        with pytest.raises(VaultCorrupted):
            for _ in range(3):  # every page gets read by one of these
                await reopened.vault.outbox.units(limit=1000)
                await reopened.vault.outbox.ready(limit=100)
                await reopened.vault.integrity_check()
    finally:
        await reopened.vault.close()
    assert _sha(path) == before
