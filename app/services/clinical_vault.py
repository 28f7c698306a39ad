"""Offline copies and report drafts kept in the clinician's encrypted vault (SQLCipher).

The vault's pull cache stores resources by type and id; the workflow services keep two kinds of
local-only records there, under their own resource-type names so they never mix with pulled FHIR
resources:

- ``WorkflowQuerySnapshot``: the last answer of each query the agenda/patient pages made
  (:class:`VaultSnapshotStore`, a :class:`app.services.clinical_data.SnapshotStore`), so the
  agenda opens offline after a restart;
- ``VisitReportDraft``: autosaved visit report drafts (:class:`VaultDraftStore`, a
  :class:`app.services.visit_drafts.DraftStore`), which survive a crash. A deleted draft is
  overwritten by an empty tombstone (the cache has no delete), so its text does not remain.

:class:`VaultPulledResources` reads what the sync worker pulled (worklists, patients, care
plans, consents, devices), the fallback when a query was never answered online on this station.

Thread affinity: coroutines on the core loop; SQL runs on the vault's DB thread.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from app.backend import FhirResource
from app.domain.visit_report import VisitReport
from app.services.sync import cached_resources
from app.services.visit_drafts import report_from_json, report_to_json
from offline_cache.pull_cache import CachedResource, PullCache

SNAPSHOT_TYPE = "WorkflowQuerySnapshot"
DRAFT_TYPE = "VisitReportDraft"
_TOMBSTONE = b"{}"


class PullCacheLike(Protocol):
    """The part of ``offline_cache.pull_cache.PullCache`` used here."""

    async def last_pulled_utc(self) -> datetime | None: ...

    async def put_local(self, resource: CachedResource) -> None: ...

    async def get(self, resource_type: str, resource_id: str) -> bytes | None: ...

    async def list(
        self, resource_type: str, *, patient_ref: str | None = None, limit: int = 10_000
    ) -> Sequence[bytes]: ...


def _now() -> str:
    return datetime.now(UTC).isoformat()


class VaultSnapshotStore:
    """Query snapshots in the vault (ids are hashes of the query: no data in the key)."""

    def __init__(self, cache: PullCacheLike) -> None:
        self._cache = cache

    @staticmethod
    def _id(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()[:64]

    async def put(self, key: str, value: Mapping[str, Any]) -> None:
        await self._cache.put_local(
            CachedResource(
                SNAPSHOT_TYPE, self._id(key), _now(), None, json.dumps(value, default=str).encode()
            )
        )

    async def get(self, key: str) -> Mapping[str, Any] | None:
        raw = await self._cache.get(SNAPSHOT_TYPE, self._id(key))
        return None if raw is None else dict(json.loads(raw))


class VaultDraftStore:
    """Visit report drafts in the vault."""

    def __init__(self, cache: PullCacheLike) -> None:
        self._cache = cache

    async def save(self, report: VisitReport) -> None:
        await self._cache.put_local(
            CachedResource(
                DRAFT_TYPE, report.report_id, _now(), report.patient_ref, report_to_json(report)
            )
        )

    async def load(self, report_id: str) -> VisitReport | None:
        raw = await self._cache.get(DRAFT_TYPE, report_id)
        if raw is None or raw == _TOMBSTONE:
            return None
        return report_from_json(raw)

    async def delete(self, report_id: str) -> None:
        if await self._cache.get(DRAFT_TYPE, report_id) is not None:
            await self._cache.put_local(
                CachedResource(DRAFT_TYPE, report_id, _now(), None, _TOMBSTONE)
            )

    async def list_ids(self) -> list[str]:
        out = []
        for raw in await self._cache.list(DRAFT_TYPE):
            if raw != _TOMBSTONE:
                out.append(report_from_json(raw).report_id)
        return sorted(out)


class VaultPulledResources:
    """What the sync worker pulled into the vault (:class:`PulledResources`)."""

    def __init__(self, cache: PullCache) -> None:
        self._cache = cache

    async def resources(
        self, resource_type: str, *, patient_ref: str | None = None
    ) -> list[FhirResource]:
        return await cached_resources(self._cache, resource_type, patient_ref=patient_ref)

    async def pulled_at_utc(self) -> datetime | None:
        return await self._cache.last_pulled_utc()
