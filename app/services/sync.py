"""The sync worker: drains the outbox to the regional backend, exactly once per unit.

Per unit (DESIGN §4): attachments are PUT as ``Binary/{client id}`` streamed from the encrypted
store, then the stored transaction Bundle is POSTed (the same content on every attempt; all its
entries are conditional creates or PUTs, so a resend after a lost answer cannot duplicate), then
each If-Match update is applied by read / merge patch / PUT, refetching and re-applying on 412.
Each step is recorded only after its 2xx answer is stored, so a crash at any point resends at
most the step that was in flight — which is idempotent.

Failures: network errors (offline, reset, timeout) and 5xx/429/garbled answers are retried with
exponential back-off and jitter (``Retry-After`` honoured); a unit whose server-side failures
reach ``max_server_attempts`` becomes a dead letter, and so does a unit the server refuses
(4xx) — with the server's reason kept for the clinician. Units of one patient go in order.

Also here: :func:`pull_updates_into_cache`, the incremental pull of worklists, patients, care
plans, thresholds, device associations and consents into the vault's cache.

Thread affinity: everything runs on the core loop; SQL runs on the vault's DB thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.backend import fhirjson
from app.backend.client import FhirClient, FhirResource
from app.backend.errors import (
    BackendError,
    HttpStatusError,
    MalformedResponse,
    PreconditionFailed,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from app.domain.outbox import ResourceUpdate, apply_merge_patch
from app.events import BackendConnectionDidChange, ConnectionState, Event, SyncQueueDidChange
from app.logs import safe
from offline_cache.errors import (
    KeyringUnavailable,
    StoreClosed,
    StoreError,
    VaultKeyMissing,
    WrongKey,
)
from offline_cache.outbox import Outbox, PendingUnit, UnitSummary
from offline_cache.pull_cache import CachedResource, PullCache
from offline_cache.vault import OpenedVault, Vault, VaultId, open_vault, recover_vault

__all__ = [
    "DEFAULT_PULL_STREAMS",
    "DrainReport",
    "KeyringUnavailable",
    "PullReport",
    "RetryPolicy",
    "SyncService",
    "SyncStoreDidChange",
    "SyncWorker",
    "UnitSummary",
    "VaultSession",
    "WrongKey",
    "cached_resources",
    "open_user_vault",
    "pull_updates_into_cache",
    "restore_vault_key",
]

_log = logging.getLogger(__name__)

Publish = Callable[[Event], None]
#: Shortest interval between two queue-depth events while draining (seconds).
PROGRESS_INTERVAL_S = 0.25


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Back-off: ``base_delay_s * 2**attempts`` capped, times a random factor in [0.5, 1].

    Network failures (the workstation is offline) are retried forever, at most every
    ``offline_max_delay_s``; server-side failures make a dead letter after
    ``max_server_attempts``.
    """

    base_delay_s: float = 2.0
    max_delay_s: float = 600.0
    offline_max_delay_s: float = 60.0
    max_server_attempts: int = 8

    def delay_s(self, attempts: int, *, offline: bool, rng: random.Random) -> float:
        cap = self.offline_max_delay_s if offline else self.max_delay_s
        ceiling: float = min(cap, self.base_delay_s * (2 ** min(attempts, 30)))
        return ceiling * rng.uniform(0.5, 1.0)


@dataclass(frozen=True, slots=True)
class DrainReport:
    """What one :meth:`SyncWorker.drain` did; ``remaining`` pending and ``dead`` after it."""

    sent: int
    retried: int
    dead_lettered: int
    remaining: int
    dead: int


@dataclass(slots=True)
class _Counters:
    sent: int = 0
    retried: int = 0
    dead: int = 0


@dataclass(frozen=True, slots=True)
class _Failure:
    reason: str
    status: int | None
    retry_in_s: float | None
    offline: bool = False


