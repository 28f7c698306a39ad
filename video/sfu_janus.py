"""Multi-party calls through a Janus VideoRoom (SFU), over Janus's HTTP REST transport.

Janus (https://janus.conf.meetecho.com/docs/rest.html, VideoRoom plugin API in
``janus_videoroom.c``) is reached through one *session* with one *handle* per role:

- a **publisher** handle joins the room (``ptype: publisher``) and publishes its media. From the
  caller's side this is exactly a 1:1 call in which we are the offerer, so it is exposed as a
  :class:`video.signaling.SignalingChannel` (:class:`JanusPublisherSignaling`): the call engine
  sends :class:`~video.signaling.Offer`/:class:`~video.signaling.Candidate` as it does towards a
  patient and receives the :class:`~video.signaling.Answer` from Janus.
- a **subscriber** handle per remote feed (``ptype: subscriber``): here Janus is the offerer;
  :meth:`JanusVideoRoom.subscribe` passes Janus's offer to a callback that returns the answer.

Events come from a long-poll loop (``GET /janus/<session>?maxev=N``) that also keeps the session
alive; every wait is bounded. Subscribe to a publisher only after its ``webrtcup`` (otherwise
Janus may offer a feed without media).

Thread affinity: everything runs on one asyncio loop (the core loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from .errors import SignalingClosed, SignalingError, SignalingTimeout
from .ice import IceServer, rtc_configuration
from .media import FrameSlot, sink_video
from .signaling import (
    Answer,
    Bye,
    Candidate,
    EndOfCandidates,
    IceRestartRequest,
    Offer,
    SignalingChannel,
    SignalMessage,
    encode_message,
)

__all__ = [
    "JanusError",
    "JanusHandle",
    "JanusParticipant",
    "JanusPublisherSignaling",
    "JanusSession",
    "JanusSubscription",
    "JanusVideoRoom",
    "RoomPublisher",
]

VIDEOROOM = "janus.plugin.videoroom"


class JanusError(SignalingError):
    """Janus refused a request or answered something unexpected (``code`` from Janus if any)."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class RoomPublisher:
    """A feed in the room: Janus's publisher id and its display name."""

    feed_id: int
    display: str


@dataclass(slots=True)
class _HandleState:
    events: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    webrtcup: asyncio.Event = field(default_factory=asyncio.Event)
    hangup: asyncio.Event = field(default_factory=asyncio.Event)
    pending: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)


