"""Schema migrations of the offline store: ``NNNN_name.sql``, one file per ``user_version``.

Each file runs in one transaction together with ``PRAGMA user_version = NNNN`` (STYLE §5); a
failure rolls everything back. Never edit a released file: add the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import sqlcipher3

from offline_cache.errors import MigrationError, VaultTooNew

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """Every migration shipped with this release, in version order (checked to have no gaps)."""
    found: list[Migration] = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise MigrationError("migration files are not numbered 0001..N without gaps")
    return found


LATEST = len(available())


def schema_version(conn: sqlcipher3.Connection) -> int:
    """The database's ``user_version``."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlcipher3.Connection, *, target: int | None = None) -> list[int]:
    """Apply every migration above the current version up to ``target`` (default: latest).

    Returns the versions applied. Raises :class:`VaultTooNew` for a database newer than this
    release and :class:`MigrationError` (after rollback) when a migration fails. DB thread only;
    the connection must be in autocommit mode (``isolation_level=None``).
    """
    current = schema_version(conn)
    migrations = available()
    target = len(migrations) if target is None else target
    if current > len(migrations):
        raise VaultTooNew(
            f"the offline store has schema {current}, this release knows up to {len(migrations)}:"
            " update the workstation"
        )
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= current or migration.version > target:
            continue
        try:
            conn.executescript(
                "BEGIN IMMEDIATE;\n"
                + migration.sql
                + f"\nPRAGMA user_version = {migration.version};\nCOMMIT;"
            )
        except sqlcipher3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
        applied.append(migration.version)
    return applied
