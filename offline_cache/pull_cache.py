"""What was pulled from the regional backend, with per-stream ``_lastUpdated`` watermarks.

The workstation reads worklists, patients, care plans, thresholds, device associations and
consents from here when offline. A pulled page and its new watermark are stored in one
transaction, so a crash never advances a watermark past resources that were not stored.

Resources are stored as the server's JSON bytes (the caller serializes with
``app.backend.fhirjson`` so decimals keep their digits). Coroutines may be awaited on any loop;
SQL runs on the DB thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from offline_cache.db import Connection, Database

__all__ = ["CachedResource", "PullCache"]


@dataclass(frozen=True, slots=True)
class CachedResource:
    """One pulled resource. ``patient_ref`` is ``Patient/<id>`` when it concerns one patient."""

    resource_type: str
    resource_id: str
    last_updated: str | None
    patient_ref: str | None
    resource_json: bytes


class PullCache:
    """The local copy of pulled resources."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def store(
        self, stream: str, resources: Sequence[CachedResource], *, watermark: str | None
    ) -> None:
        """Upsert ``resources`` and set the stream's watermark, atomically."""

        def write(conn: Connection) -> None:
            conn.executemany(
                "INSERT INTO cached_resource (resource_type, resource_id, last_updated,"
                " patient_ref, resource_json) VALUES (?,?,?,?,?)"
                " ON CONFLICT (resource_type, resource_id) DO UPDATE SET"
                " last_updated = excluded.last_updated, patient_ref = excluded.patient_ref,"
                " resource_json = excluded.resource_json",
                [
                    (r.resource_type, r.resource_id, r.last_updated, r.patient_ref, r.resource_json)
                    for r in resources
                ],
            )
            conn.execute(
                "INSERT INTO pull_watermark (stream, watermark, pulled_at_utc) VALUES (?,?,?)"
                " ON CONFLICT (stream) DO UPDATE SET watermark = excluded.watermark,"
                " pulled_at_utc = excluded.pulled_at_utc",
                (stream, watermark, datetime.now(UTC).isoformat()),
            )

        await self._db.write(write)

    async def put_local(self, resource: CachedResource) -> None:
        """Upsert one resource written locally (e.g. the result of a sent unit)."""

        def write(conn: Connection) -> None:
            conn.execute(
                "INSERT INTO cached_resource (resource_type, resource_id, last_updated,"
                " patient_ref, resource_json) VALUES (?,?,?,?,?)"
                " ON CONFLICT (resource_type, resource_id) DO UPDATE SET"
                " last_updated = excluded.last_updated, patient_ref = excluded.patient_ref,"
                " resource_json = excluded.resource_json",
                (
                    resource.resource_type,
                    resource.resource_id,
                    resource.last_updated,
                    resource.patient_ref,
                    resource.resource_json,
                ),
            )

        await self._db.write(write)

    async def watermark(self, stream: str) -> str | None:
        """The stream's watermark (None before its first pull)."""
        row = await self._db.read(
            lambda c: c.execute(
                "SELECT watermark FROM pull_watermark WHERE stream = ?", (stream,)
            ).fetchone()
        )
        return row[0] if row else None

    async def last_pulled_utc(self) -> datetime | None:
        """When any stream was last pulled successfully."""
        row = await self._db.read(
            lambda c: c.execute("SELECT MAX(pulled_at_utc) FROM pull_watermark").fetchone()
        )
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def get(self, resource_type: str, resource_id: str) -> bytes | None:
        """The stored JSON of one resource."""
        row = await self._db.read(
            lambda c: c.execute(
                "SELECT resource_json FROM cached_resource WHERE resource_type = ?"
                " AND resource_id = ?",
                (resource_type, resource_id),
            ).fetchone()
        )
        return bytes(row[0]) if row else None

    async def list(
        self, resource_type: str, *, patient_ref: str | None = None, limit: int = 10_000
    ) -> list[bytes]:
        """Stored resources of a type (optionally of one patient), by ``lastUpdated``."""
        sql = "SELECT resource_json FROM cached_resource WHERE resource_type = ?"
        params: list[object] = [resource_type]
        if patient_ref is not None:
            sql += " AND patient_ref = ?"
            params.append(patient_ref)
        sql += " ORDER BY last_updated, resource_id LIMIT ?"
        params.append(limit)
        rows = await self._db.read(lambda c: c.execute(sql, params).fetchall())
        return [bytes(r[0]) for r in rows]

    async def counts(self) -> dict[str, int]:
        """Number of stored resources per type."""
        rows = await self._db.read(
            lambda c: c.execute(
                "SELECT resource_type, COUNT(*) FROM cached_resource GROUP BY resource_type"
            ).fetchall()
        )
        return {str(t): int(n) for t, n in rows}