class JanusSession:
    """One Janus session over HTTP; owns the long-poll loop. Use ``async with``."""

    def __init__(
        self, base_url: str, *, http: aiohttp.ClientSession, request_timeout_s: float = 10.0
    ) -> None:
        self._base = base_url.rstrip("/")
        self._http = http
        self._timeout_s = request_timeout_s
        self._session_id: int | None = None
        self._handles: dict[int, _HandleState] = {}
        self._poller: asyncio.Task[None] | None = None
        self._tx = itertools.count(1)
        self._closed = False

    @classmethod
    async def create(
        cls, base_url: str, *, http: aiohttp.ClientSession, request_timeout_s: float = 10.0
    ) -> JanusSession:
        """Open a session (``POST /janus {"janus": "create"}``) and start polling its events."""
        session = cls(base_url, http=http, request_timeout_s=request_timeout_s)
        reply = await session._post(session._base, {"janus": "create"})
        session._session_id = int(reply["data"]["id"])
        session._poller = asyncio.get_running_loop().create_task(session._poll(), name="janus-poll")
        return session

    async def __aenter__(self) -> JanusSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def url(self) -> str:
        if self._session_id is None:
            raise SignalingClosed("Janus session not created")
        return f"{self._base}/{self._session_id}"

    def _transaction(self) -> str:
        return f"{next(self._tx)}-{secrets.token_hex(4)}"

    async def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "transaction": body.get("transaction") or self._transaction()}
        try:
            async with asyncio.timeout(self._timeout_s):
                async with self._http.post(url, data=json.dumps(body)) as resp:
                    if resp.status != 200:
                        raise JanusError(f"Janus answered HTTP {resp.status}")
                    reply = json.loads(await resp.text())
        except TimeoutError as exc:
            raise SignalingTimeout("Janus did not answer in time") from exc
        except (aiohttp.ClientError, ConnectionError) as exc:
            raise SignalingClosed(f"cannot reach Janus ({type(exc).__name__})") from exc
        except ValueError as exc:
            raise JanusError("Janus answered with invalid JSON") from exc
        if not isinstance(reply, dict):
            raise JanusError("Janus answered with a non-object")
        if reply.get("janus") == "error":
            err = reply.get("error") or {}
            raise JanusError(str(err.get("reason", "error")), code=err.get("code"))
        return reply

    async def attach(self, plugin: str = VIDEOROOM) -> JanusHandle:
        """Attach a new handle to ``plugin``."""
        reply = await self._post(self.url, {"janus": "attach", "plugin": plugin})
        handle_id = int(reply["data"]["id"])
        self._handles[handle_id] = _HandleState()
        return JanusHandle(self, handle_id)

    async def _poll(self) -> None:
        """Long-poll events and route them to their handles (runs until close)."""
        while not self._closed:
            try:
                async with asyncio.timeout(45):
                    async with self._http.get(f"{self.url}?maxev=10") as resp:
                        text = await resp.text()
            except (TimeoutError, aiohttp.ClientError, ConnectionError):
                if self._closed:
                    return
                await asyncio.sleep(0.2)
                continue
            try:
                payload = json.loads(text)
            except ValueError:
                continue
            for event in payload if isinstance(payload, list) else [payload]:
                if isinstance(event, dict):
                    self._route(event)

    def _route(self, event: dict[str, Any]) -> None:
        state = self._handles.get(int(event.get("sender") or 0))
        if state is None:
            return
        kind = event.get("janus")
        if kind == "webrtcup":
            state.webrtcup.set()
        elif kind == "hangup":
            state.hangup.set()
        elif kind == "event":
            fut = state.pending.pop(str(event.get("transaction") or ""), None)
            if fut is not None and not fut.done():
                fut.set_result(event)
            else:
                state.events.put_nowait(event)

    async def close(self) -> None:
        """Destroy the session (best effort) and stop polling (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._session_id is not None:
            with contextlib.suppress(SignalingError):
                await self._post(self.url, {"janus": "destroy"})
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller


class JanusHandle:
    """A plugin handle: synchronous requests, asynchronous messages with JSEP, trickle."""

    def __init__(self, session: JanusSession, handle_id: int) -> None:
        self.session = session
        self.handle_id = handle_id

    @property
    def _state(self) -> _HandleState:
        return self.session._handles[self.handle_id]

    @property
    def url(self) -> str:
        return f"{self.session.url}/{self.handle_id}"

    async def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """A synchronous plugin request (create, exists, listparticipants...): its plugin data."""
        reply = await self.session._post(self.url, {"janus": "message", "body": body})
        data = (reply.get("plugindata") or {}).get("data") or {}
        if "error" in data:
            raise JanusError(str(data["error"]), code=data.get("error_code"))
        return dict(data)

    async def message(
        self, body: dict[str, Any], *, jsep: dict[str, Any] | None = None, timeout_s: float = 15.0
    ) -> dict[str, Any]:
        """An asynchronous request: returns its ``event`` (plugin data and maybe ``jsep``)."""
        tx = self.session._transaction()
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._state.pending[tx] = fut
        payload: dict[str, Any] = {"janus": "message", "body": body, "transaction": tx}
        if jsep is not None:
            payload["jsep"] = jsep
        try:
            reply = await self.session._post(self.url, payload)
            if reply.get("janus") == "event":  # answered synchronously after all
                event = reply
            else:
                async with asyncio.timeout(timeout_s):
                    event = await fut
        except TimeoutError as exc:
            raise SignalingTimeout(f"Janus did not answer {body.get('request')!r}") from exc
        finally:
            self._state.pending.pop(tx, None)
        data = (event.get("plugindata") or {}).get("data") or {}
        if "error" in data:
            raise JanusError(str(data["error"]), code=data.get("error_code"))
        return event

    async def trickle(self, candidate: Candidate | None) -> None:
        """Send one ICE candidate, or ``None`` for end-of-candidates."""
        body: dict[str, Any]
        if candidate is None:
            body = {"completed": True}
        else:
            body = {
                "candidate": candidate.candidate,
                "sdpMid": candidate.sdp_mid,
                "sdpMLineIndex": candidate.sdp_mline_index,
            }
        await self.session._post(self.url, {"janus": "trickle", "candidate": body})

    async def wait_webrtcup(self, *, timeout_s: float) -> None:
        """Wait until Janus reports the PeerConnection up (DTLS done) on this handle."""
        try:
            async with asyncio.timeout(timeout_s):
                await self._state.webrtcup.wait()
        except TimeoutError as exc:
            raise SignalingTimeout("Janus PeerConnection did not come up in time") from exc

    @property
    def hung_up(self) -> asyncio.Event:
        return self._state.hangup

    async def next_event(self, *, timeout_s: float) -> dict[str, Any]:
        """The next unsolicited event (e.g. new publishers in the room)."""
        try:
            async with asyncio.timeout(timeout_s):
                return await self._state.events.get()
        except TimeoutError as exc:
            raise SignalingTimeout("no event from Janus in time") from exc

    async def detach(self) -> None:
        with contextlib.suppress(SignalingError):
            await self.session._post(self.url, {"janus": "detach"})


class JanusPublisherSignaling(SignalingChannel):
    """A room publisher behind the 1:1 signaling interface (we offer, Janus answers).

    ``send(Offer)`` publishes with that SDP and queues Janus's :class:`Answer`;
    ``send(Candidate)``/``send(EndOfCandidates)`` trickle; ``send(Bye)`` leaves the room. A
    Janus ``hangup`` arrives as :class:`Bye`. ``IceRestartRequest`` is not supported by the
    VideoRoom publisher API and is ignored.
    """

    def __init__(self, handle: JanusHandle, *, feed_id: int, audio: bool, video: bool) -> None:
        self.handle = handle
        self.feed_id = feed_id
        self._audio = audio
        self._video = video
        self._inbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._closed = False
        self._watch = asyncio.get_running_loop().create_task(self._watch_hangup())

    async def _watch_hangup(self) -> None:
        await self.handle.hung_up.wait()
        self._inbox.put_nowait(encode_message(Bye(reason="janus hangup")))

    async def send(self, message: SignalMessage) -> None:
        if self._closed:
            raise SignalingClosed("publisher left the room")
        match message:
            case Offer(sdp=sdp):
                event = await self.handle.message(
                    {"request": "publish", "audio": self._audio, "video": self._video},
                    jsep={"type": "offer", "sdp": sdp},
                )
                jsep = event.get("jsep") or {}
                if jsep.get("type") != "answer" or not isinstance(jsep.get("sdp"), str):
                    raise JanusError("Janus did not answer the publish offer")
                self._inbox.put_nowait(encode_message(Answer(sdp=jsep["sdp"])))
            case Candidate():
                await self.handle.trickle(message)
            case EndOfCandidates():
                await self.handle.trickle(None)
            case Bye():
                await self.close()
            case IceRestartRequest():
                return
            case _:
                raise SignalingError(f"{type(message).__name__} has no Janus equivalent")

    async def receive_raw(self) -> str:
        if self._closed and self._inbox.empty():
            raise SignalingClosed("publisher left the room")
        item = await self._inbox.get()
        if item is None:
            raise SignalingClosed("publisher left the room")
        return item

    async def wait_webrtcup(self, *, timeout_s: float) -> None:
        await self.handle.wait_webrtcup(timeout_s=timeout_s)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._watch.cancel()
        with contextlib.suppress(SignalingError):
            await self.handle.message({"request": "leave"}, timeout_s=5)
        await self.handle.detach()
        self._inbox.put_nowait(None)


@dataclass(slots=True)
class JanusSubscription:
    """A subscriber handle receiving one publisher's feed."""

    handle: JanusHandle
    feed_id: int

    async def wait_webrtcup(self, *, timeout_s: float) -> None:
        await self.handle.wait_webrtcup(timeout_s=timeout_s)

    async def close(self) -> None:
        with contextlib.suppress(SignalingError):
            await self.handle.message({"request": "leave"}, timeout_s=5)
        await self.handle.detach()


