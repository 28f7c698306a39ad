"""The outbox contract: one logical unit of clinical work, written locally before any network I/O.

Stdlib only. Producers (devices, clinical workflows, login/audit) build an :class:`OutboxUnit` at
capture time with the *final* FHIR transaction Bundle and client UUIDs, and hand it to an
:class:`OutboxWriter` (implemented by ``offline_cache.outbox``). The sync worker
(``app.services.sync``) sends each unit exactly once, per DESIGN §4:

1. every :class:`BinaryAttachment` is PUT as ``Binary/{client_id}`` (never POSTed), streamed;
2. the transaction Bundle is POSTed; every entry must be idempotent (``PUT`` with a client id, or
   ``POST`` with ``ifNoneExist`` on an identifier), so resending the same bytes after any failure
   cannot create a second copy;
3. every :class:`ResourceUpdate` of a server-owned resource is applied with ``If-Match``; on 412 the
   worker refetches the resource, re-applies the merge patch and retries.

Units of the same ``patient_key`` reach the server in enqueue order. Health data in a unit is never
logged; ``label`` is shown to the clinician in the sync page, so keep it short and non-identifying
("Pressione arteriosa", "Referto di televisita").
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "BinaryAttachment",
    "InvalidUnit",
    "OutboxUnit",
    "OutboxWriter",
    "ResourceUpdate",
    "UnitKind",
    "apply_merge_patch",
    "check_transaction_bundle",
]


class InvalidUnit(ValueError):
    """The unit cannot be sent exactly once as built (the message names the rule broken)."""


class UnitKind(enum.StrEnum):
    """What a unit carries (used for labels, metrics and dead-letter triage)."""

    MEASUREMENT = "measurement"
    VISIT = "visit"
    CONSENT = "consent"
    AUDIT = "audit"
    TELECONSULT = "teleconsult"
    DEVICE_ASSOCIATION = "device-association"


@dataclass(frozen=True, slots=True)
class BinaryAttachment:
    """Raw content sent as ``PUT Binary/{client_id}`` before the Bundle that references it.

    Give exactly one of ``data`` (small content, copied into the encrypted store) or
    ``source_path`` (large content: a file the caller owns, e.g. a PDF in the vault directory).
    The outbox copies a file into the encrypted store chunk by chunk during ``enqueue`` (never
    reading it whole), so the caller may delete it once ``enqueue`` has returned; the worker later
    streams it from the store. Reference it in the Bundle as ``Binary/{client_id}``.
    """

    client_id: str
    content_type: str
    data: bytes | None = None
    source_path: Path | None = None

    def __post_init__(self) -> None:
        if (
            not self.client_id
            or any(c in self.client_id for c in "/?#")
            or len(self.client_id) > 64
        ):
            raise InvalidUnit("Binary client_id must be a FHIR id (1-64 chars, no '/', '?', '#')")
        if "/" not in self.content_type:
            raise InvalidUnit("Binary content_type must be a MIME type")
        if (self.data is None) == (self.source_path is None):
            raise InvalidUnit("give exactly one of data or source_path")


@dataclass(frozen=True, slots=True)
class ResourceUpdate:
    """A change to a server-owned resource, sent with ``If-Match`` after the Bundle.

    ``merge_patch`` is an RFC 7386 JSON merge patch (``None`` values delete a key) applied to the
    server's current version; merge patches are idempotent, so re-applying after a 412 (or after a
    crash) is safe. ``if_match`` is the ETag the user saw (opaque); None means "apply to whatever
    is current".
    """

    resource_type: str
    resource_id: str
    merge_patch: Mapping[str, Any]
    if_match: str | None = None

    def __post_init__(self) -> None:
        for part in (self.resource_type, self.resource_id):
            if not part or any(c in part for c in "/?#"):
                raise InvalidUnit("resource_type and resource_id must be plain path segments")
        if "resourceType" in self.merge_patch or "id" in self.merge_patch:
            raise InvalidUnit("a merge patch cannot change resourceType or id")


@dataclass(frozen=True, slots=True)
class OutboxUnit:
    """One logical unit of work: the final transaction Bundle plus what goes with it.

    Attributes:
        unit_id: client UUID of the unit (the idempotency key of the outbox).
        kind: what the unit carries.
        patient_key: units with the same key are sent in enqueue order (use the patient's local
            id or codice fiscale; it is stored encrypted and never logged). None: no ordering.
        bundle_json: the transaction Bundle as UTF-8 JSON bytes (build it with
            ``app.backend.fhirjson.dumps`` so decimals keep their digits). Checked on construction.
        attachments: Binaries PUT before the Bundle.
        updates: If-Match updates applied after the Bundle.
        label: short clinician-facing description for the sync page.
        created_at_utc: capture time (timezone-aware).

    Raises :class:`InvalidUnit` if the Bundle is not a transaction made only of idempotent
    entries (PUT with an id, or POST with ``ifNoneExist``).
    """

    unit_id: uuid.UUID
    kind: UnitKind
    patient_key: str | None
    bundle_json: bytes
    attachments: tuple[BinaryAttachment, ...] = ()
    updates: tuple[ResourceUpdate, ...] = ()
    label: str = ""
    created_at_utc: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if self.created_at_utc.tzinfo is None:
            raise InvalidUnit("created_at_utc must be timezone-aware")
        ids = [a.client_id for a in self.attachments]
        if len(set(ids)) != len(ids):
            raise InvalidUnit("attachment client ids must be unique within a unit")
        check_transaction_bundle(self.bundle_json)

    def bundle(self) -> dict[str, Any]:
        """The Bundle parsed (decimals as :class:`decimal.Decimal`)."""
        parsed: dict[str, Any] = json.loads(self.bundle_json, parse_float=Decimal)
        return parsed


def check_transaction_bundle(bundle_json: bytes) -> None:
    """Raise :class:`InvalidUnit` unless ``bundle_json`` is a transaction that is safe to resend."""
    try:
        bundle = json.loads(bundle_json, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidUnit(f"bundle_json is not JSON: {type(exc).__name__}") from exc
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InvalidUnit("bundle_json is not a Bundle")
    if bundle.get("type") != "transaction":
        raise InvalidUnit("the Bundle must be of type 'transaction'")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise InvalidUnit("Bundle.entry must be a list")
    for index, entry in enumerate(entries):
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict):
            raise InvalidUnit(f"entry {index} has no request")
        method = str(request.get("method", "")).upper()
        if method == "PUT":
            continue
        if method == "POST" and request.get("ifNoneExist"):
            continue
        raise InvalidUnit(
            f"entry {index}: only PUT with a client id or POST with ifNoneExist can be resent "
            "safely (DESIGN §4)"
        )


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: a new value, ``target`` is not modified.

    Objects merge recursively, ``None`` deletes a key, anything else replaces. Applying the same
    patch twice gives the same result (what makes re-applying after a 412 or a crash safe).
    """
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


@runtime_checkable
class OutboxWriter(Protocol):
    """Where producers put units. Implemented by ``offline_cache.outbox.Outbox``.

    ``enqueue`` returns only after the unit (with its attachments) is durable in the encrypted
    store; enqueueing the same ``unit_id`` again is a no-op. Call it on the core loop. Raises the
    store's errors (rooted in ``offline_cache.errors.StoreError``) if the unit cannot be kept.
    """

    async def enqueue(self, unit: OutboxUnit) -> None: ...
