"""The tamper-evident audit trail of one clinician's vault.

:class:`AuditTrail` appends every audited act (:class:`app.domain.audit.AuditEntry`) to the
hash-chained log in the user's vault (``offline_cache.audit_chain``, sequence number and previous
hash per entry), then queues its FHIR AuditEvent in the vault's outbox (``PUT AuditEvent/<id>``
with an id derived from the chain position, so resending never duplicates).

Verification (:meth:`AuditTrail.verify`, run when the vault opens) recomputes the whole chain and
also compares its head with an *anchor* kept outside the vault (the last sequence number and hash,
in the OS secret store): an edited, reordered or deleted entry, and entries cut off the end, are
all reported. A break is never repaired or hidden: :class:`AuditChainDidBreak` goes on the bus
(the UI shows a banner), the log keeps growing after it, and the server receives every entry with
its chain position so it can see the gap too.

Thread affinity: core loop only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import platform
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from app.domain.audit import (
    AuditAction,
    AuditEntry,
    ChainPosition,
    audit_event_id,
    to_audit_event,
)
from app.domain.outbox import OutboxUnit, OutboxWriter, UnitKind
from app.events import Event, EventBus
from app.logs import safe
from app.session.errors import SecretStoreUnavailable
from app.session.tokens import SecretStore

_log = logging.getLogger(__name__)

AUDIT_HEAD_SERVICE = "it.lombardia.telemed.workstation/audit-head"
RESEND_TAIL = 50


@dataclass(frozen=True, slots=True)
class AuditChainDidBreak(Event):
    """The audit log of the current vault failed verification at ``first_break_seq``."""

    first_break_seq: int | None
    reason: str
    entries_checked: int


@dataclass(frozen=True, slots=True)
class AuditChainDidVerify(Event):
    """The audit log verified intact (``entries`` checked)."""

    entries: int


class ChainRecord(Protocol):
    """One stored chain entry (``offline_cache.audit_chain.AuditRecord`` fits)."""

    @property
    def seq(self) -> int: ...
    @property
    def recorded_at_utc(self) -> datetime: ...
    @property
    def entry_json(self) -> bytes: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


class ChainCheck(Protocol):
    """The outcome of a chain verification (``ChainVerification`` fits)."""

    @property
    def ok(self) -> bool: ...
    @property
    def entries_checked(self) -> int: ...
    @property
    def first_break_seq(self) -> int | None: ...
    @property
    def reason(self) -> str | None: ...


class ChainStore(Protocol):
    """The vault's chained table (``offline_cache.audit_chain.AuditChain`` fits)."""

    async def append(
        self, entry_json: bytes, *, recorded_at_utc: datetime | None = None
    ) -> ChainRecord: ...
    async def head(self) -> ChainRecord | None: ...
    async def entries(self, *, after_seq: int = 0, limit: int = 500) -> Sequence[ChainRecord]: ...
    async def verify(self) -> ChainCheck: ...


class HeadAnchor(Protocol):
    """Where the last (seq, hash) is kept outside the vault."""

    async def get(self, chain_id: str) -> tuple[int, str] | None: ...
    async def set(self, chain_id: str, seq: int, digest: str) -> None: ...


class SecretStoreAnchor:
    """The anchor in the OS secret store; without one, anchoring is skipped (logged)."""

    def __init__(self, secrets: SecretStore | None = None) -> None:
        self._secrets = secrets or SecretStore(AUDIT_HEAD_SERVICE)

    async def get(self, chain_id: str) -> tuple[int, str] | None:
        try:
            value = await self._secrets.get(chain_id)
        except SecretStoreUnavailable:
            return None
        if value is None:
            return None
        seq, _, digest = value.partition(":")
        return (int(seq), digest) if seq.isdigit() and digest else None

    async def set(self, chain_id: str, seq: int, digest: str) -> None:
        try:
            await self._secrets.set(chain_id, f"{seq}:{digest}")
        except SecretStoreUnavailable:
            _log.warning("audit head not anchored: no secret store")