class JanusVideoRoom:
    """One participant's view of a VideoRoom: create/join, publish, list, subscribe."""

    def __init__(self, session: JanusSession, room: int) -> None:
        self.session = session
        self.room = room

    async def create_room(
        self, *, publishers: int = 6, video_codec: str = "vp8", secret: str | None = None
    ) -> None:
        """Create the room (a temporary one; already existing is fine)."""
        handle = await self.session.attach()
        try:
            exists = await handle.request({"request": "exists", "room": self.room})
            if exists.get("exists"):
                return
            body: dict[str, Any] = {
                "request": "create",
                "room": self.room,
                "publishers": publishers,
                "videocodec": video_codec,
                "audiocodec": "opus",
                "permanent": False,
            }
            if secret:
                body["secret"] = secret
            await handle.request(body)
        finally:
            await handle.detach()

    async def destroy_room(self, *, secret: str | None = None) -> None:
        handle = await self.session.attach()
        try:
            body: dict[str, Any] = {"request": "destroy", "room": self.room}
            if secret:
                body["secret"] = secret
            await handle.request(body)
        finally:
            await handle.detach()

    async def join_as_publisher(
        self, display: str, *, audio: bool = True, video: bool = True
    ) -> tuple[JanusPublisherSignaling, list[RoomPublisher]]:
        """Join and return the publisher's signaling channel and who already publishes."""
        handle = await self.session.attach()
        event = await handle.message(
            {"request": "join", "ptype": "publisher", "room": self.room, "display": display}
        )
        data = (event.get("plugindata") or {}).get("data") or {}
        if data.get("videoroom") != "joined":
            raise JanusError("unexpected answer to join")
        channel = JanusPublisherSignaling(handle, feed_id=int(data["id"]), audio=audio, video=video)
        return channel, _publishers(data)

    async def publishers(self) -> list[RoomPublisher]:
        """The feeds currently published in the room."""
        handle = await self.session.attach()
        try:
            data = await handle.request({"request": "listparticipants", "room": self.room})
        finally:
            await handle.detach()
        return [
            RoomPublisher(int(p["id"]), str(p.get("display") or ""))
            for p in data.get("participants") or []
            if p.get("publisher")
        ]

    async def subscribe(
        self,
        feed_id: int,
        answer: Callable[[str], Awaitable[str]],
        *,
        timeout_s: float = 15.0,
    ) -> JanusSubscription:
        """Subscribe to ``feed_id``: ``answer(offer_sdp)`` returns our answer SDP.

        Call it after the publisher's ``webrtcup``.
        """
        handle = await self.session.attach()
        event = await handle.message(
            {
                "request": "join",
                "ptype": "subscriber",
                "room": self.room,
                "streams": [{"feed": feed_id}],
            },
            timeout_s=timeout_s,
        )
        jsep = event.get("jsep") or {}
        if jsep.get("type") != "offer" or not isinstance(jsep.get("sdp"), str):
            await handle.detach()
            raise JanusError("Janus sent no offer for the subscription")
        sdp = await answer(str(jsep["sdp"]))
        await handle.message(
            {"request": "start", "room": self.room},
            jsep={"type": "answer", "sdp": sdp},
            timeout_s=timeout_s,
        )
        return JanusSubscription(handle, feed_id)


