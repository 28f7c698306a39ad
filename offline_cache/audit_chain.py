"""A hash-chained, append-only local audit log (the login/security area builds on it).

Every entry stores the SHA-256 of the previous one, so deleting, reordering or editing an entry
breaks the chain from that point; :meth:`AuditChain.verify` reports the first break. The chain
lives inside the encrypted vault, so it is neither readable nor forgeable without the key.

Thread affinity: coroutines may be awaited on any loop; SQL runs on the DB thread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from offline_cache.db import Connection, Database

GENESIS_HASH = "0" * 64
_BATCH = 500

__all__ = ["GENESIS_HASH", "AuditChain", "AuditRecord", "ChainVerification", "entry_hash"]


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One chained entry. ``entry_json`` is the caller's payload (e.g. a FHIR AuditEvent)."""

    seq: int
    recorded_at_utc: datetime
    entry_json: bytes
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainVerification:
    """Result of :meth:`AuditChain.verify`: ``ok``, or the first broken ``seq`` and why."""

    ok: bool
    entries_checked: int
    first_break_seq: int | None = None
    reason: str | None = None


def entry_hash(*, seq: int, recorded_at_utc: str, entry_json: bytes, prev_hash: str) -> str:
    """The chained hash: SHA-256 over previous hash, sequence number, time and payload."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n%d\n" % seq)
    digest.update(recorded_at_utc.encode("ascii"))
    digest.update(b"\n")
    digest.update(entry_json)
    return digest.hexdigest()


class AuditChain:
    """Append and verify the chain stored in one vault."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def append(
        self, entry_json: bytes, *, recorded_at_utc: datetime | None = None
    ) -> AuditRecord:
        """Append one entry (durable on return) and give back its sequence number and hashes.

        ``recorded_at_utc`` defaults to now; it must be timezone-aware.
        """
        at = (recorded_at_utc or datetime.now(UTC)).astimezone(UTC)
        if recorded_at_utc is not None and recorded_at_utc.tzinfo is None:
            raise ValueError("recorded_at_utc must be timezone-aware")
        at_text = at.isoformat()

        def insert(conn: Connection) -> AuditRecord:
            row = conn.execute(
                "SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS_HASH)
            digest = entry_hash(
                seq=seq, recorded_at_utc=at_text, entry_json=entry_json, prev_hash=prev
            )
            conn.execute(
                "INSERT INTO audit_chain (seq, recorded_at_utc, entry_json, prev_hash, hash)"
                " VALUES (?,?,?,?,?)",
                (seq, at_text, entry_json, prev, digest),
            )
            return AuditRecord(seq, at, entry_json, prev, digest)

        return await self._db.write(insert)

    async def head(self) -> AuditRecord | None:
        """The last entry, or None for an empty chain."""
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT seq, recorded_at_utc, entry_json, prev_hash, hash FROM audit_chain"
                " ORDER BY seq DESC LIMIT 1"
            ).fetchall()
        )
        return _record(rows[0]) if rows else None

    async def entries(self, *, after_seq: int = 0, limit: int = _BATCH) -> list[AuditRecord]:
        """Entries with ``seq > after_seq`` in order (for export / upload)."""
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT seq, recorded_at_utc, entry_json, prev_hash, hash FROM audit_chain"
                " WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, limit),
            ).fetchall()
        )
        return [_record(r) for r in rows]

    async def verify(self) -> ChainVerification:
        """Recompute the whole chain in batches; report the first entry that does not match."""
        checked = 0
        expected_seq = 1
        prev = GENESIS_HASH
        while True:
            batch = await self.entries(after_seq=expected_seq - 1)
            if not batch:
                return ChainVerification(ok=True, entries_checked=checked)
            for record in batch:
                if record.seq != expected_seq:
                    return ChainVerification(
                        False, checked, expected_seq, f"entry {expected_seq} is missing"
                    )
                if record.prev_hash != prev:
                    return ChainVerification(
                        False, checked, record.seq, "previous-hash link does not match"
                    )
                recomputed = entry_hash(
                    seq=record.seq,
                    recorded_at_utc=record.recorded_at_utc.isoformat(),
                    entry_json=record.entry_json,
                    prev_hash=record.prev_hash,
                )
                if recomputed != record.hash:
                    return ChainVerification(
                        False, checked, record.seq, "entry content does not match its hash"
                    )
                prev = record.hash
                expected_seq += 1
                checked += 1


def _record(row: tuple[int, str, bytes, str, str]) -> AuditRecord:
    return AuditRecord(row[0], datetime.fromisoformat(row[1]), bytes(row[2]), row[3], row[4])