class AuditTrail:
    """Record and verify the audit log of the vault open for ``actor``.

    ``chain_id`` identifies the vault's chain (a non-identifying id, e.g. a hash of the vault
    account); ``station`` the workstation.
    """

    def __init__(
        self,
        *,
        chain: ChainStore,
        outbox: OutboxWriter,
        publish: Callable[[Event], None],
        chain_id: str,
        actor: str,
        actor_name: str = "",
        station: str,
        anchor: HeadAnchor | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._chain = chain
        self._outbox = outbox
        self._publish = publish
        self.chain_id = chain_id
        self._actor = actor
        self._actor_name = actor_name
        self._station = station
        self._anchor = anchor
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._lock = asyncio.Lock()
        self.broken: AuditChainDidBreak | None = None

    async def record(
        self,
        action: AuditAction,
        *,
        patient_id: str | None = None,
        what: str | None = None,
        outcome_text: str | None = None,
    ) -> int:
        """Append one entry (durable on return) and queue its AuditEvent; returns its seq."""
        entry = AuditEntry(
            action=action,
            actor=self._actor,
            actor_name=self._actor_name,
            recorded_at_utc=self._clock(),
            station=self._station,
            patient_id=patient_id,
            what=what,
            outcome_text=outcome_text,
        )
        async with self._lock:
            record = await self._chain.append(
                entry.canonical_json(), recorded_at_utc=entry.recorded_at_utc
            )
            if self._anchor is not None:
                await self._anchor.set(self.chain_id, record.seq, record.hash)
            await self._outbox.enqueue(self._unit(entry, record))
        return record.seq

    async def verify(self) -> bool:
        """Check the chain and its anchor; publish the result; True when intact."""
        broken: AuditChainDidBreak | None = None
        try:
            check = await self._chain.verify()
        except (TypeError, ValueError, UnicodeError) as exc:
            # A row rewritten with the wrong type cannot even be read back: that is a break too.
            check = None
            broken = AuditChainDidBreak(None, f"the log is unreadable ({type(exc).__name__})", 0)
        if check is not None and not check.ok:
            broken = AuditChainDidBreak(
                check.first_break_seq, check.reason or "chain broken", check.entries_checked
            )
        elif check is not None and self._anchor is not None:
            broken = await self._check_anchor(check.entries_checked)
        if broken is not None:
            self.broken = broken
            _log.error(
                "audit chain broken at entry %s (%s)",
                safe(broken.first_break_seq),
                safe(broken.reason),
            )
            self._publish(broken)
            # The break itself goes into the log and, as an AuditEvent with a serious-failure
            # outcome, to the region: it cannot be made to disappear locally.
            at = f" (entry {broken.first_break_seq})" if broken.first_break_seq else ""
            try:
                await self.record(AuditAction.CHAIN_BREAK, outcome_text=f"{broken.reason}{at}")
            except Exception as exc:  # an unreadable log may refuse writes too: still reported
                _log.error("chain break not recorded: %s", safe(type(exc).__name__))
            return False
        assert check is not None
        self._publish(AuditChainDidVerify(check.entries_checked))
        return True

    async def resend_tail(self, count: int = RESEND_TAIL) -> int:
        """Queue again the last ``count`` entries (no-ops for those already queued); covers a
        crash between append and enqueue. Returns how many were offered."""
        head = await self._chain.head()
        if head is None:
            return 0
        records = await self._chain.entries(after_seq=max(0, head.seq - count), limit=count)
        for record in records:
            await self._outbox.enqueue(self._unit(AuditEntry.from_json(record.entry_json), record))
        return len(records)

    async def _check_anchor(self, checked: int) -> AuditChainDidBreak | None:
        assert self._anchor is not None
        anchored = await self._anchor.get(self.chain_id)
        if anchored is None:
            return None
        seq, digest = anchored
        found = await self._chain.entries(after_seq=seq - 1, limit=1)
        if not found or found[0].seq != seq:
            return AuditChainDidBreak(seq, "entries were removed from the end of the log", checked)
        if found[0].hash != digest:
            return AuditChainDidBreak(seq, "the log was replaced or rewritten", checked)
        return None

    def _unit(self, entry: AuditEntry, record: ChainRecord) -> OutboxUnit:
        position = ChainPosition(self.chain_id, record.seq, record.prev_hash, record.hash)
        event = to_audit_event(entry, position)
        event_id = audit_event_id(position)
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "fullUrl": f"urn:uuid:{event_id}",
                    "resource": event,
                    "request": {"method": "PUT", "url": f"AuditEvent/{event_id}"},
                }
            ],
        }
        return OutboxUnit(
            unit_id=uuid.UUID(event_id),
            kind=UnitKind.AUDIT,
            patient_key=None,
            bundle_json=json.dumps(bundle, separators=(",", ":")).encode("utf-8"),
            label="Audit",
            created_at_utc=entry.recorded_at_utc,
        )


class VaultLike(Protocol):
    """An open vault: its chained table, its outbox and its file (``offline_cache`` Vault)."""

    @property
    def audit(self) -> ChainStore: ...
    @property
    def outbox(self) -> OutboxWriter: ...
    @property
    def path(self) -> Path: ...


def audit_trail_for(
    vault: VaultLike,
    *,
    actor: str,
    actor_name: str,
    publish: Callable[[Event], None],
    station: str | None = None,
    anchor: HeadAnchor | None = None,
) -> AuditTrail:
    """The trail of ``vault``: its chain id is the vault file's (non-identifying) name, the
    station this computer's name, and the head anchored in the OS secret store."""
    return AuditTrail(
        chain=vault.audit,
        outbox=vault.outbox,
        publish=publish,
        chain_id=vault.path.stem,
        actor=actor,
        actor_name=actor_name,
        station=station or platform.node() or "workstation",
        anchor=anchor if anchor is not None else SecretStoreAnchor(),
    )


Recorder = Callable[..., Coroutine[Any, Any, int]]


class AuditFeed:
    """Records the audited acts other services announce on the bus.

    ``recorder`` returns the active clinician's ``AuditTrail.record`` (None when nobody is
    logged in or there is no vault). Handled: a measurement saved (``MeasurementDidSave``).
    Acts without an event are recorded where they happen (the UI's ``record_audited_act``:
    record opened, call started, export, print; the consent gate: consents).

    Thread affinity: handlers run on the core loop (bus rule).
    """

    def __init__(self, *, bus: EventBus, recorder: Callable[[], Recorder | None]) -> None:
        from app.services.devices import MeasurementDidSave

        self._recorder = recorder
        self._tasks: set[asyncio.Task[int]] = set()
        bus.subscribe(MeasurementDidSave, self._on_measurement)

    def _on_measurement(self, event: Any) -> None:
        self._record(AuditAction.MEASUREMENT, what=f"urn:uuid:{event.measurement_id}")

    def _record(self, action: AuditAction, **where: str | None) -> None:
        record = self._recorder()
        if record is None:
            _log.warning("audited act without an open vault: %s", safe(action.value))
            return
        task: asyncio.Task[int] = asyncio.get_running_loop().create_task(record(action, **where))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[int]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.error("audit entry not written: %s", safe(type(task.exception()).__name__))

    async def drain(self) -> None:
        """Wait for the entries being written (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=10)
