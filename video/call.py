"""The call engine: one televisit between the workstation and a patient, on aiortc.

The workstation is the offerer; an :class:`Call` with ``role="answerer"`` plays the
patient in tests and benches (the real patient is the browser page). Signaling
goes through any :class:`~video.signaling.SignalingChannel`. Everything is bounded:
waiting for the peer, for the answer, for the media connection; a media outage
(no RTP for ``outage_s``) or a failed connection triggers a restart (a new offer
with ``restart: true`` and fresh ICE) without user action, up to
``max_restarts`` times in a row.

aiortc cannot restart ICE on a live ``RTCPeerConnection``: a restart builds a
new peer connection on both sides and renegotiates; the call, its chat history,
its timer and its encounter stay the same.

Thread affinity: every coroutine and method runs on the core loop, except the
read-only :class:`~video.media.FrameSlot`/:class:`~video.media.AudioLevel`
attributes, which the UI may poll from its thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc import RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcdatachannel import RTCDataChannel
from aiortc.sdp import candidate_from_sdp

from . import datachannel as dc
from .bandwidth import BandwidthController, Level, LinkSample, Rung
from .encoder import CappedVp8Encoder, first_video_codec, install_capped_encoder
from .errors import (
    CallFailed,
    MalformedSignal,
    NegotiationFailed,
    SignalingClosed,
    SignalingError,
    SignalingTimeout,
    TransferRejected,
    VideoError,
)
from .ice import IceServer, rtc_configuration
from .media import (
    AdaptiveVideoTrack,
    AudioLevel,
    FrameSlot,
    GatedAudioTrack,
    SyntheticAudioTrack,
    SyntheticVideoTrack,
    VideoSettings,
    sink_audio,
    sink_video,
)
from .quality import CallQuality
from .signaling import (
    Answer,
    Bye,
    Candidate,
    EndOfCandidates,
    ErrorMessage,
    IceRestartRequest,
    Joined,
    Offer,
    PeerJoined,
    PeerLeft,
    SignalingChannel,
    SignalMessage,
)

__all__ = [
    "Call",
    "CallEvent",
    "CallState",
    "CallStateDidChange",
    "CallSummary",
    "CallTimeouts",
    "ChatDidArrive",
    "FileDidArrive",
    "LevelDidChange",
    "QualityWasSampled",
    "VitalsDidArrive",
]

_log = logging.getLogger(__name__)
MAX_BAD_SIGNALS = 20
WARMUP_SAMPLES = 2


class CallState(enum.StrEnum):
    IDLE = "idle"
    WAITING = "waiting"
    NEGOTIATING = "negotiating"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    ENDED = "ended"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CallTimeouts:
    """Bounds, in seconds: peer to join, answer to arrive, media to connect, outage to detect."""

    peer_s: float = 300.0
    answer_s: float = 15.0
    connect_s: float = 20.0
    outage_s: float = 3.0
    max_restarts: int = 6


@dataclass(frozen=True, slots=True)
class CallStateDidChange:
    state: CallState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ChatDidArrive:
    text: str


@dataclass(frozen=True, slots=True)
class VitalsDidArrive:
    label: str
    value: float
    unit: str


@dataclass(frozen=True, slots=True)
class FileDidArrive:
    file: dc.ReceivedFile


@dataclass(frozen=True, slots=True)
class QualityWasSampled:
    quality: CallQuality


@dataclass(frozen=True, slots=True)
class LevelDidChange:
    level: Level
    rung: Rung
    forced: bool


CallEvent = (
    CallStateDidChange
    | ChatDidArrive
    | VitalsDidArrive
    | FileDidArrive
    | QualityWasSampled
    | LevelDidChange
)


@dataclass(frozen=True, slots=True)
class CallSummary:
    """What the encounter keeps about the call: no media, no chat text."""

    connected_s: float
    restarts: int
    final_state: CallState
    worst_level: Level
    mean_rtt_ms: float | None
    max_loss_pct: float | None
    mean_recv_fps: float | None
    relayed: bool | None
    was_connected: bool = False


@dataclass
class _Accumulator:
    rtts: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    fps: list[float] = field(default_factory=list)


class Call:
    """One call. Create, :meth:`start`, then await :meth:`wait_for` / :meth:`hang_up`."""

    def __init__(
        self,
        *,
        signaling: SignalingChannel,
        ice_servers: tuple[IceServer, ...],
        role: str = "offerer",
        relay_only: bool = False,
        video_source: MediaStreamTrack | None = None,
        audio_source: MediaStreamTrack | None = None,
        timeouts: CallTimeouts = CallTimeouts(),
        on_event: Callable[[CallEvent], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        adapt: bool = True,
        reconnect: Callable[[], Awaitable[SignalingChannel]] | None = None,
    ) -> None:
        """``adapt=False`` turns our bandwidth control and encoder off (plain aiortc).

        ``reconnect`` opens a new signaling channel (joined again) when the current one
        closes during the call; without it a lost channel ends further renegotiation.
        """
        if role not in ("offerer", "answerer"):
            raise ValueError("role must be offerer or answerer")
        self.role = role
        self._signaling = signaling
        self._reconnect = reconnect
        self.signaling_reconnects = 0
        self._config = rtc_configuration(ice_servers, relay_only=relay_only)
        self._timeouts = timeouts
        self._on_event = on_event
        self._clock = clock
        self._adapt = adapt
        self._video_source = video_source if video_source is not None else SyntheticVideoTrack()
        self._audio_source = audio_source if audio_source is not None else SyntheticAudioTrack()
        source_height = int(getattr(self._video_source, "height", 480))
        self.controller = BandwidthController(
            clock=clock, max_index_for_source=0 if source_height >= 720 else 1, start_index=1
        )
        self.remote_video = FrameSlot()
        self.self_view = FrameSlot()
        self.remote_audio = AudioLevel()
        self.state = CallState.IDLE
        self.error: VideoError | None = None
        self.restarts = 0
        self.quality: CallQuality | None = None
        self._state_changed = asyncio.Event()
        self._pc: RTCPeerConnection | None = None
        self._channel: RTCDataChannel | None = None
        self._video_track: AdaptiveVideoTrack | None = None
        self._audio_track: GatedAudioTrack | None = None
        self._video_sender: RTCRtpSender | None = None
        self._encoder: CappedVp8Encoder | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._deadline_s: float | None = None
        self._deadline_reason = ""
        self._attempt_started_s = 0.0
        self._connected_at_s: float | None = None
        self._connected_total_s = 0.0
        self._was_connected = False
        self._bad_signals = 0
        self._camera_on = True
        self._muted = False
        self._files = dc.FileAssembler()
        self._acc = _Accumulator()
        self._worst_level = Level.VIDEO
        self._last_bytes: tuple[float, int, int, int] | None = None
        self._samples_since_connect = 0

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self, *, peer_present: bool) -> None:
        """Start the call's supervisor task; an offerer offers at once if the peer is present."""
        if self._runner is not None:
            raise CallFailed("call already started")
        self._runner = asyncio.get_running_loop().create_task(self._run(peer_present), name="call")
        self._spawn(self._monitor(), name="call-monitor")

    async def wait_for(self, *states: CallState, timeout_s: float) -> CallState:
        """Wait until the state is one of ``states`` (or terminal); raises ``TimeoutError``."""
        async with asyncio.timeout(timeout_s):
            while self.state not in states and self.state not in (
                CallState.ENDED,
                CallState.FAILED,
            ):
                self._state_changed.clear()
                await self._state_changed.wait()
        return self.state

    async def hang_up(self, reason: str = "hung up") -> None:
        """Say bye (best effort, bounded), close media and signaling; idempotent."""
        if self.state in (CallState.ENDED, CallState.FAILED):
            await self._teardown()
            return
        with contextlib.suppress(SignalingError, TimeoutError):
            await asyncio.wait_for(self._signaling.send(Bye(reason=reason[:200])), 2.0)
        self._set_state(CallState.ENDED, reason)
        await self._teardown()

    def summary(self) -> CallSummary:
        """What the Encounter keeps about this call (no media, no chat); any time."""
        acc = self._acc
        relayed = self.quality.relayed if self.quality is not None else None
        return CallSummary(
            connected_s=round(self.connected_s, 1),
            restarts=self.restarts,
            final_state=self.state,
            worst_level=self._worst_level,
            mean_rtt_ms=round(sum(acc.rtts) / len(acc.rtts), 1) if acc.rtts else None,
            max_loss_pct=round(max(acc.losses), 2) if acc.losses else None,
            mean_recv_fps=round(sum(acc.fps) / len(acc.fps), 1) if acc.fps else None,
            relayed=relayed,
            was_connected=self._was_connected,
        )

    @property
    def connected_s(self) -> float:
        """Seconds spent connected (the call timer)."""
        running = self._clock() - self._connected_at_s if self._connected_at_s is not None else 0.0
        return self._connected_total_s + running

    # -- controls --------------------------------------------------------------------------------
    def set_muted(self, muted: bool) -> None:
        """Send silence instead of the microphone (the audio stream and its timing go on)."""
        self._muted = muted
        self._apply_media()

    def set_camera_on(self, on: bool) -> None:
        """Camera off sends no video and clears the self-view; on resumes at the current rung."""
        self._camera_on = on
        self._apply_media()

    def force_level(self, level: Level | None) -> None:
        """Clinician override of the degradation ladder (``None`` = automatic)."""
        self.controller.force_level(level)
        self._apply_rung(forced=level is not None)

    async def send_chat(self, text: str) -> None:
        """Send a chat line; waits up to 5 s for the channel; raises :class:`CallFailed`."""
        message = dc.encode_chat(text)
        (await self._channel_ready()).send(message)

    async def send_vitals(self, *, label: str, value: float, unit: str) -> None:
        """Show a reading on the other side; waits up to 5 s for the channel."""
        message = dc.encode_vitals(label=label, value=value, unit=unit)
        (await self._channel_ready()).send(message)

    async def send_file(
        self, *, name: str, mime: str, data: bytes, timeout_s: float = 60.0
    ) -> None:
        """Share a document in 16 KiB chunks; raises :class:`TransferRejected` above 5 MiB."""
        drained = asyncio.Event()
        await self._channel_ready()
        async with asyncio.timeout(timeout_s):
            for message in dc.encode_file(name=name, mime=mime, data=data):
                channel = self._open_channel()
                if channel.bufferedAmount > 1 << 20:
                    # Wait for SCTP to drain below the threshold before queueing more.
                    drained.clear()
                    channel.bufferedAmountLowThreshold = 256 * 1024
                    channel.once("bufferedamountlow", drained.set)
                    await drained.wait()
                channel.send(message)

    async def restart(self) -> None:
        """Renegotiate with fresh ICE now (offerer) or ask the offerer to (answerer)."""
        if self.role == "offerer":
            await self._offer(restart=True)
        else:
            await self._signaling.send(IceRestartRequest())

    # -- internals: state ------------------------------------------------------------------------
    def _emit(self, event: CallEvent) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception as exc:  # a broken listener must not break the call
                _log.error("call listener failed: %s", type(exc).__name__)

    def _set_state(self, state: CallState, detail: str = "") -> None:
        if state == self.state:
            return
        now = self._clock()
        if self.state is CallState.CONNECTED and self._connected_at_s is not None:
            self._connected_total_s += now - self._connected_at_s
            self._connected_at_s = None
        if state is CallState.CONNECTED:
            self._connected_at_s = now
            self._was_connected = True
        self.state = state
        _log.info("call state %s", state.value)
        self._state_changed.set()
        self._emit(CallStateDidChange(state, detail))

    def _fail(self, error: VideoError) -> None:
        self.error = error
        self._set_state(CallState.FAILED, str(error))

    def _spawn(self, coro: Any, *, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- internals: signaling loop ---------------------------------------------------------------
    async def _run(self, peer_present: bool) -> None:
        try:
            if self.role == "offerer" and peer_present:
                await self._offer(restart=False)
            elif self.role == "offerer":
                self._set_state(CallState.WAITING, "waiting for the patient")
                self._set_deadline(self._timeouts.peer_s, "the patient did not join in time")
            else:
                self._set_state(CallState.WAITING, "waiting for the offer")
                self._set_deadline(self._timeouts.peer_s, "no offer in time")
            while self.state not in (CallState.ENDED, CallState.FAILED):
                timeout = None
                if self._deadline_s is not None:
                    timeout = max(self._deadline_s - self._clock(), 0.0)
                try:
                    message = await self._signaling.receive(timeout_s=timeout)
                except SignalingTimeout:
                    await self._on_deadline()
                    continue
                except MalformedSignal as exc:
                    self._bad_signals += 1
                    _log.warning("malformed signaling message ignored: %s", exc)
                    if self._bad_signals >= MAX_BAD_SIGNALS:
                        self._fail(SignalingError("too many malformed signaling messages"))
                    continue
                except SignalingClosed:
                    if self.state in (CallState.ENDED, CallState.FAILED):
                        break
                    if await self._reconnect_signaling():
                        continue
                    if self.state is not CallState.CONNECTED:
                        self._fail(SignalingError("signaling connection lost"))
                    else:
                        # Media goes on; without signaling a later restart is impossible.
                        _log.warning("signaling lost during the call")
                        await self._wait_terminal()
                    break
                await self._handle(message)
        except VideoError as exc:
            self._fail(exc)
        except Exception as exc:  # never let aiortc's surprises leave the call hanging
            _log.error("call failed: %s", type(exc).__name__)
            self._fail(CallFailed(f"unexpected {type(exc).__name__}"))
        finally:
            if self.state in (CallState.ENDED, CallState.FAILED):
                await self._teardown()

    async def _reconnect_signaling(self) -> bool:
        """Open a new signaling channel with back-off (about 30 s in all); media goes on meanwhile."""
        if self._reconnect is None:
            return False
        with contextlib.suppress(Exception):  # release the dead channel's session
            await asyncio.wait_for(self._signaling.close(), 2.0)
        delay_s = 0.5
        for _ in range(8):
            if self.state in (CallState.ENDED, CallState.FAILED):
                return False
            try:
                channel = await asyncio.wait_for(self._reconnect(), 10.0)
            except (SignalingError, TimeoutError) as exc:
                _log.warning("signaling reconnect failed: %s", type(exc).__name__)
                await asyncio.sleep(delay_s)
                delay_s = min(delay_s * 2, 5.0)
                continue
            self._signaling = channel
            self.signaling_reconnects += 1
            _log.info("signaling reconnected")
            joined = getattr(channel, "joined", None)
            if (
                self.role == "offerer"
                and isinstance(joined, Joined)
                and joined.peer_present
                and self.state is not CallState.CONNECTED
            ):
                await self._offer(restart=self.state is not CallState.WAITING)
            return True
        return False

    async def _wait_terminal(self) -> None:
        while self.state not in (CallState.ENDED, CallState.FAILED):
            self._state_changed.clear()
            await self._state_changed.wait()

    def _set_deadline(self, after_s: float | None, reason: str = "") -> None:
        self._deadline_s = None if after_s is None else self._clock() + after_s
        self._deadline_reason = reason

    async def _on_deadline(self) -> None:
        # The wait may have started before the deadline moved or was cleared (connected).
        if self._deadline_s is None or self._clock() < self._deadline_s:
            return
        reason = self._deadline_reason
        self._set_deadline(None)
        if self.state is CallState.RECONNECTING and self.role == "offerer":
            await self._offer(restart=True)
        elif self.state is CallState.NEGOTIATING and "answer" in reason:
            await self._give_up(NegotiationFailed(reason))
        else:
            await self._give_up(CallFailed(reason))

    async def _give_up(self, error: VideoError) -> None:
        with contextlib.suppress(SignalingError, TimeoutError):
            await asyncio.wait_for(self._signaling.send(Bye(reason="failed")), 2.0)
        self._fail(error)

    async def _handle(self, message: SignalMessage) -> None:
        match message:
            case Offer(sdp=sdp) if self.role == "answerer":
                await self._answer(sdp)
            case Answer(sdp=sdp) if self.role == "offerer":
                await self._accept_answer(sdp)
            case Candidate():
                await self._add_candidate(message)
            case PeerJoined() | Joined(peer_present=True) if self.role == "offerer":
                # A (re)loaded patient page has no peer connection: offer afresh.
                await self._offer(restart=self.state is not CallState.WAITING)
            case IceRestartRequest() if self.role == "offerer":
                if self.state in (CallState.CONNECTED, CallState.RECONNECTING):
                    await self._offer(restart=True)
            case PeerLeft():
                if self.state is CallState.CONNECTED:
                    self._set_state(CallState.RECONNECTING, "the patient left; waiting")
                    self._set_deadline(self._timeouts.peer_s, "the patient did not come back")
            case Bye(reason=reason):
                self._set_state(CallState.ENDED, reason or "the other side hung up")
            case ErrorMessage(code=code):
                _log.warning("signaling server error %s", code)
                if code == "no-peer" and self.state is CallState.NEGOTIATING:
                    self._set_state(CallState.WAITING, "waiting for the patient")
                    self._set_deadline(self._timeouts.peer_s, "the patient did not join in time")
            case EndOfCandidates():
                pass
            case _:
                self._bad_signals += 1
                _log.warning("unexpected signaling message ignored")

    # -- internals: negotiation ------------------------------------------------------------------
    def _new_peer_connection(self) -> RTCPeerConnection:
        self._close_pc()
        pc = RTCPeerConnection(configuration=self._config)
        self._pc = pc
        self._attempt_started_s = self._clock()
        self._last_bytes = None
        self._samples_since_connect = 0

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "video":
                self._spawn(sink_video(track, self.remote_video), name="call-video-sink")
            else:
                self._spawn(sink_audio(track, self.remote_audio), name="call-audio-sink")

        @pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            self._bind_channel(channel)

        @pc.on("connectionstatechange")
        def on_connection_state() -> None:
            if pc is not self._pc:
                return
            if pc.connectionState == "connected":
                self.restarts_in_row = 0
                self._set_deadline(None)
                self._set_state(CallState.CONNECTED)
                self._apply_rung(forced=False)
            elif pc.connectionState == "failed" and self.state is CallState.CONNECTED:
                self._begin_reconnect("connection failed")

        self._video_track = AdaptiveVideoTrack(
            self._video_source, self._video_settings(), self_view=self.self_view
        )
        self._audio_track = GatedAudioTrack(self._audio_source)
        self._apply_media()
        return pc

    def _add_media(self, pc: RTCPeerConnection) -> None:
        assert self._video_track is not None and self._audio_track is not None
        pc.addTrack(self._audio_track)
        self._video_sender = pc.addTrack(self._video_track)
        if self.role == "offerer":
            capabilities = RTCRtpSender.getCapabilities("video")
            preferred = [c for c in capabilities.codecs if c.mimeType in ("video/VP8", "video/rtx")]
            for transceiver in pc.getTransceivers():
                if transceiver.sender is self._video_sender:
                    transceiver.setCodecPreferences(preferred)

    async def _offer(self, *, restart: bool) -> None:
        if restart:
            self.restarts += 1
            self.restarts_in_row = getattr(self, "restarts_in_row", 0) + 1
            if self.restarts_in_row > self._timeouts.max_restarts:
                await self._give_up(CallFailed("could not re-establish the media connection"))
                return
            if self.state is CallState.CONNECTED:
                self._set_state(CallState.RECONNECTING, "renegotiating")
        pc = self._new_peer_connection()
        self._add_media(pc)
        self._bind_channel(pc.createDataChannel("telemed"))
        await pc.setLocalDescription(await pc.createOffer())
        if pc is not self._pc:
            return
        try:
            await self._signaling.send(Offer(sdp=pc.localDescription.sdp, restart=restart))
        except SignalingClosed:
            if not restart:
                raise
            # Signaling is down too: the receive loop reconnects, the deadline re-offers.
            _log.warning("restart offer not sent: signaling closed")
        if not restart:
            self._set_state(CallState.NEGOTIATING)
            self._set_deadline(self._timeouts.answer_s, "the patient's browser did not answer")
        else:
            self._set_deadline(self._timeouts.connect_s, "reconnect attempt timed out")

    async def _accept_answer(self, sdp: str) -> None:
        pc = self._pc
        if pc is None or pc.signalingState != "have-local-offer":
            _log.warning("answer without a pending offer ignored")
            return
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
        except Exception as exc:  # aiortc raises ValueError and others for unusable SDP
            raise NegotiationFailed(f"the answer cannot be used ({type(exc).__name__})") from exc
        self._check_usable(pc)
        self._install_encoder(sdp)
        if self.state is not CallState.CONNECTED and self.state is not CallState.RECONNECTING:
            self._set_deadline(self._timeouts.connect_s, "the media connection was not established")
        elif self.state is CallState.RECONNECTING:
            self._set_deadline(self._timeouts.connect_s, "reconnect attempt timed out")

    async def _answer(self, sdp: str) -> None:
        pc = self._new_peer_connection()
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        except Exception as exc:
            raise NegotiationFailed(f"the offer cannot be used ({type(exc).__name__})") from exc
        self._add_media(pc)
        self._check_usable(pc)
        await pc.setLocalDescription(await pc.createAnswer())
        if pc is not self._pc:
            return
        self._install_encoder(pc.localDescription.sdp)
        await self._signaling.send(Answer(sdp=pc.localDescription.sdp))
        if self.state is not CallState.RECONNECTING:
            self._set_state(CallState.NEGOTIATING)
        self._set_deadline(self._timeouts.connect_s, "the media connection was not established")

    def _check_usable(self, pc: RTCPeerConnection) -> None:
        remote = pc.remoteDescription.sdp if pc.remoteDescription else ""
        if "m=audio" not in remote and "m=video" not in remote and "m=application" not in remote:
            raise NegotiationFailed("the other side offered no media and no data channel")
        usable = [
            t
            for t in pc.getTransceivers()
            if t.currentDirection not in (None, "inactive")
            or getattr(t, "_offerDirection", None) not in (None, "inactive")
        ]
        rtpmaps = "a=rtpmap:" in remote
        if not usable and not rtpmaps and "m=application" not in remote:
            raise NegotiationFailed("no codec in common")

    def _install_encoder(self, sdp: str) -> None:
        # adapt=False is plain aiortc (benchmark baseline): its own encoder, no control.
        if self._adapt and self._video_sender is not None and first_video_codec(sdp) == "VP8":
            self._encoder = install_capped_encoder(
                self._video_sender, cap_bps=self.controller.rung.video_bps or 100_000
            )

    async def _add_candidate(self, message: Candidate) -> None:
        if self._pc is None or not message.candidate:
            return
        text = message.candidate.removeprefix("candidate:")
        try:
            candidate = candidate_from_sdp(text)
        except (ValueError, IndexError):
            _log.warning("unparsable ICE candidate ignored")
            return
        candidate.sdpMid = message.sdp_mid
        candidate.sdpMLineIndex = message.sdp_mline_index
        try:
            await self._pc.addIceCandidate(candidate)
        except (ValueError, KeyError):
            _log.warning("ICE candidate for an unknown m-line ignored")

    def _begin_reconnect(self, why: str) -> None:
        if self.state is not CallState.CONNECTED:
            return
        self._set_state(CallState.RECONNECTING, why)
        if self.role == "offerer":
            self._spawn(self._offer_safely(), name="call-restart")
        else:
            self._spawn(self._request_restart(), name="call-restart-request")
            self._set_deadline(self._timeouts.connect_s, "reconnect attempt timed out")

    async def _request_restart(self) -> None:
        try:
            await self._signaling.send(IceRestartRequest())
        except SignalingClosed:
            _log.warning("restart request not sent: signaling closed")

    async def _offer_safely(self) -> None:
        try:
            await self._offer(restart=True)
        except VideoError as exc:
            self._fail(exc)

    # -- internals: data channel -----------------------------------------------------------------
    def _bind_channel(self, channel: RTCDataChannel) -> None:
        self._channel = channel

        @channel.on("message")
        def on_message(raw: str | bytes) -> None:
            self._on_channel_message(raw)

    def _open_channel(self) -> RTCDataChannel:
        channel = self._channel
        if channel is None or channel.readyState != "open":
            raise CallFailed("the data channel is not open")
        return channel

    def _send_channel(self, message: str) -> None:
        self._open_channel().send(message)

    async def _channel_ready(self, timeout_s: float = 5.0) -> RTCDataChannel:
        """The open channel, waiting (bounded) while it is still connecting."""
        for _ in range(int(timeout_s / 0.05)):
            channel = self._channel
            if channel is not None and channel.readyState == "open":
                return channel
            if self.state in (CallState.ENDED, CallState.FAILED, CallState.IDLE):
                break
            await asyncio.sleep(0.05)
        return self._open_channel()

    def _on_channel_message(self, raw: str | bytes) -> None:
        try:
            body = dc.decode_channel_message(raw)
        except MalformedSignal as exc:
            _log.warning("malformed channel message ignored: %s", exc)
            return
        kind = body["type"]
        if kind == "chat":
            self._emit(ChatDidArrive(text=body["text"]))
        elif kind == "vitals":
            self._emit(
                VitalsDidArrive(
                    label=body["label"][:64], value=float(body["value"]), unit=body["unit"][:16]
                )
            )
        elif kind.startswith("file-"):
            try:
                received = self._files.feed(body)
            except TransferRejected as exc:
                _log.warning("shared document rejected: %s", exc)
                return
            if received is not None:
                self._emit(FileDidArrive(file=received))

    # -- internals: media and adaptation ---------------------------------------------------------
    def _video_settings(self) -> VideoSettings:
        rung = self.controller.rung
        paused = not self._camera_on or rung.video_bps == 0
        width = rung.width or 320
        height = rung.height or 240
        src_w = int(getattr(self._video_source, "width", width))
        src_h = int(getattr(self._video_source, "height", height))
        if width > src_w or height > src_h:
            width, height = src_w, src_h
        return VideoSettings(width=width, height=height, fps=float(rung.fps or 10), paused=paused)

    def _apply_media(self) -> None:
        if self._video_track is not None:
            self._video_track.settings = self._video_settings()
        if self._audio_track is not None:
            self._audio_track.muted = self._muted or self.controller.rung.level is Level.CHAT_ONLY

    def _apply_rung(self, *, forced: bool) -> None:
        rung = self.controller.rung
        self._apply_media()
        if self._encoder is not None and rung.video_bps:
            self._encoder.cap_bps = rung.video_bps
        order = list(Level)
        if order.index(rung.level) > order.index(self._worst_level):
            self._worst_level = rung.level
        with contextlib.suppress(VideoError):
            self._send_channel(dc.encode_mode(rung.level.value))
        self._emit(LevelDidChange(level=rung.level, rung=rung, forced=forced))

    async def _monitor(self) -> None:
        """Once a second: quality, bandwidth control, media watchdog."""
        while self.state not in (CallState.ENDED, CallState.FAILED):
            await asyncio.sleep(1.0)
            pc = self._pc
            if pc is None or self.state not in (CallState.CONNECTED, CallState.RECONNECTING):
                continue
            try:
                sample = await self._sample(pc)
            except Exception as exc:  # stats of a closing connection: skip this second
                _log.debug("stats failed: %s", type(exc).__name__)
                continue
            if sample is None or self.state is not CallState.CONNECTED:
                continue
            _log.debug(
                "link sample rtt=%s loss=%s sent=%d remb=%s",
                sample.rtt_ms,
                sample.loss_fraction,
                int(sample.sent_bps),
                sample.remb_bps,
            )
            self._samples_since_connect += 1
            if self._samples_since_connect <= WARMUP_SAMPLES:
                # The encoder's first second (keyframe, rate not settled) says little about
                # the link; judging it sent calls on a fine link down to audio only.
                continue
            if self._adapt and (rung := self.controller.update(sample)) is not None:
                _log.info(
                    "video rung %s %dx%d@%d (estimate %d bit/s, rtt %s ms, loss %s)",
                    rung.level.value,
                    rung.width,
                    rung.height,
                    rung.fps,
                    int(self.controller.estimate_bps),
                    None if sample.rtt_ms is None else round(sample.rtt_ms),
                    sample.loss_fraction,
                )
                self._apply_rung(forced=False)
            self._watchdog()

    def _watchdog(self) -> None:
        now = time.monotonic()
        last_media = max(self.remote_audio.last_frame_s, self.remote_video.last_put_s)
        started = max(last_media, self._attempt_started_s_wall())
        if last_media > 0 and now - started > self._timeouts.outage_s:
            self._begin_reconnect("no media from the other side")

    def _attempt_started_s_wall(self) -> float:
        # Media timestamps use time.monotonic(); the attempt start uses the injected clock.
        return time.monotonic() - (self._clock() - self._attempt_started_s)

    async def _sample(self, pc: RTCPeerConnection) -> LinkSample | None:
        report = await pc.getStats()
        rtt_ms: float | None = None
        loss: float | None = None
        video_bytes = 0
        sent_total = recv_total = 0
        for stats in report.values():
            kind = getattr(stats, "kind", None)
            if stats.type == "remote-inbound-rtp" and kind == "video":
                rtt_ms = float(stats.roundTripTime) * 1000
                loss = float(stats.fractionLost) / 256
            elif stats.type == "remote-inbound-rtp" and rtt_ms is None:
                rtt_ms = float(stats.roundTripTime) * 1000
            elif stats.type == "outbound-rtp" and kind == "video":
                video_bytes += int(stats.bytesSent)
            elif stats.type == "transport":
                sent_total += int(stats.bytesSent)
                recv_total += int(stats.bytesReceived)
        now = self._clock()
        previous = self._last_bytes
        self._last_bytes = (now, video_bytes, sent_total, recv_total)
        if previous is None or now <= previous[0]:
            return None
        dt = now - previous[0]
        video_bps = max(video_bytes - previous[1], 0) * 8 / dt
        send_kbps = max(sent_total - previous[2], 0) * 8 / dt / 1000
        recv_kbps = max(recv_total - previous[3], 0) * 8 / dt / 1000
        relayed = self._relayed(pc)
        quality = CallQuality(
            rtt_ms=None if rtt_ms is None else round(rtt_ms, 1),
            loss_pct=None if loss is None else round(loss * 100, 2),
            send_kbps=round(send_kbps, 1),
            recv_kbps=round(recv_kbps, 1),
            recv_fps=round(self.remote_video.fps(), 1),
            send_fps=round(self._video_fps(), 1),
            recv_width=self._remote_size()[0],
            recv_height=self._remote_size()[1],
            level=self.controller.rung.level.value,
            relayed=relayed,
        )
        self.quality = quality
        if quality.rtt_ms is not None:
            self._acc.rtts.append(quality.rtt_ms)
        if quality.loss_pct is not None:
            self._acc.losses.append(quality.loss_pct)
        self._acc.fps.append(quality.recv_fps)
        self._emit(QualityWasSampled(quality))
        remb = self._encoder.remb_bps if self._encoder is not None else None
        return LinkSample(
            rtt_ms=rtt_ms, loss_fraction=loss, sent_bps=video_bps + 48_000, remb_bps=remb
        )

    def _video_fps(self) -> float:
        return self.self_view.fps() * 2 if self._video_track is not None else 0.0

    def _remote_size(self) -> tuple[int, int]:
        _, frame = self.remote_video.latest()
        if frame is None:
            return (0, 0)
        return (int(frame.shape[1]), int(frame.shape[0]))

    @staticmethod
    def _relayed(pc: RTCPeerConnection) -> bool | None:
        """Whether the nominated pair goes through TURN (``None``: unknown).

        aiortc exposes no selected candidate pair; this reads aioice's nominated pair and
        degrades to ``None`` if those internals change.
        """
        for transceiver in pc.getTransceivers():
            dtls = transceiver.sender.transport
            connection = getattr(getattr(dtls, "transport", None), "_connection", None)
            nominated = getattr(connection, "_nominated", None)
            pair = nominated.get(1) if isinstance(nominated, dict) else None
            if pair is not None:
                return bool(
                    pair.local_candidate.type == "relay" or pair.remote_candidate.type == "relay"
                )
        return None

    def _close_pc(self) -> None:
        pc, self._pc = self._pc, None
        self._channel = None
        for track in (self._video_track, self._audio_track):
            if track is not None:
                track.stop()
        self._video_track = self._audio_track = None
        self._video_sender = None
        self._encoder = None
        if pc is not None:
            self._spawn(pc.close(), name="call-pc-close")

    async def _teardown(self) -> None:
        self._set_deadline(None)
        self._close_pc()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._signaling.close(), 3.0)
        current = asyncio.current_task()
        pending = [t for t in self._tasks if t is not current and not t.done()]
        closing = [t for t in pending if t.get_name() == "call-pc-close"]
        for t in pending:
            if t not in closing:
                t.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5.0)
        if self._runner is not None and self._runner is not current and not self._runner.done():
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._runner, 3.0)