class SyncWorker:
    """Sends the units of one outbox through one :class:`FhirClient`.

    Args:
        outbox: the vault's outbox.
        client: the FHIR client (core loop).
        publish: where to publish :class:`SyncQueueDidChange` / connection events (the bus).
        policy: back-off and dead-letter policy.
        concurrency: units in flight at once (never two of the same patient).
        rng: jitter source (tests pass a seeded one).

    Thread affinity: core loop only.
    """

    def __init__(
        self,
        *,
        outbox: Outbox,
        client: FhirClient,
        publish: Publish | None = None,
        policy: RetryPolicy = RetryPolicy(),
        concurrency: int = 4,
        rng: random.Random | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        self._outbox = outbox
        self._client = client
        self._publish = publish
        self._policy = policy
        self._concurrency = concurrency
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._draining = False
        self._online: bool | None = None
        self._last_progress = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        outbox.add_listener(self._on_outbox_changed)

    def close(self) -> None:
        """Stop listening to the outbox."""
        self._outbox.remove_listener(self._on_outbox_changed)

    def wake(self) -> None:
        """Ask :meth:`run` to look at the queue now (safe from any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    def _on_outbox_changed(self) -> None:
        self.wake()

    async def run(self, *, idle_poll_s: float = 30.0) -> None:
        """Drain whenever something is due or enqueued; runs until cancelled."""
        self._loop = asyncio.get_running_loop()
        await self.publish_counts()
        while True:
            self._wake.clear()
            try:
                await self.drain()
            except BackendError:  # already recorded per unit; keep running
                _log.warning("sync drain stopped early")
            due = await self._outbox.next_due_in_s()
            timeout = idle_poll_s if due is None else min(idle_poll_s, max(due, 0.05))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def drain(self) -> DrainReport:
        """Send every unit that is due, until none is due or in flight.

        Units that fail are rescheduled (or dead-lettered) and not retried within this call.
        """
        self._loop = asyncio.get_running_loop()
        counters = _Counters()
        in_flight: dict[asyncio.Task[bool], str] = {}
        failed: set[str] = set()  # failed in this call: wait for the next drain
        self._draining = True
        await self.publish_counts()
        try:
            while True:
                free = self._concurrency - len(in_flight)
                if free > 0:
                    busy = failed.union(in_flight.values())
                    for unit in await self._outbox.ready(limit=free, exclude=busy):
                        task = asyncio.create_task(self._send(unit, counters))
                        in_flight[task] = unit.unit_id
                if not in_flight:
                    break
                done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    unit_id = in_flight.pop(task)
                    if not task.result():
                        failed.add(unit_id)
        finally:
            for task in in_flight:
                task.cancel()
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)
            self._draining = False
        counts = await self.publish_counts()
        return DrainReport(counters.sent, counters.retried, counters.dead, counts[0], counts[1])

    async def publish_counts(self) -> tuple[int, int]:
        """Publish the queue depth; returns (pending, dead)."""
        counts = await self._outbox.counts()
        if self._publish is not None:
            self._publish(
                SyncQueueDidChange(
                    pending=counts.pending,
                    dead=counts.dead,
                    draining=self._draining,
                    last_success_utc=counts.last_success_utc,
                )
            )
        return counts.pending, counts.dead

    # ------------------------------------------------------------------ one unit

    async def _send(self, unit: PendingUnit, counters: _Counters) -> bool:
        in_updates = [False]  # set once the Bundle is stored as sent
        try:
            await self._send_steps(unit, in_updates)
        except (BackendError, fhirjson.FhirJsonError) as exc:
            failure = self._classify(exc, unit, in_updates=in_updates[0])
            await self._outbox.record_failure(
                unit.unit_id,
                reason=failure.reason,
                status=failure.status,
                retry_in_s=failure.retry_in_s,
            )
            self._set_online(not failure.offline)
            if failure.retry_in_s is None:
                counters.dead += 1
                _log.warning(
                    "outbox unit moved to dead letters (%s, HTTP %s)",
                    safe(unit.kind),
                    safe(failure.status),
                )
            else:
                counters.retried += 1
                _log.info(
                    "outbox unit will be retried in %s s (%s)",
                    safe(round(failure.retry_in_s, 1)),
                    safe(type(exc).__name__),
                )
            await self._publish_progress()
            return False
        counters.sent += 1
        self._set_online(True)
        await self._publish_progress()
        return True

    async def _publish_progress(self) -> None:
        # While draining, at most every PROGRESS_INTERVAL_S: a count per unit would cost a query
        # per unit and flood the UI thread; drain() always publishes at its start and end.
        now = asyncio.get_running_loop().time()
        if now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            await self.publish_counts()

    async def _send_steps(self, unit: PendingUnit, in_updates: list[bool]) -> None:
        for attachment in unit.attachments:
            if attachment.sent:
                continue
            await self._client.put_binary(
                attachment.client_id,
                self._outbox.attachment_chunks(unit.unit_id, attachment.client_id),
                content_type=attachment.content_type,
            )
            await self._outbox.mark_attachment_sent(unit.unit_id, attachment.client_id)
        if not unit.bundle_done:
            result = await self._client.transaction(fhirjson.loads(unit.bundle_json))
            await self._outbox.mark_bundle_done(
                unit.unit_id, response_json=fhirjson.dumps(result.bundle)
            )
        in_updates[0] = True
        for index in range(unit.updates_done, len(unit.updates)):
            await self._apply_update(unit.updates[index])
            await self._outbox.mark_update_done(unit.unit_id, index)

    async def _apply_update(self, update: ResourceUpdate) -> None:
        # read -> merge patch -> PUT If-Match; a 412 means someone else changed it meanwhile:
        # FhirClient.read_modify_write refetches and re-applies the (idempotent) patch.
        patch = dict(update.merge_patch)

        def apply(current: FhirResource) -> FhirResource:
            patched: FhirResource = apply_merge_patch(current, patch)
            return patched

        await self._client.read_modify_write(
            update.resource_type, update.resource_id, apply, attempts=5
        )

    def _classify(self, exc: Exception, unit: PendingUnit, *, in_updates: bool) -> _Failure:
        attempts = unit.attempts + 1

        def server_side(reason: str, status: int | None, *, at_least_s: float = 0.0) -> _Failure:
            if attempts >= self._policy.max_server_attempts:
                return _Failure(f"{reason} (after {attempts} attempts)", status, None)
            delay = self._policy.delay_s(attempts, offline=False, rng=self._rng)
            return _Failure(reason, status, max(delay, at_least_s))

        if isinstance(exc, TransportError):
            delay = self._policy.delay_s(attempts, offline=True, rng=self._rng)
            return _Failure(
                "the regional server could not be reached; will retry", None, delay, offline=True
            )
        if isinstance(exc, RateLimited):
            return server_side(
                "the regional server is busy (HTTP 429)", 429, at_least_s=exc.retry_after_s or 0.0
            )
        if isinstance(exc, ServerError):
            return server_side(_server_reason(exc), exc.status)
        if isinstance(exc, Unauthorized):
            # Not the item's fault: the session must be renewed; never dead-letter for it.
            delay = self._policy.delay_s(attempts, offline=True, rng=self._rng)
            return _Failure("sign in again to send this item", 401, delay)
        if isinstance(exc, PreconditionFailed) and in_updates:
            return server_side("the record kept changing on the server; will retry", 412)
        if isinstance(exc, HttpStatusError):
            return _Failure(_server_reason(exc), exc.status, None)
        if isinstance(exc, MalformedResponse):
            # The server may have committed before the answer broke: resending is safe.
            return server_side(f"unreadable answer from the server: {exc}", None)
        if isinstance(exc, fhirjson.FhirJsonError):
            return _Failure("the stored item is not valid JSON", None, None)
        return server_side(f"{type(exc).__name__}", None)

    def _set_online(self, online: bool) -> None:
        if online == self._online:
            return
        self._online = online
        if self._publish is not None:
            state = ConnectionState.ONLINE if online else ConnectionState.OFFLINE
            self._publish(BackendConnectionDidChange(state, "sync"))


def _server_reason(exc: HttpStatusError) -> str:
    """The server's own words (OperationOutcome diagnostics and where), for the clinician."""
    parts = []
    for issue in exc.issues:
        text = issue.diagnostics or issue.details_text
        if not text:
            continue
        where = f" ({', '.join(issue.expression)})" if issue.expression else ""
        parts.append(text + where)
    return f"HTTP {exc.status}: {'; '.join(parts)}" if parts else f"HTTP {exc.status}"


# ---------------------------------------------------------------------- pull


@dataclass(frozen=True, slots=True)
class PullStream:
    """One resource type to keep locally, with extra search parameters."""

    resource_type: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return self.resource_type + "".join(f"&{k}={v}" for k, v in self.params)


DEFAULT_PULL_STREAMS: tuple[PullStream, ...] = (
    PullStream("Appointment"),  # worklists
    PullStream("Task"),  # teleconsult requests and to-dos
    PullStream("ServiceRequest"),
    PullStream("Flag"),  # alerts
    PullStream("Patient"),
    PullStream("CarePlan"),
    PullStream("ActivityDefinition"),
    PullStream("ObservationDefinition"),  # thresholds
    PullStream("DeviceUseStatement"),  # device associations
    PullStream("Device"),
    PullStream("Consent"),
)


@dataclass(frozen=True, slots=True)
class PullReport:
    """Resources stored per stream in one pull, and when it finished."""

    stored: dict[str, int] = field(default_factory=dict)
    finished_at_utc: datetime | None = None


async def pull_updates_into_cache(
    client: FhirClient,
    cache: PullCache,
    *,
    streams: Sequence[PullStream] = DEFAULT_PULL_STREAMS,
    page_size: int = 100,
) -> PullReport:
    """Incremental pull of every stream since its watermark; each stream stored atomically.

    A failing stream raises (its watermark is unchanged; streams done before it are kept).
    Core loop only.
    """
    stored: dict[str, int] = {}
    for stream in streams:
        watermark = await cache.watermark(stream.name)
        result = await client.pull_updates(
            stream.resource_type,
            watermark=watermark,
            params=list(stream.params),
            page_size=page_size,
        )
        await cache.store(
            stream.name, [_cached(r) for r in result.resources], watermark=result.watermark
        )
        stored[stream.name] = len(result.resources)
    return PullReport(stored, datetime.now(UTC))


async def cached_resources(
    cache: PullCache, resource_type: str, *, patient_ref: str | None = None
) -> list[FhirResource]:
    """The locally stored resources of a type (offline reads), decimals kept exact."""
    return [fhirjson.loads(raw) for raw in await cache.list(resource_type, patient_ref=patient_ref)]


def _cached(resource: FhirResource) -> CachedResource:
    resource_type = str(resource.get("resourceType"))
    resource_id = str(resource.get("id"))
    meta = resource.get("meta") or {}
    return CachedResource(
        resource_type=resource_type,
        resource_id=resource_id,
        last_updated=meta.get("lastUpdated"),
        patient_ref=_patient_ref(resource),
        resource_json=fhirjson.dumps(resource),
    )


def _patient_ref(resource: FhirResource) -> str | None:
    if resource.get("resourceType") == "Patient":
        return f"Patient/{resource.get('id')}"
    for key in ("subject", "patient", "beneficiary"):
        ref = resource.get(key)
        if isinstance(ref, dict) and str(ref.get("reference", "")).startswith("Patient/"):
            return str(ref["reference"])
    for participant in _as_list(resource.get("participant")):
        actor = participant.get("actor") if isinstance(participant, dict) else None
        if isinstance(actor, dict) and str(actor.get("reference", "")).startswith("Patient/"):
            return str(actor["reference"])
    return None


def _as_list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else ()


# ---------------------------------------------------------------------- vault opening


async def open_user_vault(
    *, data_dir: Path, tenant: str, subject: str, create: bool = True
) -> OpenedVault:
    """Open (on first use create) the encrypted vault of one clinician in one tenant.

    The key comes from the OS secret store (``keyring``). ``OpenedVault.recovery_key`` is set only
    when the vault was just created: show it once and let the user export it. Raises the
    :mod:`offline_cache.errors` errors (``KeyringUnavailable``, ``VaultKeyMissing``, ``WrongKey``,
    ``VaultCorrupted``...). Core loop (blocking work runs in threads).
    """
    return await open_vault(
        data_dir=data_dir, vault_id=VaultId(tenant=tenant, user=subject), create=create
    )


async def restore_vault_key(
    *, data_dir: Path, tenant: str, subject: str, recovery_key: str
) -> None:
    """Put a clinician's vault key back in the OS secret store, unwrapped with the recovery key
    (the store is opened once to prove the key, then closed). Raises ``WrongKey`` (not this
    store's recovery key), ``KeyringUnavailable``, ``VaultCorrupted``, FileNotFoundError."""
    vault = await recover_vault(
        data_dir=data_dir,
        vault_id=VaultId(tenant=tenant, user=subject),
        recovery_key=recovery_key,
    )
    await vault.close()


# ---------------------------------------------------------------------- the service


@dataclass(frozen=True, slots=True)
class SyncStoreDidChange(Event):
    """The offline store of the active clinician was opened (``open``) or closed, or failed.

    ``problem`` is a message for the user when the store could not be opened (no secret store,
    lost key, damaged file); never health data.
    """

    open: bool
    problem: str = ""
    #: The kind of problem (the store error's class name, e.g. ``KeyringUnavailable``), so the UI
    #: can say it in the user's language; "" when fine.
    problem_kind: str = ""
    #: The vault was just created: the UI must show the recovery key once (take_recovery_key).
    recovery_key_issued: bool = False
    #: The store exists but the secret store has no (or another) key for it: the clinician's
    #: recovery key opens it again (``Workstation.recover_offline_store``).
    recoverable: bool = False


ClientSource = Callable[[], Awaitable[FhirClient]]


class VaultSession:
    """An open vault as handed to the login session: closing it stops its sync too."""

    def __init__(self, service: SyncService, vault: Vault | None) -> None:
        self.service = service
        self.vault = vault

    async def close(self) -> None:
        if self.vault is not None:
            await self.service.close_vault(self.vault)


ParkedClientSource = Callable[[str], Awaitable[FhirClient | None]]


@dataclass(slots=True)
class _Lane:
    """One clinician's open vault and the task sending its outbox."""

    subject: str
    vault: Vault
    task: asyncio.Task[None] | None = None
    worker: SyncWorker | None = None
    own_client: FhirClient | None = None  # a parked clinician's client (their own tokens)


class SyncService:
    """The sync of every open clinician vault, and what the UI asks about the active one.

    On a shared station a clinician who is switched away from is *parked*: their vault stays
    open and keeps draining with a client carrying their own tokens (``parked_client_source``;
    None from it means "hold their items until they are back"). The UI and the capture
    services see only the active clinician's vault (:attr:`vault`).

    ``client_source`` returns the process's FHIR client (``Workstation.backend_client``, the
    active clinician's token). The active clinician's lane also pulls worklists, patients, care
    plans... into the vault at start and every ``pull_interval_s`` (None: never), so the
    workstation opens offline with the last synced data. Thread affinity: core loop only.
    """

    def __init__(
        self,
        *,
        publish: Publish,
        client_source: ClientSource,
        parked_client_source: ParkedClientSource | None = None,
        policy: RetryPolicy = RetryPolicy(),
        pull_interval_s: float | None = 300.0,
        show_recovery_keys: bool = True,
        after_pull: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._publish = publish
        #: Runs after each successful pull of the active clinician (e.g. saving trends for
        #: offline use); its failures are logged and never stop the pulls.
        self._after_pull = after_pull
        # False for stores whose key dies with the process (demo without a secret store).
        self._show_recovery_keys = show_recovery_keys
        self._pull_interval_s = pull_interval_s
        self._client_source = client_source
        self._parked_client_source = parked_client_source
        self._policy = policy
        self._lanes: dict[str, _Lane] = {}
        self._active: str | None = None
        self.recovery_key: str | None = None
        #: Why the store could not be opened ("" when fine); for the sync page.
        self.problem = ""
        #: Its kind (see :attr:`SyncStoreDidChange.problem_kind`).
        self.problem_kind = ""
        #: The problem is a lost or replaced key: the recovery key can open the store.
        self.recoverable = False

    @property
    def vault(self) -> Vault | None:
        """The active clinician's open vault (None when nobody's store is open)."""
        lane = self._lanes.get(self._active) if self._active is not None else None
        return lane.vault if lane is not None else None

    @property
    def open_subjects(self) -> tuple[str, ...]:
        """Clinicians whose vault is open (active and parked)."""
        return tuple(self._lanes)

    async def open_for(self, *, data_dir: Path, tenant: str, subject: str) -> VaultSession:
        """Open the clinician's vault (creating it on first use), make it the active one and
        start sending its outbox; the previously active clinician's lane is parked.

        Never raises for a store problem: login must still work (e.g. to read the worklist), so
        the problem (no secret store, lost key, damaged file) is kept in :attr:`problem`,
        published as :class:`SyncStoreDidChange` for the sync page, and the returned session
        has no vault. A recovery key issued on creation is kept for the UI to show once
        (:meth:`take_recovery_key`).
        """
        previous = self._active
        if subject in self._lanes:
            await self.activate(subject)
            return VaultSession(self, self._lanes[subject].vault)
        try:
            opened = await open_user_vault(data_dir=data_dir, tenant=tenant, subject=subject)
        except StoreError as exc:
            self.problem = str(exc)
            self.problem_kind = type(exc).__name__
            self.recoverable = isinstance(exc, VaultKeyMissing | WrongKey)
            self._active = None
            _log.error("offline store not opened: %s", safe(type(exc).__name__))
            self._publish(
                SyncStoreDidChange(
                    open=False,
                    problem=self.problem,
                    problem_kind=self.problem_kind,
                    recoverable=self.recoverable,
                )
            )
            await self._park(previous)
            return VaultSession(self, None)
        self.problem = ""
        self.problem_kind = ""
        self.recoverable = False
        self.recovery_key = opened.recovery_key if self._show_recovery_keys else None
        await self._start_lane(subject, opened.vault)
        await self._park(previous)
        return VaultSession(self, opened.vault)

    async def attach(self, vault: Vault, *, subject: str | None = None) -> None:
        """Start sending an already open vault and make it the active one (closed by the
        service in :meth:`close_vault` / :meth:`close`)."""
        previous = self._active
        await self._start_lane(subject or vault.vault_id.user, vault)
        await self._park(previous)

    async def activate(self, subject: str | None) -> None:
        """Make ``subject``'s open vault the one the UI sees (e.g. a parked clinician is back);
        None or a clinician without an open vault leaves no vault active."""
        if subject == self._active:
            return
        previous = self._active
        self._active = subject if subject in self._lanes else None
        if self._active is not None:
            # Back to the shared client (the active clinician's token) and to publishing.
            lane = self._lanes[self._active]
            await self._stop_task(lane)
            lane.task = asyncio.create_task(self._run(lane, None), name="sync-worker")
        await self._park(previous)
        self._publish(
            SyncStoreDidChange(
                open=self._active is not None,
                problem=self.problem,
                problem_kind=self.problem_kind,
            )
        )
        if self._active is not None:
            await self.publish_counts()

    async def _start_lane(self, subject: str, vault: Vault) -> None:
        lane = _Lane(subject, vault)
        self._lanes[subject] = lane
        self._active = subject
        lane.task = asyncio.create_task(self._run(lane, None), name="sync-worker")
        self._publish(
            SyncStoreDidChange(open=True, recovery_key_issued=self.recovery_key is not None)
        )

    async def _park(self, subject: str | None) -> None:
        """The active clinician changed: ``subject``'s lane goes on with their own client."""
        lane = self._lanes.get(subject) if subject is not None else None
        if lane is None or subject is None or subject == self._active:
            return
        await self._stop_task(lane)
        client = (
            await self._parked_client_source(subject)
            if self._parked_client_source is not None
            else None
        )
        if client is None:
            _log.info("parked clinician's items wait for their return")
            return
        lane.own_client = client
        lane.task = asyncio.create_task(self._run(lane, client), name="sync-worker-parked")

    async def _run(self, lane: _Lane, client: FhirClient | None) -> None:
        pull: asyncio.Task[None] | None = None
        try:
            active = client is None
            if client is None:
                client = await self._client_source()
            lane.worker = SyncWorker(
                outbox=lane.vault.outbox,
                client=client,
                publish=self._publish if active else None,
                policy=self._policy,
            )
            if active and self._pull_interval_s is not None:
                pull = asyncio.create_task(self._pull_loop(lane.vault, client), name="sync-pull")
            await lane.worker.run()
        except TimeoutError:
            _log.warning("sync: backend not available; the outbox keeps everything")
        except StoreError as exc:
            _log.error("sync worker stopped: %s", safe(type(exc).__name__))
            if lane.subject == self._active:
                self._publish(
                    SyncStoreDidChange(
                        open=False, problem=str(exc), problem_kind=type(exc).__name__
                    )
                )
        finally:
            if pull is not None:
                pull.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pull

    async def _pull_loop(self, vault: Vault, client: FhirClient) -> None:
        """Refresh the local copy now and then every ``pull_interval_s`` (offline: keep it)."""
        assert self._pull_interval_s is not None
        while True:
            wait_s = self._pull_interval_s
            try:
                report = await pull_updates_into_cache(client, vault.cache)
                _log.info("pulled %s resources", safe(sum(report.stored.values())))
            except BackendError as exc:
                _log.info("pull failed (%s); the local copy is kept", safe(type(exc).__name__))
                wait_s = min(wait_s, 30.0)  # offline or a hiccup: try again sooner
            else:
                await self._run_after_pull()
            await asyncio.sleep(wait_s)

    async def _run_after_pull(self) -> None:
        if self._after_pull is None:
            return
        try:
            await self._after_pull()
        except (BackendError, StoreError, TimeoutError) as exc:
            _log.info("after-pull step stopped (%s)", safe(type(exc).__name__))
        except Exception as exc:  # a bug in the step must not end the pulls
            _log.error("after-pull step failed: %s", safe(type(exc).__name__))

    @staticmethod
    async def _stop_task(lane: _Lane) -> None:
        task, lane.task = lane.task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if lane.worker is not None:
            lane.worker.close()
            lane.worker = None
        client, lane.own_client = lane.own_client, None
        if client is not None:
            await client.aclose()

    async def close_vault(self, vault: Vault) -> None:
        """Stop the sync of ``vault`` and close it (idempotent)."""
        for subject, lane in list(self._lanes.items()):
            if lane.vault is vault:
                await self._close_lane(subject)
                return
        await vault.close()

    async def _close_lane(self, subject: str) -> None:
        lane = self._lanes.pop(subject)
        await self._stop_task(lane)
        await lane.vault.close()
        if subject == self._active:
            self._active = None
            self._publish(SyncStoreDidChange(open=False))

    def take_recovery_key(self) -> str | None:
        """The recovery key issued when the vault was created, once; then None."""
        key, self.recovery_key = self.recovery_key, None
        return key

    def _require(self) -> Vault:
        vault = self.vault
        if vault is None:
            raise StoreClosed("no offline store is open: sign in first")
        return vault

    async def units(self, *, state: str | None = None, limit: int = 500) -> list[UnitSummary]:
        """The active clinician's outbox items (``pending``, ``dead`` or all), oldest first."""
        return await self._require().outbox.units(state=state, limit=limit)

    async def retry(self, unit_ids: Sequence[str]) -> None:
        """Put the given items (dead letters or waiting) back in line and send now."""
        vault = self._require()
        for unit_id in unit_ids:
            await vault.outbox.retry(unit_id)

    async def retry_all_dead(self) -> int:
        """Put every dead letter back in line; returns how many."""
        dead = await self.units(state="dead", limit=100_000)
        await self.retry([d.unit_id for d in dead])
        return len(dead)

    async def sync_now(self) -> DrainReport:
        """Send everything due now (waiting items included) and refresh the pulled data."""
        vault = self._require()
        await vault.outbox.retry_all_now()
        client = await self._client_source()
        worker = SyncWorker(
            outbox=vault.outbox, client=client, publish=self._publish, policy=self._policy
        )
        try:
            report = await worker.drain()
        finally:
            worker.close()
        try:
            await pull_updates_into_cache(client, vault.cache)
        except BackendError:
            _log.info("pull failed; the local copy is kept")
        return report

    async def publish_counts(self) -> None:
        """Publish the active queue's depth (e.g. when the sync page opens)."""
        vault = self._require()
        counts = await vault.outbox.counts()
        self._publish(
            SyncQueueDidChange(
                pending=counts.pending, dead=counts.dead, last_success_utc=counts.last_success_utc
            )
        )

    async def close(self) -> None:
        """Stop every worker and close every vault (idempotent)."""
        for subject in list(self._lanes):
            await self._close_lane(subject)
