"""The outbox: units of work persisted before any network I/O, then sent exactly once.

Implements :class:`app.domain.outbox.OutboxWriter`. The sender is ``app.services.sync``; this
module only keeps state: what is pending, what was sent (only after the 2xx response is stored),
what failed and why.

Ordering: a unit is *ready* when it is pending, its next attempt time has come and no earlier
pending unit has the same ``patient_key``. Dead letters do not hold back later units of the same
patient (they wait for a clinician's retry; the sync page shows them).

Thread affinity: every coroutine may be awaited on any loop; SQL runs on the DB thread.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.outbox import OutboxUnit, ResourceUpdate
from offline_cache.db import Connection, Database
from offline_cache.errors import UnknownUnit

CHUNK_BYTES = 64 * 1024
#: How many of the oldest pending units :meth:`Outbox.ready` looks at.
READY_WINDOW = 256

__all__ = [
    "AttachmentInfo",
    "Outbox",
    "PendingUnit",
    "QueueCounts",
    "UnitState",
    "UnitSummary",
]


class UnitState:
    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Queue depth: ``pending`` (incl. waiting for retry), ``dead`` letters, ``done`` units."""

    pending: int
    dead: int
    done: int
    last_success_utc: datetime | None


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    client_id: str
    content_type: str
    size_bytes: int
    sha256: str
    sent: bool


@dataclass(frozen=True, slots=True)
class PendingUnit:
    """A unit to send, with its progress (steps already done are not repeated)."""

    seq: int
    unit_id: str
    kind: str
    patient_key: str | None
    bundle_json: bytes
    updates: tuple[ResourceUpdate, ...]
    attachments: tuple[AttachmentInfo, ...]
    bundle_done: bool
    updates_done: int
    attempts: int


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """What the sync page and the CLI show about a unit (no payload)."""

    unit_id: str
    kind: str
    label: str
    state: str
    attempts: int
    last_error: str | None
    last_status: int | None
    created_at_utc: datetime
    next_attempt_at_utc: datetime | None
    done_at_utc: datetime | None


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _updates_to_json(updates: Iterable[ResourceUpdate]) -> bytes:
    # Merge patches come from producers as plain JSON values; decimals are kept as strings of
    # their digits by the producer if precision matters (patches touch status fields, not values).
    return json.dumps(
        [
            {
                "resource_type": u.resource_type,
                "resource_id": u.resource_id,
                "merge_patch": u.merge_patch,
                "if_match": u.if_match,
            }
            for u in updates
        ],
        default=str,
    ).encode("utf-8")


def _updates_from_json(raw: bytes) -> tuple[ResourceUpdate, ...]:
    return tuple(
        ResourceUpdate(
            resource_type=d["resource_type"],
            resource_id=d["resource_id"],
            merge_patch=d["merge_patch"],
            if_match=d["if_match"],
        )
        for d in json.loads(raw)
    )