def _publishers(data: dict[str, Any]) -> list[RoomPublisher]:
    return [
        RoomPublisher(int(p["id"]), str(p.get("display") or ""))
        for p in data.get("publishers") or []
    ]


class JanusParticipant:
    """One party of a multi-party teleconsult: publishes its media, receives everyone else's.

    :meth:`join` publishes ``video_track`` (and ``audio_track`` if given) through
    :class:`JanusPublisherSignaling` and waits for Janus's ``webrtcup``; :meth:`subscribe_all`
    subscribes to every other publisher not yet received. Decoded remote video goes to one
    :class:`video.media.FrameSlot` per feed (:attr:`frames`), which the UI polls on a timer.
    ``ice_servers`` is the configured list (never a public default).

    Thread affinity: the core loop; :attr:`frames` slots may be read from any thread.
    """

    def __init__(
        self,
        room: JanusVideoRoom,
        display: str,
        *,
        video_track: MediaStreamTrack | None,
        audio_track: MediaStreamTrack | None = None,
        ice_servers: Sequence[IceServer] = (),
    ) -> None:
        self.room = room
        self.display = display
        self._video = video_track
        self._audio = audio_track
        self._config = rtc_configuration(ice_servers)
        self.channel: JanusPublisherSignaling | None = None
        self._publisher_pc: RTCPeerConnection | None = None
        self._subscriptions: dict[int, tuple[JanusSubscription, RTCPeerConnection]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.frames: dict[int, FrameSlot] = {}
        self.displays: dict[int, str] = {}

    @property
    def feed_id(self) -> int | None:
        return self.channel.feed_id if self.channel is not None else None

    async def join(self, *, timeout_s: float = 20.0) -> list[RoomPublisher]:
        """Publish and wait until Janus has the media; returns who was already there."""
        channel, already = await self.room.join_as_publisher(
            self.display, audio=self._audio is not None, video=self._video is not None
        )
        self.channel = channel
        pc = RTCPeerConnection(configuration=self._config)
        self._publisher_pc = pc
        for track in (self._audio, self._video):
            if track is not None:
                pc.addTransceiver(track, direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        await channel.send(Offer(sdp=pc.localDescription.sdp))
        answer = await channel.receive(timeout_s=timeout_s)
        if not isinstance(answer, Answer):
            raise JanusError("Janus did not answer the publication")
        await pc.setRemoteDescription(RTCSessionDescription(answer.sdp, "answer"))
        await channel.wait_webrtcup(timeout_s=timeout_s)
        return already

    async def subscribe_all(self, *, timeout_s: float = 20.0) -> list[RoomPublisher]:
        """Receive every publisher in the room (but ourselves) not received yet."""
        added = []
        for pub in await self.room.publishers():
            if pub.feed_id == self.feed_id or pub.feed_id in self._subscriptions:
                continue
            await self._subscribe(pub, timeout_s=timeout_s)
            added.append(pub)
        return added

    async def _subscribe(self, pub: RoomPublisher, *, timeout_s: float) -> None:
        pc = RTCPeerConnection(configuration=self._config)
        slot = self.frames.setdefault(pub.feed_id, FrameSlot())
        self.displays[pub.feed_id] = pub.display

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "video":
                task = asyncio.get_running_loop().create_task(
                    sink_video(track, slot), name=f"janus-feed-{pub.feed_id}"
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

        async def answer(offer_sdp: str) -> str:
            await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            return str(pc.localDescription.sdp)

        try:
            sub = await self.room.subscribe(pub.feed_id, answer, timeout_s=timeout_s)
            await sub.wait_webrtcup(timeout_s=timeout_s)
        except BaseException:
            await pc.close()
            raise
        self._subscriptions[pub.feed_id] = (sub, pc)

    async def leave(self) -> None:
        """Stop receiving and publishing (idempotent)."""
        for task in list(self._tasks):
            task.cancel()
        for sub, pc in self._subscriptions.values():
            await sub.close()
            await pc.close()
        self._subscriptions.clear()
        if self.channel is not None:
            await self.channel.close()
            self.channel = None
        if self._publisher_pc is not None:
            await self._publisher_pc.close()
            self._publisher_pc = None
