"""How the clinical workflow services read and write FHIR data.

Reads go through :class:`ResourceReader`. :class:`FhirReader` asks the regional backend through
:class:`app.backend.FhirClient`; :class:`CachingReader` keeps the last answer of every query in a
:class:`SnapshotStore` and serves it when the backend cannot be reached, so the agenda and the
patient header keep working offline. The in-memory store lasts for the session; the encrypted
offline store plugs in behind the same protocol.

Writes are units of work (:class:`app.domain.outbox.OutboxUnit`): one transaction Bundle per
logical change, built completely (client ids, conditional creates on identifiers, If-Match merge
patches for server-owned resources) before any network I/O, so the same bytes can be resent
after any failure (DESIGN §4). They go to an :class:`app.domain.outbox.OutboxWriter`: the
encrypted outbox when the store is open, or :class:`DirectWriter`, which sends at once.

Thread affinity: every coroutine runs on the core loop.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from app.backend import (
    BundleResult,
    FhirClient,
    FhirResource,
    PreconditionFailed,
    ServerError,
    TransportError,
    fhirjson,
)
from app.domain.outbox import (
    BinaryAttachment,
    OutboxUnit,
    OutboxWriter,
    ResourceUpdate,
    UnitKind,
    apply_merge_patch,
)

Clock = Callable[[], datetime]
Params = Mapping[str, str | Sequence[str]]
"""Search parameters; a sequence value repeats the parameter (AND)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


ITALY = ZoneInfo("Europe/Rome")


# -- small FHIR helpers shared by the workflow services ---------------------------------------
def ref_id(reference: Any, resource_type: str | None = None) -> str | None:
    """The id of a ``Type/id`` reference (``None`` if it is of another type or absent)."""
    if not isinstance(reference, Mapping):
        return None
    value = str(reference.get("reference") or "")
    if "/" not in value:
        return None
    rtype, _, rid = value.rstrip("/").rpartition("/")
    rtype = rtype.rsplit("/", 1)[-1]
    if resource_type is not None and rtype != resource_type:
        return None
    return rid or None


def human_name(resource: Mapping[str, Any]) -> tuple[str, str]:
    """(family, given) of the first usable name of a Patient or Practitioner."""
    for name in resource.get("name") or []:
        family = str(name.get("family") or "")
        given = " ".join(str(g) for g in name.get("given") or [])
        if family or given:
            return family, given
    return "", ""


def display_name(resource: Mapping[str, Any], *, with_prefix: bool = False) -> str:
    family, given = human_name(resource)
    if with_prefix:
        for name in resource.get("name") or []:
            prefix = " ".join(name.get("prefix") or [])
            if prefix:
                return f"{prefix} {given} {family}".strip()
        return f"{given} {family}".strip() or str(resource.get("id", ""))
    return f"{family} {given}".strip() or str(resource.get("id", ""))


def parse_instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # a date-only value: midnight in Italy
        parsed = parsed.replace(tzinfo=ITALY)
    return parsed.astimezone(UTC)


#: What "the backend cannot be reached" looks like to a reader.
OFFLINE_ERRORS: tuple[type[Exception], ...] = (TransportError, ServerError)


@dataclass(frozen=True, slots=True)
class ReadResult:
    """Matches and ``_include``d resources of one query; ``from_cache`` if served offline."""

    matches: list[FhirResource]
    included: list[FhirResource]
    fetched_at_utc: datetime
    from_cache: bool = False


class ResourceReader(Protocol):
    """Read access to FHIR resources. Core loop only."""

    async def search(
        self,
        resource_type: str,
        params: Params,
        *,
        include: Sequence[str] = (),
    ) -> ReadResult: ...

    async def read(self, resource_type: str, resource_id: str) -> FhirResource: ...


class ClientProvider(Protocol):
    async def __call__(self) -> FhirClient: ...


class FhirReader:
    """:class:`ResourceReader` over the regional backend."""

    def __init__(self, client: ClientProvider, *, clock: Clock = utc_now) -> None:
        self._client = client
        self._clock = clock

    async def search(
        self,
        resource_type: str,
        params: Params,
        *,
        include: Sequence[str] = (),
    ) -> ReadResult:
        client = await self._client()
        result = await client.search(resource_type, dict(params), include=include)
        return ReadResult(list(result.matches), list(result.included), self._clock())

    async def read(self, resource_type: str, resource_id: str) -> FhirResource:
        client = await self._client()
        result = await client.read(resource_type, resource_id)
        assert result.resource is not None  # read() requires a body
        return result.resource


class SnapshotStore(Protocol):
    """Last known answers of queries, keyed by a stable string. Core loop only."""

    async def put(self, key: str, value: Mapping[str, Any]) -> None: ...

    async def get(self, key: str) -> Mapping[str, Any] | None: ...


@dataclass(slots=True)
class InMemorySnapshotStore:
    """Snapshots kept in memory for the session (never written to disk: health data)."""

    _data: dict[str, str] = field(default_factory=dict)

    async def put(self, key: str, value: Mapping[str, Any]) -> None:
        self._data[key] = json.dumps(value, default=str)

    async def get(self, key: str) -> Mapping[str, Any] | None:
        raw = self._data.get(key)
        return None if raw is None else dict(json.loads(raw))

    def __len__(self) -> int:
        return len(self._data)