class Outbox:
    """The persistent queue of :class:`OutboxUnit` (an ``OutboxWriter``).

    Listeners added with :meth:`add_listener` are called (on the loop that awaited the change)
    after every committed change, e.g. to wake the sync worker or publish the queue depth.
    """

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._listeners: list[Callable[[], None]] = []

    def add_listener(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # ----------------------------------------------------------------- writing

    async def enqueue(self, unit: OutboxUnit) -> None:
        """Persist ``unit`` (and its attachments, streamed from files chunk by chunk) durably.

        Returns after the commit. Enqueueing the same ``unit_id`` again is a no-op. Raises
        ``OSError`` if an attachment file cannot be read (nothing is stored then) and the store's
        :class:`~offline_cache.errors.StoreError` subclasses.
        """

        def insert(conn: Connection) -> bool:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO outbox (unit_id, kind, patient_key, label, bundle_json,"
                " updates_json, created_at_utc, enqueued_at_utc) VALUES (?,?,?,?,?,?,?,?)",
                (
                    str(unit.unit_id),
                    str(unit.kind),
                    unit.patient_key,
                    unit.label,
                    unit.bundle_json,
                    _updates_to_json(unit.updates),
                    unit.created_at_utc.astimezone(UTC).isoformat(),
                    _now_iso(),
                ),
            )
            if cursor.rowcount == 0:
                return False
            for position, attachment in enumerate(unit.attachments):
                digest = hashlib.sha256()
                size = 0
                conn.execute(
                    "INSERT INTO outbox_attachment (unit_id, client_id, content_type, size_bytes,"
                    " sha256, position) VALUES (?,?,?,0,'',?)",
                    (str(unit.unit_id), attachment.client_id, attachment.content_type, position),
                )
                for index, chunk in enumerate(_chunks_of(attachment.data, attachment.source_path)):
                    digest.update(chunk)
                    size += len(chunk)
                    conn.execute(
                        "INSERT INTO outbox_chunk (unit_id, client_id, chunk_index, data)"
                        " VALUES (?,?,?,?)",
                        (str(unit.unit_id), attachment.client_id, index, chunk),
                    )
                conn.execute(
                    "UPDATE outbox_attachment SET size_bytes = ?, sha256 = ?"
                    " WHERE unit_id = ? AND client_id = ?",
                    (size, digest.hexdigest(), str(unit.unit_id), attachment.client_id),
                )
            return True

        if await self._db.write(insert):
            self._changed()

    async def mark_attachment_sent(self, unit_id: str, client_id: str) -> None:
        """Record that ``PUT Binary/{client_id}`` got a 2xx."""
        await self._db.write(
            lambda c: c.execute(
                "UPDATE outbox_attachment SET sent = 1 WHERE unit_id = ? AND client_id = ?",
                (unit_id, client_id),
            )
        )

    async def mark_bundle_done(self, unit_id: str, *, response_json: bytes) -> None:
        """Store the transaction-response; the unit is done if it has no updates left."""

        def mark(conn: Connection) -> None:
            conn.execute(
                "UPDATE outbox SET bundle_done = 1, response_json = ?, last_error = NULL,"
                " last_status = NULL WHERE unit_id = ?",
                (response_json, unit_id),
            )
            _finish_if_complete(conn, unit_id)

        await self._db.write(mark)
        self._changed()

    async def mark_update_done(self, unit_id: str, index: int) -> None:
        """Record that update ``index`` (0-based) of the unit got a 2xx."""

        def mark(conn: Connection) -> None:
            conn.execute(
                "UPDATE outbox SET updates_done = MAX(updates_done, ?) WHERE unit_id = ?",
                (index + 1, unit_id),
            )
            _finish_if_complete(conn, unit_id)

        await self._db.write(mark)
        self._changed()

    async def record_failure(
        self,
        unit_id: str,
        *,
        reason: str,
        status: int | None,
        retry_in_s: float | None,
    ) -> None:
        """Count a failed attempt; ``retry_in_s`` None moves the unit to the dead letters.

        ``reason`` is shown to the clinician: the server's OperationOutcome text or a plain
        description of the network failure (never the payload).
        """
        now = self._clock()

        def mark(conn: Connection) -> None:
            if retry_in_s is None:
                conn.execute(
                    "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?,"
                    " last_status = ? WHERE unit_id = ? AND state = 'pending'",
                    (reason, status, unit_id),
                )
            else:
                conn.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_status = ?,"
                    " next_attempt_at = ? WHERE unit_id = ? AND state = 'pending'",
                    (reason, status, now + max(0.0, retry_in_s), unit_id),
                )

        await self._db.write(mark)
        self._changed()

    async def retry(self, unit_id: str) -> None:
        """Put a dead letter (or a unit waiting for back-off) back in line for an immediate try.

        Raises :class:`UnknownUnit`. A unit already done stays done.
        """

        def mark(conn: Connection) -> None:
            row = conn.execute("SELECT state FROM outbox WHERE unit_id = ?", (unit_id,)).fetchone()
            if row is None:
                raise UnknownUnit("no such item in the outbox")
            conn.execute(
                "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0"
                " WHERE unit_id = ? AND state != 'done'",
                (unit_id,),
            )

        await self._db.write(mark)
        self._changed()

    async def retry_all_now(self) -> int:
        """Make every pending unit due now (e.g. the link is back); returns how many."""
        count: int = await self._db.write(
            lambda c: (
                c.execute(
                    "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'"
                    " AND next_attempt_at > 0"
                ).rowcount
            )
        )
        self._changed()
        return count

    # ----------------------------------------------------------------- reading

    async def ready(self, *, limit: int, exclude: Iterable[str] = ()) -> list[PendingUnit]:
        """Up to ``limit`` units due now, oldest first, at most one per patient.

        ``exclude`` holds unit ids already in flight (they are skipped, and so is everything
        queued after them for the same patient). Only the oldest ``READY_WINDOW`` pending units
        are considered, so the cost does not grow with the queue; the window is a prefix of the
        queue, so "no earlier pending unit of this patient inside it" is exact.
        """
        now = self._clock()
        excluded = set(exclude)

        def select(conn: Connection) -> list[PendingUnit]:
            # INDEXED BY: walk the partial index of pending units in enqueue order (0004) and
            # stop after the window, instead of sorting every pending row on each call.
            window = conn.execute(
                "SELECT seq, unit_id, patient_key, next_attempt_at FROM outbox"
                " INDEXED BY outbox_pending WHERE state = 'pending' ORDER BY seq LIMIT ?",
                (READY_WINDOW,),
            ).fetchall()
            chosen: list[int] = []
            blocked: set[str] = set()
            for seq, unit_id, patient_key, next_attempt_at in window:
                if len(chosen) >= limit:
                    break
                earlier_pending = patient_key is not None and patient_key in blocked
                if patient_key is not None:
                    blocked.add(patient_key)
                if earlier_pending or unit_id in excluded or next_attempt_at > now:
                    continue
                chosen.append(seq)
            return [_load_pending(conn, seq) for seq in chosen]

        return await self._db.read(select)

    async def next_due_in_s(self) -> float | None:
        """Seconds until a unit can be sent (0: now), None if nothing is pending.

        Only units that :meth:`ready` could return count: a unit queued behind an earlier one of
        the same patient waits for that one, so it does not make the sender spin.
        """
        now = self._clock()

        def select(conn: Connection) -> float | None:
            window = conn.execute(
                "SELECT patient_key, next_attempt_at FROM outbox INDEXED BY outbox_pending"
                " WHERE state = 'pending' ORDER BY seq LIMIT ?",
                (READY_WINDOW,),
            ).fetchall()
            seen: set[str] = set()
            earliest: float | None = None
            for patient_key, next_attempt_at in window:
                if patient_key is not None:
                    if patient_key in seen:
                        continue
                    seen.add(patient_key)
                if earliest is None or next_attempt_at < earliest:
                    earliest = float(next_attempt_at)
            return earliest

        earliest = await self._db.read(select)
        return None if earliest is None else max(0.0, earliest - now)

    async def attachment_chunks(self, unit_id: str, client_id: str) -> AsyncIterator[bytes]:
        """Yield the stored content of one attachment, 64 KiB at a time (one DB read each)."""
        index = 0

        def fetch(conn: Connection) -> bytes | None:
            row = conn.execute(
                "SELECT data FROM outbox_chunk WHERE unit_id = ? AND client_id = ?"
                " AND chunk_index = ?",
                (unit_id, client_id, index),
            ).fetchone()
            return bytes(row[0]) if row is not None else None

        while True:
            chunk = await self._db.read(fetch)
            if chunk is None:
                return
            yield chunk
            index += 1

    async def counts(self) -> QueueCounts:
        """Depth of the queue and the time of the last unit sent."""

        def select(conn: Connection) -> QueueCounts:
            by_state = dict(
                conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
            )
            last = conn.execute(
                "SELECT MAX(done_at_utc) FROM outbox INDEXED BY outbox_done_at WHERE state = 'done'"
            ).fetchone()[0]
            return QueueCounts(
                pending=int(by_state.get("pending", 0)),
                dead=int(by_state.get("dead", 0)),
                done=int(by_state.get("done", 0)),
                last_success_utc=datetime.fromisoformat(last) if last else None,
            )

        return await self._db.read(select)

    async def units(self, *, state: str | None = None, limit: int = 200) -> list[UnitSummary]:
        """Summaries, oldest first, optionally of one state (``pending``/``dead``/``done``)."""

        def select(conn: Connection) -> list[UnitSummary]:
            where, params = ("WHERE state = ?", [state]) if state else ("", [])
            rows = conn.execute(
                "SELECT unit_id, kind, label, state, attempts, last_error, last_status,"
                " created_at_utc, next_attempt_at, done_at_utc FROM outbox "
                + where
                + " ORDER BY seq LIMIT ?",
                [*params, limit],
            ).fetchall()
            return [_summary(row) for row in rows]

        return await self._db.read(select)

    async def response_json(self, unit_id: str) -> bytes | None:
        """The stored transaction-response of a sent unit (None before it was sent)."""
        row = await self._db.read(
            lambda c: c.execute(
                "SELECT response_json FROM outbox WHERE unit_id = ?", (unit_id,)
            ).fetchone()
        )
        if row is None:
            raise UnknownUnit("no such item in the outbox")
        return bytes(row[0]) if row[0] is not None else None


