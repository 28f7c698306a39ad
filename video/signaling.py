"""Room signaling: the documented JSON messages and pluggable transports.

Wire format (one JSON object per WebSocket text message, at most 64 KiB, UTF-8):

=====================  ==========================================  ===============================
``type``               other fields                                direction
=====================  ==========================================  ===============================
``join``               ``token`` (room token)                      client -> server, first message
``joined``             ``role``, ``peer_present`` (bool)           server -> client
``peer-joined``        ``role``                                    server -> client
``peer-left``          ``role``                                    server -> client
``offer``              ``sdp``, ``restart`` (bool, optional)       relayed to the other peer
``answer``             ``sdp``                                     relayed
``candidate``          ``candidate`` {``candidate``, ``sdpMid``,   relayed (trickle ICE)
                       ``sdpMLineIndex``}
``end-of-candidates``  (none)                                      relayed
``ice-restart``        (none): asks the offerer to re-offer        relayed
``bye``                ``reason`` (optional)                       relayed; the sender hangs up
``error``              ``code``, ``message``                       server -> client
=====================  ==========================================  ===============================

Roles are ``clinician`` (always the offerer) and ``patient``. The server
(``regional_sim.rtc``) checks the token, the type and the size and relays;
this module validates every field, so hostile or malformed input becomes
:class:`~video.errors.MalformedSignal` and never reaches aiortc.

Thread affinity: everything here runs on one asyncio loop (the core loop).
"""

from __future__ import annotations

import abc
import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from .errors import MalformedSignal, SignalingClosed, SignalingError, SignalingTimeout

__all__ = [
    "MAX_MESSAGE_BYTES",
    "Answer",
    "Bye",
    "Candidate",
    "EndOfCandidates",
    "ErrorMessage",
    "IceRestartRequest",
    "Join",
    "Joined",
    "LoopbackSignaling",
    "Offer",
    "PeerJoined",
    "PeerLeft",
    "SignalMessage",
    "SignalingChannel",
    "WebSocketSignaling",
    "decode_message",
    "encode_message",
]

MAX_MESSAGE_BYTES = 64 * 1024
_MAX_SDP_CHARS = 60_000
_MAX_SHORT_CHARS = 1024
_ROLES = frozenset({"clinician", "patient"})


@dataclass(frozen=True, slots=True)
class Join:
    token: str


@dataclass(frozen=True, slots=True)
class Joined:
    role: str
    peer_present: bool


@dataclass(frozen=True, slots=True)
class PeerJoined:
    role: str


@dataclass(frozen=True, slots=True)
class PeerLeft:
    role: str


@dataclass(frozen=True, slots=True)
class Offer:
    sdp: str
    restart: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    sdp: str


@dataclass(frozen=True, slots=True)
class Candidate:
    candidate: str
    sdp_mid: str | None
    sdp_mline_index: int | None


@dataclass(frozen=True, slots=True)
class EndOfCandidates:
    pass


@dataclass(frozen=True, slots=True)
class IceRestartRequest:
    pass


@dataclass(frozen=True, slots=True)
class Bye:
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ErrorMessage:
    code: str
    message: str


SignalMessage = (
    Join
    | Joined
    | PeerJoined
    | PeerLeft
    | Offer
    | Answer
    | Candidate
    | EndOfCandidates
    | IceRestartRequest
    | Bye
    | ErrorMessage
)


def _str(
    obj: dict[str, Any], key: str, *, limit: int = _MAX_SHORT_CHARS, default: str | None = None
) -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise MalformedSignal(f"{obj.get('type')}: field {key!r} must be a string")
    if len(value) > limit:
        raise MalformedSignal(f"{obj.get('type')}: field {key!r} is too long")
    return value


def _role(obj: dict[str, Any]) -> str:
    role = _str(obj, "role")
    if role not in _ROLES:
        raise MalformedSignal(f"{obj.get('type')}: unknown role")
    return role


def _sdp(obj: dict[str, Any]) -> str:
    sdp = _str(obj, "sdp", limit=_MAX_SDP_CHARS)
    if not sdp.startswith("v=0"):
        raise MalformedSignal(f"{obj.get('type')}: sdp does not start with v=0")
    return sdp