def query_key(resource_type: str, params: Params, include: Sequence[str]) -> str:
    """A stable key for a query (same parameters in any order -> same key)."""
    items = sorted((k, [v] if isinstance(v, str) else sorted(v)) for k, v in params.items())
    return json.dumps([resource_type, items, sorted(include)])


class CachingReader:
    """Online first; on a transport failure or a 5xx answer, the last saved answer.

    Raises the original error when there is no saved answer for the query.
    """

    def __init__(self, primary: ResourceReader, store: SnapshotStore) -> None:
        self._primary = primary
        self._store = store

    async def search(
        self,
        resource_type: str,
        params: Params,
        *,
        include: Sequence[str] = (),
    ) -> ReadResult:
        key = query_key(resource_type, params, include)
        try:
            result = await self._primary.search(resource_type, params, include=include)
        except (TransportError, ServerError):
            saved = await self._store.get(key)
            if saved is None:
                raise
            return ReadResult(
                list(saved["matches"]),
                list(saved["included"]),
                datetime.fromisoformat(str(saved["fetched_at_utc"])),
                from_cache=True,
            )
        await self._store.put(
            key,
            {
                "matches": result.matches,
                "included": result.included,
                "fetched_at_utc": result.fetched_at_utc.isoformat(),
            },
        )
        return result

    async def read(self, resource_type: str, resource_id: str) -> FhirResource:
        key = query_key(resource_type, {"_id": resource_id}, ())
        try:
            resource = await self._primary.read(resource_type, resource_id)
        except (TransportError, ServerError):
            saved = await self._store.get(key)
            if saved is None:
                raise
            return dict(saved["resource"])
        await self._store.put(key, {"resource": resource})
        return resource


class PulledResources(Protocol):
    """Resources the sync worker pulled into the vault (offline fallback). Core loop only."""

    async def resources(
        self, resource_type: str, *, patient_ref: str | None = None
    ) -> list[FhirResource]: ...

    async def pulled_at_utc(self) -> datetime | None: ...


class WorkflowService:
    """Base of the workflow services: where they read, where their units go, their clock.

    ``pulled`` (optional) answers from the sync worker's pulled copy when the backend cannot be
    reached and no saved answer of the query exists.
    """

    def __init__(
        self,
        reader: ResourceReader,
        writer: OutboxWriter | None = None,
        *,
        clock: Clock = utc_now,
        pulled: PulledResources | None = None,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._clock = clock
        self._pulled = pulled

    def _require_writer(self) -> OutboxWriter:
        if self._writer is None:
            raise RuntimeError(f"{type(self).__name__} built without a writer")
        return self._writer


# -- writes ----------------------------------------------------------------------------------
class DirectWriter:
    """An :class:`app.domain.outbox.OutboxWriter` that sends each unit at once.

    Used until the encrypted outbox is open (and in tests): it applies a unit exactly as the
    sync worker does (Binaries PUT with their client ids, then the transaction Bundle, then the
    If-Match updates, re-applying the merge patch after a 412), but keeps nothing: errors
    propagate to the caller, who still holds the unit and may resend it unchanged.
    """

    def __init__(self, client: ClientProvider) -> None:
        self._client = client
        self.sent: list[uuid.UUID] = []
        self.results: dict[uuid.UUID, BundleResult | None] = {}

    async def enqueue(self, unit: OutboxUnit) -> None:
        client = await self._client()
        for att in unit.attachments:
            source = att.data if att.data is not None else att.source_path
            assert source is not None  # OutboxUnit guarantees one of them
            await client.put_binary(att.client_id, source, content_type=att.content_type)
        bundle = unit.bundle()
        result = await client.transaction(bundle) if bundle.get("entry") else None
        for update in unit.updates:
            await _apply_update(client, update)
        self.sent.append(unit.unit_id)
        self.results[unit.unit_id] = result


async def _apply_update(client: FhirClient, update: ResourceUpdate) -> None:
    def patched(current: FhirResource) -> FhirResource:
        return dict(apply_merge_patch(current, update.merge_patch))

    if update.if_match is not None:
        current = await client.read(update.resource_type, update.resource_id)
        assert current.resource is not None
        try:
            await client.update(patched(current.resource), if_match=update.if_match)
            return
        except PreconditionFailed:
            pass  # changed meanwhile: re-apply the (idempotent) patch to the current version
    await client.read_modify_write(update.resource_type, update.resource_id, patched)


def make_unit(
    *,
    unit_id: uuid.UUID,
    kind: UnitKind,
    patient_key: str | None,
    entries: Sequence[Mapping[str, Any]],
    label: str,
    attachments: Sequence[BinaryAttachment] = (),
    updates: Sequence[ResourceUpdate] = (),
    created_at_utc: datetime | None = None,
) -> OutboxUnit:
    """An :class:`OutboxUnit` whose Bundle is a transaction of ``entries``."""
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}
    return OutboxUnit(
        unit_id=unit_id,
        kind=kind,
        patient_key=patient_key,
        bundle_json=fhirjson.dumps(bundle),
        attachments=tuple(attachments),
        updates=tuple(updates),
        label=label,
        created_at_utc=created_at_utc or utc_now(),
    )


def conditional_create(
    resource: Mapping[str, Any], *, full_url: str, system: str, value: str
) -> dict[str, Any]:
    """A POST entry that creates ``resource`` unless one with the identifier exists."""
    return {
        "fullUrl": full_url,
        "resource": dict(resource),
        "request": {
            "method": "POST",
            "url": str(resource["resourceType"]),
            "ifNoneExist": f"identifier={system}|{value}",
        },
    }