def _summary(row: Any) -> UnitSummary:
    return UnitSummary(
        unit_id=row[0],
        kind=row[1],
        label=row[2],
        state=row[3],
        attempts=int(row[4]),
        last_error=row[5],
        last_status=row[6],
        created_at_utc=datetime.fromisoformat(row[7]),
        next_attempt_at_utc=datetime.fromtimestamp(row[8], UTC) if row[8] else None,
        done_at_utc=datetime.fromisoformat(row[9]) if row[9] else None,
    )


def _load_pending(conn: Connection, seq: int) -> PendingUnit:
    row = conn.execute(
        "SELECT seq, unit_id, kind, patient_key, bundle_json, updates_json, bundle_done,"
        " updates_done, attempts FROM outbox WHERE seq = ?",
        (seq,),
    ).fetchone()
    attachments = tuple(
        AttachmentInfo(a[0], a[1], a[2], a[3], bool(a[4]))
        for a in conn.execute(
            "SELECT client_id, content_type, size_bytes, sha256, sent"
            " FROM outbox_attachment WHERE unit_id = ? ORDER BY position",
            (row[1],),
        )
    )
    return PendingUnit(
        seq=row[0],
        unit_id=row[1],
        kind=row[2],
        patient_key=row[3],
        bundle_json=bytes(row[4]),
        updates=_updates_from_json(row[5]),
        attachments=attachments,
        bundle_done=bool(row[6]),
        updates_done=int(row[7]),
        attempts=int(row[8]),
    )


def _finish_if_complete(conn: Connection, unit_id: str) -> None:
    conn.execute(
        "UPDATE outbox SET state = 'done', done_at_utc = ? WHERE unit_id = ? AND bundle_done = 1"
        " AND updates_done >= json_array_length(updates_json) AND state = 'pending'",
        (_now_iso(), unit_id),
    )


def _chunks_of(data: bytes | None, path: Any) -> Iterable[bytes]:
    if data is not None:
        for start in range(0, len(data), CHUNK_BYTES):
            yield data[start : start + CHUNK_BYTES]
        return
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
