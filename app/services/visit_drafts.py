"""Autosaved drafts of visit reports that survive a crash, never as plain files.

:class:`EncryptedDraftStore` keeps one AES-256-GCM sealed file per draft (the file name is a
keyed hash of the draft id, so neither names nor ids leak; the draft id is bound as associated
data so files cannot be swapped). Writes go to a temporary file in the same directory that is
fsynced and renamed over the old one, so a crash leaves either the old or the new draft, and the
temporary file is itself encrypted. The key (32 bytes) comes from the session (the user's
vault key material), never from configuration. :class:`InMemoryDraftStore` is used before a
session key is available (drafts then last for the process only).

Thread affinity: coroutines on the core loop; file I/O runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.domain.visit_report import RemoteService, VisitReport

_MAGIC = b"TMDRAFT1"
_DATETIME_FIELDS = ("started_at_utc", "ended_at_utc", "signed_at_utc")


class DraftError(Exception):
    """Base of draft store errors."""


class DraftUnreadable(DraftError):
    """A draft file exists but cannot be decrypted (wrong key or damaged); it is left in place."""


class DraftStore(Protocol):
    async def save(self, report: VisitReport) -> None: ...

    async def load(self, report_id: str) -> VisitReport | None: ...

    async def delete(self, report_id: str) -> None: ...

    async def list_ids(self) -> list[str]: ...


def report_to_json(report: VisitReport) -> bytes:
    data: dict[str, Any] = dataclasses.asdict(report)
    for name in _DATETIME_FIELDS:
        value = data[name]
        data[name] = value.isoformat() if value is not None else None
    data["service"] = report.service.value
    return json.dumps(data, sort_keys=True).encode()


def report_from_json(raw: bytes) -> VisitReport:
    data = json.loads(raw)
    for name in _DATETIME_FIELDS:
        if data.get(name) is not None:
            data[name] = datetime.fromisoformat(data[name])
    data["service"] = RemoteService(data["service"])
    data["measurements"] = tuple(data.get("measurements") or ())
    return VisitReport(**data)


class InMemoryDraftStore:
    """Drafts kept for the process only (before the session's key is available)."""

    def __init__(self) -> None:
        self._drafts: dict[str, bytes] = {}

    async def save(self, report: VisitReport) -> None:
        self._drafts[report.report_id] = report_to_json(report)

    async def load(self, report_id: str) -> VisitReport | None:
        raw = self._drafts.get(report_id)
        return None if raw is None else report_from_json(raw)

    async def delete(self, report_id: str) -> None:
        self._drafts.pop(report_id, None)

    async def list_ids(self) -> list[str]:
        return sorted(self._drafts)


class EncryptedDraftStore:
    """AES-256-GCM sealed drafts in ``directory`` (created 0700)."""

    def __init__(self, directory: Path, key: bytes) -> None:
        if len(key) != 32:
            raise DraftError("the draft key must be 32 bytes")
        self._dir = directory
        self._aead = AESGCM(key)
        self._name_key = hmac.new(key, b"draft-file-names", hashlib.sha256).digest()

    def _path(self, report_id: str) -> Path:
        digest = hmac.new(self._name_key, report_id.encode(), hashlib.sha256).hexdigest()
        return self._dir / f"{digest[:32]}.draft"

    def _seal(self, report: VisitReport) -> bytes:
        nonce = secrets.token_bytes(12)
        payload = json.dumps(
            {"id": report.report_id, "report": report_to_json(report).decode()}
        ).encode()
        return _MAGIC + nonce + self._aead.encrypt(nonce, payload, _MAGIC)

    def _open(self, blob: bytes) -> tuple[str, VisitReport]:
        if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 12 + 16:
            raise DraftUnreadable("not a draft file")
        nonce = blob[len(_MAGIC) : len(_MAGIC) + 12]
        try:
            payload = json.loads(self._aead.decrypt(nonce, blob[len(_MAGIC) + 12 :], _MAGIC))
        except InvalidTag as exc:
            raise DraftUnreadable("the draft cannot be decrypted with this key") from exc
        return str(payload["id"]), report_from_json(str(payload["report"]).encode())

    def _write(self, report: VisitReport) -> None:
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(report.report_id)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, self._seal(report))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)

    def _read(self, report_id: str) -> VisitReport | None:
        path = self._path(report_id)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        stored_id, report = self._open(blob)
        if stored_id != report_id:
            raise DraftUnreadable("the draft file belongs to another report")
        return report

    def _ids(self) -> list[str]:
        if not self._dir.exists():
            return []
        out = []
        for path in self._dir.glob("*.draft"):
            try:
                out.append(self._open(path.read_bytes())[0])
            except DraftUnreadable:
                continue
        return sorted(out)

    async def save(self, report: VisitReport) -> None:
        await asyncio.to_thread(self._write, report)

    async def load(self, report_id: str) -> VisitReport | None:
        return await asyncio.to_thread(self._read, report_id)

    async def delete(self, report_id: str) -> None:
        await asyncio.to_thread(self._path(report_id).unlink, missing_ok=True)

    async def list_ids(self) -> list[str]:
        return await asyncio.to_thread(self._ids)
