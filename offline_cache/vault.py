"""Per-user, per-tenant encrypted vaults (SQLCipher 4, WAL, raw 256-bit key).

Layout: ``<data_dir>/vaults/<tenant>/<user hash>.vault`` (no user name in the path) plus
``<same>.keyinfo.json`` (fingerprint of the key and the data key wrapped by the recovery key).

- :func:`open_vault` opens the user's vault, creating it on first run; the first run returns the
  recovery key, to be shown once and exported by the user.
- :func:`recover_vault` opens a vault whose secret-store entry was lost, with the recovery key,
  and puts the key back in the secret store.

Errors: :class:`KeyringUnavailable` (refuses to store health data without a secret store),
:class:`VaultKeyMissing`, :class:`WrongKey`, :class:`VaultCorrupted` (the file is kept, never
overwritten), :class:`PlaintextDatabase`, :class:`VaultTooNew`, :class:`MigrationError`.

Thread affinity: the coroutines run blocking work off the caller's loop (keyring in a worker
thread, SQL on the vault's DB thread).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from offline_cache import migrations
from offline_cache.audit_chain import AuditChain
from offline_cache.db import Connection, Database
from offline_cache.errors import (
    PlaintextDatabase,
    VaultCorrupted,
    VaultKeyMissing,
    WrongKey,
)
from offline_cache.keys import (
    KeyInfo,
    SecretStore,
    format_recovery_key,
    new_key,
    parse_recovery_key,
)
from offline_cache.outbox import Outbox
from offline_cache.pull_cache import PullCache

__all__ = ["OpenedVault", "Vault", "VaultId", "open_vault", "recover_vault", "vault_exists"]

_SQLITE_HEADER = b"SQLite format 3\x00"
_TENANT_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class VaultId:
    """Whose vault: the regional tenant and the user's stable id (e.g. the OIDC ``sub``)."""

    tenant: str
    user: str

    def __post_init__(self) -> None:
        if not _TENANT_RE.match(self.tenant):
            raise ValueError("tenant must be a short lowercase name")
        if not self.user:
            raise ValueError("user must not be empty")

    @property
    def account(self) -> str:
        """The secret-store account name."""
        return f"{self.tenant}:{self.user}"

    def db_path(self, data_dir: Path) -> Path:
        stem = hashlib.sha256(self.account.encode("utf-8")).hexdigest()[:24]
        return data_dir / "vaults" / self.tenant / f"{stem}.vault"

    def keyinfo_path(self, data_dir: Path) -> Path:
        db = self.db_path(data_dir)
        return db.with_name(db.name + ".keyinfo.json")


