"""In-call DataChannel messages: chat, live vitals, degradation level, shared documents.

One reliable, ordered channel labelled ``telemed``, opened by the offerer; one JSON
object per message:

- ``{"type": "chat", "text": str}`` (at most 2000 characters)
- ``{"type": "vitals", "label": str, "value": number, "unit": str}``
- ``{"type": "mode", "level": "video" | "low-video" | "audio-only" | "chat-only"}``
- ``{"type": "file-begin", "id", "name", "mime", "size", "sha256"}``, then
  ``{"type": "file-chunk", "id", "seq", "data": base64}`` (16 KiB of payload each),
  then ``{"type": "file-end", "id"}``. Files are at most 5 MiB, kept in memory only
  and checked against their SHA-256.

The patient page (``regional_sim/rtc_static/patient.js``) speaks the same schema.
Pure functions; any thread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import MalformedSignal, TransferRejected

__all__ = [
    "CHUNK_BYTES",
    "MAX_FILE_BYTES",
    "ChatMessage",
    "FileAssembler",
    "ModeMessage",
    "ReceivedFile",
    "VitalsMessage",
    "decode_channel_message",
    "encode_chat",
    "encode_file",
    "encode_mode",
    "encode_vitals",
]

MAX_FILE_BYTES = 5 * 1024 * 1024
CHUNK_BYTES = 16 * 1024
MAX_CHAT_CHARS = 2000
LEVELS = ("video", "low-video", "audio-only", "chat-only")


@dataclass(frozen=True, slots=True)
class ChatMessage:
    text: str


@dataclass(frozen=True, slots=True)
class VitalsMessage:
    label: str
    value: float
    unit: str


@dataclass(frozen=True, slots=True)
class ModeMessage:
    level: str


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    name: str
    mime: str
    data: bytes


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def encode_chat(text: str) -> str:
    """A chat message; raises ``ValueError`` for empty or longer than 2000 characters."""
    if not text or len(text) > MAX_CHAT_CHARS:
        raise ValueError("chat text must be 1..2000 characters")
    return _dump({"type": "chat", "text": text})


def encode_vitals(*, label: str, value: float, unit: str) -> str:
    """A reading to show on the other side; raises ``ValueError`` for a non-finite value."""
    if not math.isfinite(value):
        raise ValueError("vitals value must be finite")
    return _dump({"type": "vitals", "label": label[:64], "value": value, "unit": unit[:16]})


def encode_mode(level: str) -> str:
    """The degradation level in force (the patient page explains it)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    return _dump({"type": "mode", "level": level})


def encode_file(*, name: str, mime: str, data: bytes) -> Iterator[str]:
    """The messages that share ``data``; raises :class:`TransferRejected` above 5 MiB."""
    if len(data) > MAX_FILE_BYTES:
        raise TransferRejected(f"document larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    file_id = uuid.uuid4().hex
    yield _dump(
        {
            "type": "file-begin",
            "id": file_id,
            "name": name[:200],
            "mime": mime[:100],
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    )
    for seq, start in enumerate(range(0, len(data), CHUNK_BYTES)):
        chunk = base64.b64encode(data[start : start + CHUNK_BYTES]).decode("ascii")
        yield _dump({"type": "file-chunk", "id": file_id, "seq": seq, "data": chunk})
    yield _dump({"type": "file-end", "id": file_id})


@dataclass
class _Pending:
    name: str
    mime: str
    size: int
    sha256: str
    next_seq: int = 0
    parts: list[bytes] = field(default_factory=list)
    received: int = 0


class FileAssembler:
    """Reassembles shared documents; at most ``max_pending`` transfers at once (memory bound)."""

    def __init__(self, *, max_pending: int = 4) -> None:
        self._pending: dict[str, _Pending] = {}
        self._max_pending = max_pending

    def feed(self, body: dict[str, Any]) -> ReceivedFile | None:
        """Feed one ``file-*`` message; returns the file when complete.

        Raises :class:`TransferRejected` (oversized, out of order, bad checksum);
        the transfer is then dropped and nothing partial is kept.
        """
        kind = body.get("type")
        file_id = body.get("id")
        if not isinstance(file_id, str) or len(file_id) > 64:
            raise TransferRejected("file message without a valid id")
        if kind == "file-begin":
            size, name, mime, digest = (
                body.get("size"),
                body.get("name"),
                body.get("mime"),
                body.get("sha256"),
            )
            if (
                isinstance(size, bool)
                or not isinstance(size, int)
                or not 0 <= size <= MAX_FILE_BYTES
            ):
                raise TransferRejected("document too large or size missing")
            if not (isinstance(name, str) and isinstance(mime, str) and isinstance(digest, str)):
                raise TransferRejected("file-begin without name, mime or sha256")
            if len(self._pending) >= self._max_pending:
                raise TransferRejected("too many transfers at once")
            self._pending[file_id] = _Pending(
                name=name[:200], mime=mime[:100], size=size, sha256=digest
            )
            return None
        pending = self._pending.get(file_id)
        if pending is None:
            raise TransferRejected("chunk of an unknown transfer")
        if kind == "file-chunk":
            seq, data = body.get("seq"), body.get("data")
            if seq != pending.next_seq or not isinstance(data, str):
                del self._pending[file_id]
                raise TransferRejected("chunk out of order")
            try:
                part = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError) as exc:
                del self._pending[file_id]
                raise TransferRejected("chunk is not base64") from exc
            pending.received += len(part)
            if pending.received > pending.size:
                del self._pending[file_id]
                raise TransferRejected("more data than announced")
            pending.parts.append(part)
            pending.next_seq += 1
            return None
        del self._pending[file_id]
        data = b"".join(pending.parts)
        if len(data) != pending.size or hashlib.sha256(data).hexdigest() != pending.sha256:
            raise TransferRejected("document incomplete or checksum mismatch")
        return ReceivedFile(name=pending.name, mime=pending.mime, data=data)


def decode_channel_message(raw: str | bytes) -> dict[str, Any]:
    """Parse one DataChannel message into a dict with a known ``type``; raises :class:`MalformedSignal`."""
    if len(raw) > 64 * 1024:
        raise MalformedSignal("channel message larger than 64 KiB")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedSignal("channel message is not JSON") from exc
    if not isinstance(body, dict) or body.get("type") not in {
        "chat",
        "vitals",
        "mode",
        "file-begin",
        "file-chunk",
        "file-end",
    }:
        raise MalformedSignal("unknown channel message")
    kind = body["type"]
    if kind == "chat" and not (
        isinstance(body.get("text"), str) and 0 < len(body["text"]) <= MAX_CHAT_CHARS
    ):
        raise MalformedSignal("chat without valid text")
    if kind == "vitals":
        value = body.get("value")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not isinstance(body.get("label"), str)
            or not isinstance(body.get("unit"), str)
        ):
            raise MalformedSignal("vitals without label, finite value and unit")
    if kind == "mode" and body.get("level") not in LEVELS:
        raise MalformedSignal("unknown level")
    return body