def _bool(obj: dict[str, Any], key: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise MalformedSignal(f"{obj.get('type')}: field {key!r} must be a boolean")
    return value


def _candidate(obj: dict[str, Any]) -> Candidate:
    inner = obj.get("candidate")
    if not isinstance(inner, dict):
        raise MalformedSignal("candidate: field 'candidate' must be an object")
    text = inner.get("candidate")
    if not isinstance(text, str) or len(text) > _MAX_SHORT_CHARS:
        raise MalformedSignal("candidate: candidate.candidate must be a short string")
    mid = inner.get("sdpMid")
    if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
        raise MalformedSignal("candidate: sdpMid must be a short string or null")
    index = inner.get("sdpMLineIndex")
    if index is not None and (
        isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 64
    ):
        raise MalformedSignal("candidate: sdpMLineIndex must be a small integer or null")
    if mid is None and index is None:
        raise MalformedSignal("candidate: needs sdpMid or sdpMLineIndex")
    return Candidate(candidate=text, sdp_mid=mid, sdp_mline_index=index)


def decode_message(raw: str | bytes) -> SignalMessage:
    """Parse one wire message; raises :class:`MalformedSignal` with a reason on any deviation."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MalformedSignal("message larger than 64 KiB")
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedSignal("not JSON") from exc
    if not isinstance(obj, dict):
        raise MalformedSignal("not a JSON object")
    kind = obj.get("type")
    match kind:
        case "join":
            return Join(token=_str(obj, "token", limit=256))
        case "joined":
            return Joined(role=_role(obj), peer_present=_bool(obj, "peer_present"))
        case "peer-joined":
            return PeerJoined(role=_role(obj))
        case "peer-left":
            return PeerLeft(role=_role(obj))
        case "offer":
            return Offer(sdp=_sdp(obj), restart=_bool(obj, "restart"))
        case "answer":
            return Answer(sdp=_sdp(obj))
        case "candidate":
            return _candidate(obj)
        case "end-of-candidates":
            return EndOfCandidates()
        case "ice-restart":
            return IceRestartRequest()
        case "bye":
            return Bye(reason=_str(obj, "reason", limit=200, default=""))
        case "error":
            return ErrorMessage(code=_str(obj, "code", limit=64), message=_str(obj, "message"))
        case _:
            raise MalformedSignal("unknown message type")


def encode_message(message: SignalMessage) -> str:
    """Serialise one message to its wire JSON (pure)."""
    body: dict[str, Any]
    match message:
        case Join(token=token):
            body = {"type": "join", "token": token}
        case Joined(role=role, peer_present=present):
            body = {"type": "joined", "role": role, "peer_present": present}
        case PeerJoined(role=role):
            body = {"type": "peer-joined", "role": role}
        case PeerLeft(role=role):
            body = {"type": "peer-left", "role": role}
        case Offer(sdp=sdp, restart=restart):
            body = {"type": "offer", "sdp": sdp, "restart": restart}
        case Answer(sdp=sdp):
            body = {"type": "answer", "sdp": sdp}
        case Candidate(candidate=text, sdp_mid=mid, sdp_mline_index=index):
            body = {
                "type": "candidate",
                "candidate": {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index},
            }
        case EndOfCandidates():
            body = {"type": "end-of-candidates"}
        case IceRestartRequest():
            body = {"type": "ice-restart"}
        case Bye(reason=reason):
            body = {"type": "bye", "reason": reason}
        case ErrorMessage(code=code, message=text):
            body = {"type": "error", "code": code, "message": text}
    return json.dumps(body, separators=(",", ":"))


class SignalingChannel(abc.ABC):
    """One peer's end of a room's signaling.

    ``receive`` returns the next valid message; it raises :class:`MalformedSignal`
    for a bad one (the channel stays usable) and :class:`SignalingClosed` once the
    channel is gone. Thread affinity: the core loop.
    """

    @abc.abstractmethod
    async def send(self, message: SignalMessage) -> None:
        """Send one message; raises :class:`SignalingClosed` if the channel is closed."""

    @abc.abstractmethod
    async def receive_raw(self) -> str:
        """The next raw text message; raises :class:`SignalingClosed` at the end."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Close the channel (idempotent)."""

    async def receive(self, *, timeout_s: float | None = None) -> SignalMessage:
        """The next message, decoded; bounded by ``timeout_s`` (:class:`SignalingTimeout`)."""
        try:
            raw = await asyncio.wait_for(self.receive_raw(), timeout_s)
        except TimeoutError as exc:
            raise SignalingTimeout("no signaling message in time") from exc
        return decode_message(raw)


class LoopbackSignaling(SignalingChannel):
    """An in-process pair of channels for tests: what one sends, the other receives raw."""

    def __init__(self) -> None:
        self._inbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._peer: LoopbackSignaling | None = None
        self._closed = False

    @classmethod
    def pair(cls) -> tuple[LoopbackSignaling, LoopbackSignaling]:
        a, b = cls(), cls()
        a._peer, b._peer = b, a
        return a, b

    async def send(self, message: SignalMessage) -> None:
        await self.send_raw(encode_message(message))

    async def send_raw(self, text: str) -> None:
        """Deliver arbitrary text to the peer (tests inject hostile messages this way)."""
        if self._closed or self._peer is None or self._peer._closed:
            raise SignalingClosed("loopback closed")
        self._peer._inbox.put_nowait(text)

    async def receive_raw(self) -> str:
        if self._closed:
            raise SignalingClosed("loopback closed")
        item = await self._inbox.get()
        if item is None:
            raise SignalingClosed("loopback closed")
        return item

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._inbox.put_nowait(None)
        if self._peer is not None and not self._peer._closed:
            self._peer._inbox.put_nowait(None)


class WebSocketSignaling(SignalingChannel):
    """The room WebSocket of the regional backend (``regional_sim.rtc`` documents the URL).

    Use :meth:`connect`, which opens the socket, sends ``join`` and waits (bounded)
    for ``joined``.
    """

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._session = session
        self._ws = ws
        self.joined: Joined | None = None

    @classmethod
    async def connect(
        cls, url: str, *, token: str, timeout_s: float = 10.0, ssl: Any = True
    ) -> WebSocketSignaling:
        """Open ``url`` (``ws://`` or ``wss://``), join with ``token``; bounded by ``timeout_s``.

        Raises :class:`SignalingTimeout`, :class:`SignalingError` (refused, rejected token).
        """
        session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None, connect=timeout_s)
        )
        try:
            ws = await asyncio.wait_for(
                session.ws_connect(url, heartbeat=10.0, max_msg_size=MAX_MESSAGE_BYTES, ssl=ssl),
                timeout_s,
            )
        except TimeoutError as exc:
            await session.close()
            raise SignalingTimeout(
                "signaling server did not accept the connection in time"
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            await session.close()
            raise SignalingError(
                f"cannot reach the signaling server ({type(exc).__name__})"
            ) from exc
        except BaseException:
            await session.close()
            raise
        channel = cls(session, ws)
        try:
            await channel.send(Join(token=token))
            reply = await channel.receive(timeout_s=timeout_s)
        except BaseException:
            await channel.close()
            raise
        if isinstance(reply, ErrorMessage):
            await channel.close()
            raise SignalingError(f"join refused: {reply.code}")
        if not isinstance(reply, Joined):
            await channel.close()
            raise SignalingError("unexpected reply to join")
        channel.joined = reply
        return channel

    async def send(self, message: SignalMessage) -> None:
        if self._ws.closed:
            raise SignalingClosed("signaling socket closed")
        try:
            await self._ws.send_str(encode_message(message))
        except (ConnectionError, aiohttp.ClientError) as exc:
            raise SignalingClosed("signaling socket closed") from exc

    async def receive_raw(self) -> str:
        msg = await self._ws.receive()
        if msg.type == aiohttp.WSMsgType.TEXT:
            return str(msg.data)
        if msg.type == aiohttp.WSMsgType.BINARY:
            raise MalformedSignal("binary signaling message")
        raise SignalingClosed("signaling socket closed")

    async def close(self) -> None:
        try:
            await self._ws.close()
        finally:
            await self._session.close()