class Vault:
    """An open vault: the DB thread and the typed stores on top of it."""

    def __init__(self, *, vault_id: VaultId, path: Path, db: Database) -> None:
        self.vault_id = vault_id
        self.path = path
        self.db = db
        self.outbox = Outbox(db)
        self.audit = AuditChain(db)
        self.cache = PullCache(db)

    async def schema_version(self) -> int:
        return await self.db.read(migrations.schema_version)

    async def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` rows (``["ok"]`` when sound) plus SQLCipher's HMAC check."""

        def check(conn: Connection) -> list[str]:
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
            rows += [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
            return rows

        return await self.db.read(check)

    async def close(self) -> None:
        """Checkpoint and close (idempotent)."""
        await self.db.close()


@dataclass(frozen=True, slots=True)
class OpenedVault:
    """Result of :func:`open_vault`. ``recovery_key`` is set only when the vault was created."""

    vault: Vault
    recovery_key: str | None


def vault_exists(data_dir: Path, vault_id: VaultId) -> bool:
    """True if a vault file (or its key file) exists for ``vault_id``."""
    return vault_id.db_path(data_dir).exists() or vault_id.keyinfo_path(data_dir).exists()


async def open_vault(
    *,
    data_dir: Path,
    vault_id: VaultId,
    secrets: SecretStore | None = None,
    create: bool = True,
) -> OpenedVault:
    """Open (or on first run create) the vault of ``vault_id``.

    The key comes from the OS secret store. On creation a fresh data key goes to the secret
    store, its recovery-wrapped copy next to the vault, and the recovery key is returned once.
    Raises the errors listed in the module docstring; FileNotFoundError if ``create`` is False
    and there is no vault.
    """
    store = secrets or SecretStore()
    db_path = vault_id.db_path(data_dir)
    info_path = vault_id.keyinfo_path(data_dir)
    await asyncio.to_thread(store.check_available)
    if not vault_exists(data_dir, vault_id):
        if not create:
            raise FileNotFoundError("no offline store for this user yet")
        data_key, recovery = new_key(), new_key()
        await asyncio.to_thread(db_path.parent.mkdir, parents=True, exist_ok=True)
        # Secret store first: if it refuses, nothing has been written.
        await asyncio.to_thread(store.store, vault_id.account, data_key)
        info = KeyInfo.wrap(data_key, recovery, account=vault_id.account)
        await asyncio.to_thread(info.write, info_path)
        vault = await _open_db(vault_id, db_path, data_key, info)
        return OpenedVault(vault, format_recovery_key(recovery))
    stored_key = await asyncio.to_thread(store.load, vault_id.account)
    if stored_key is None:
        raise VaultKeyMissing(
            "the secret store has no key for this user's offline data: open it with the recovery"
            " key exported at first run"
        )
    found = await _read_info(info_path)
    if found is not None and not found.matches(stored_key):
        raise WrongKey("the key in the secret store does not open this user's offline data")
    return OpenedVault(await _open_db(vault_id, db_path, stored_key, found), None)


async def recover_vault(
    *,
    data_dir: Path,
    vault_id: VaultId,
    recovery_key: str,
    secrets: SecretStore | None = None,
) -> Vault:
    """Open a vault with its recovery key and store the data key in the secret store again.

    Raises :class:`WrongKey` (not this vault's recovery key), :class:`VaultCorrupted`,
    :class:`KeyringUnavailable`, FileNotFoundError (no key file).
    """
    store = secrets or SecretStore()
    info_path = vault_id.keyinfo_path(data_dir)
    await asyncio.to_thread(store.check_available)
    info = await _read_info(info_path)
    if info is None:
        raise FileNotFoundError("this user has no offline store key file to recover from")
    data_key = info.unwrap(parse_recovery_key(recovery_key), account=vault_id.account)
    vault = await _open_db(vault_id, vault_id.db_path(data_dir), data_key, info)
    await asyncio.to_thread(store.store, vault_id.account, data_key)
    return vault


async def _read_info(path: Path) -> KeyInfo | None:
    if not await asyncio.to_thread(path.exists):
        return None
    return await asyncio.to_thread(KeyInfo.read, path)


async def _open_db(vault_id: VaultId, path: Path, key: bytes, info: KeyInfo | None) -> Vault:
    def opener() -> Connection:
        return open_connection(path, key, key_verified=info is not None)

    db = await Database.open(opener, name=f"vault-{vault_id.tenant}", path=path)
    return Vault(vault_id=vault_id, path=path, db=db)


def open_connection(path: Path, key: bytes, *, key_verified: bool) -> Connection:
    """Open, key, configure (WAL, synchronous=FULL, foreign keys) and migrate one vault file.

    ``key_verified``: the key matched the key file's fingerprint, so a failure to read means
    the file is damaged (:class:`VaultCorrupted`) rather than a :class:`WrongKey`. The file is
    never rewritten on failure. DB thread only.
    """
    if path.exists():
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
        if header == _SQLITE_HEADER:
            raise PlaintextDatabase(
                "an unencrypted database is where the offline store should be; it was refused"
                " and kept as is",
                path=path,
            )
    conn: Connection = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=True)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if key_verified:
            raise VaultCorrupted(
                "the offline store file is damaged; it was kept as is for the help desk",
                path=path,
            ) from exc
        raise WrongKey("the key does not open this offline store (or the file is damaged)") from exc
    try:
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        # FULL: enqueue() promises durability on return, also across power loss.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrations.migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn
