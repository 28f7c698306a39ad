"""Televisit and teleassistance calls: the core side of the Calls area.

:class:`CallService` owns at most one call at a time. It fetches the ICE servers
from the regional backend (never a public default), creates the room, connects
the signaling WebSocket, runs the :class:`video.call.Call` engine and turns what
happens into bus events. When the call ends, the Encounter (class ``VR``, the
televisit or teleassistance, with the call's quality summary) goes to the outbox
as one transaction unit, and shared documents held in memory are dropped: no
media is ever written to disk.

Video frames do not travel on the bus: the UI polls :attr:`CallService.remote_video`
and :attr:`CallService.self_view` (latest-frame slots) on a timer.

Thread affinity: coroutine methods on the core loop; the frame slots and
:attr:`CallService.audio_level` may be read from the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from app.domain.outbox import OutboxUnit, OutboxWriter, UnitKind
from app.events import Event
from app.services.clinical_data import make_unit
from app.services.diagnostics import Check, Status
from video import precheck
from video.bandwidth import Level
from video.call import (
    Call,
    CallEvent,
    CallState,
    CallStateDidChange,
    CallSummary,
    CallTimeouts,
    ChatDidArrive,
    FileDidArrive,
    LevelDidChange,
    QualityWasSampled,
    VitalsDidArrive,
)
from video.errors import VideoError
from video.ice import IceServer, fetch_ice_servers
from video.media import (
    AudioLevel,
    FrameSlot,
    MediaDeviceUnavailable,
    SyntheticAudioTrack,
    SyntheticVideoTrack,
    list_cameras,
    open_camera,
    open_microphone,
)
from video.signaling import WebSocketSignaling

__all__ = [
    "AudioLevel",
    "CallChatDidArrive",
    "CallDidChangeState",
    "CallDidEnd",
    "CallError",
    "CallFileDidArrive",
    "CallLevelDidChange",
    "CallQualityDidChange",
    "CallRequest",
    "CallService",
    "CallState",
    "CallVitalsDidArrive",
    "FrameSlot",
    "Level",
    "SYNTHETIC",
    "RoomInvite",
]

_log = logging.getLogger(__name__)
SERVICE_SYSTEM = "https://fhir.regional-sim.example/CodeSystem/telemedicine-service"
QUALITY_EXT = "https://fhir.regional-sim.example/StructureDefinition/call-quality"
ENCOUNTER_ID_SYSTEM = "https://fhir.regional-sim.example/sid/call"
#: Device name of the synthetic camera/microphone (moving pattern, tone): demo and tests.
SYNTHETIC = "synthetic"


class CallError(Exception):
    """A call could not be started or controlled (the message is safe to show)."""


# -- events (ids and figures only; chat text stays between the two parties) -------------------
@dataclass(frozen=True, slots=True)
class CallDidChangeState(Event):
    state: CallState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CallChatDidArrive(Event):
    """A chat line; ``mine`` is True for what this workstation sent."""

    text: str
    mine: bool


@dataclass(frozen=True, slots=True)
class CallVitalsDidArrive(Event):
    """A reading shown in the call (on both sides); ``mine`` when this side shared it."""

    label: str
    value: float
    unit: str
    mine: bool


@dataclass(frozen=True, slots=True)
class CallFileDidArrive(Event):
    name: str
    mime: str
    size: int


@dataclass(frozen=True, slots=True)
class CallQualityDidChange(Event):
    rtt_ms: float | None
    loss_pct: float | None
    send_kbps: float | None
    recv_kbps: float | None
    recv_fps: float
    grade: str
    level: str
    relayed: bool | None


@dataclass(frozen=True, slots=True)
class CallLevelDidChange(Event):
    level: Level
    forced: bool
    width: int
    height: int
    fps: int


@dataclass(frozen=True, slots=True)
class CallDidEnd(Event):
    """The call is over; ``encounter_id`` is the client id of the Encounter in the outbox."""

    summary: CallSummary
    encounter_id: str | None


@dataclass(frozen=True, slots=True)
class CallRequest:
    """What to call: the patient, the agenda item, the service (``televisita``/``teleassistenza``)."""

    patient_id: str
    service: str = "televisita"
    appointment_ref: str | None = None
    practitioner_ref: str | None = None


@dataclass(frozen=True, slots=True)
class RoomInvite:
    """The patient's link (with the token in the fragment) and when the room expires."""

    room: str
    join_url: str
    expires_at_unix: int


class CallService:
    """One call at a time (see the module docstring)."""

    def __init__(
        self,
        *,
        publish: Callable[[Event], None],
        backend_url: Callable[[], str],
        writer: OutboxWriter | None = None,
        timeouts: CallTimeouts | None = None,
        http_timeout_s: float = 10.0,
    ) -> None:
        self._publish = publish
        self._backend_url = backend_url
        self._writer = writer
        self._timeouts = timeouts or CallTimeouts()
        self._http_timeout_s = http_timeout_s
        self._call: Call | None = None
        self._request: CallRequest | None = None
        self._started_utc: datetime | None = None
        self._ended = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self.invite: RoomInvite | None = None
        #: Documents the patient shared in this call (memory only; dropped at the end).
        self.received_files: list[tuple[str, str, bytes]] = []
        self._empty_slot = FrameSlot()
        self._empty_level = AudioLevel()

    # -- state the UI polls ---------------------------------------------------------------------
    @property
    def remote_video(self) -> FrameSlot:
        return self._call.remote_video if self._call is not None else self._empty_slot

    @property
    def self_view(self) -> FrameSlot:
        return self._call.self_view if self._call is not None else self._empty_slot

    @property
    def audio_level(self) -> AudioLevel:
        return self._call.remote_audio if self._call is not None else self._empty_level

    @property
    def state(self) -> CallState:
        return self._call.state if self._call is not None else CallState.IDLE

    @property
    def connected_s(self) -> float:
        return self._call.connected_s if self._call is not None else 0.0

    @property
    def active(self) -> bool:
        """True from start until the call has ended or failed (the lock's CallGuard asks)."""
        return self._call is not None and self._call.state not in (
            CallState.ENDED,
            CallState.FAILED,
        )

    # -- lifecycle ------------------------------------------------------------------------------
    async def ice_servers(self) -> tuple[IceServer, ...]:
        """The backend's STUN/TURN list; raises :class:`CallError` if it cannot be had."""
        try:
            return await fetch_ice_servers(
                self._backend_url(), user="workstation", timeout_s=self._http_timeout_s
            )
        except VideoError as exc:
            raise CallError(f"video servers unreachable: {exc}") from exc

    async def _create_room(self) -> dict[str, Any]:
        url = f"{self._backend_url().rstrip('/')}/rtc/rooms"
        try:
            async with httpx.AsyncClient(timeout=self._http_timeout_s) as client:
                response = await client.post(url, json={"ttl_s": 4 * 3600})
                response.raise_for_status()
                body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise CallError(f"cannot create the call room ({type(exc).__name__})") from exc
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) for k in ("room", "clinicianToken", "wsPath", "joinPath")
        ):
            raise CallError("the backend returned an unusable room")
        return body

    async def start(
        self,
        request: CallRequest,
        *,
        relay_only: bool = False,
        camera: str = SYNTHETIC,
        microphone: str = SYNTHETIC,
    ) -> RoomInvite:
        """Create the room and wait for the patient; returns the patient's link.

        Raises :class:`CallError` if a call is running or the backend cannot be reached.
        """
        if self.active:
            raise CallError("a call is already running")
        video_source, audio_source = await self._open_media(camera, microphone)
        servers = await self.ice_servers()
        room = await self._create_room()
        base = self._backend_url().rstrip("/")
        ws_url = base.replace("https://", "wss://").replace("http://", "ws://") + room["wsPath"]
        token, timeout_s = room["clinicianToken"], self._http_timeout_s

        async def reconnect() -> WebSocketSignaling:
            return await WebSocketSignaling.connect(ws_url, token=token, timeout_s=timeout_s)

        try:
            signaling = await WebSocketSignaling.connect(
                ws_url, token=room["clinicianToken"], timeout_s=self._http_timeout_s
            )
        except VideoError as exc:
            raise CallError(f"signaling unreachable: {exc}") from exc
        assert signaling.joined is not None
        self.received_files = []
        self._request = request
        self._started_utc = datetime.now(UTC)
        self._ended = asyncio.Event()
        self._call = Call(
            signaling=signaling,
            ice_servers=servers,
            relay_only=relay_only,
            video_source=video_source,
            audio_source=audio_source,
            timeouts=self._timeouts,
            on_event=self._on_call_event,
            reconnect=reconnect,
        )
        self._call.start(peer_present=signaling.joined.peer_present)
        self.invite = RoomInvite(
            room=room["room"],
            join_url=base + room["joinPath"],
            expires_at_unix=int(room.get("expiresAt", 0)),
        )
        return self.invite

    @staticmethod
    def cameras() -> list[str]:
        """Camera choices: the synthetic test source first, then the devices PyAV can open."""
        return [SYNTHETIC, *list_cameras()]

    @staticmethod
    async def _open_media(camera: str, microphone: str) -> tuple[Any, Any]:
        try:
            video = (
                SyntheticVideoTrack()
                if camera == SYNTHETIC
                else await asyncio.to_thread(open_camera, camera)
            )
            audio = (
                SyntheticAudioTrack()
                if microphone == SYNTHETIC
                else await asyncio.to_thread(open_microphone, microphone)
            )
        except MediaDeviceUnavailable as exc:
            raise CallError(f"device not available: {exc}") from exc
        return video, audio

    async def hang_up(self) -> CallSummary | None:
        """End the call (idempotent); returns its summary once the Encounter is in the outbox."""
        call = self._call
        if call is None:
            return None
        await call.hang_up("the clinician ended the visit")
        await asyncio.wait_for(self._ended.wait(), 10.0)
        return call.summary()

    async def shutdown(self) -> None:
        """Application exit: a running call is hung up and its Encounter queued (bounded)."""
        if self.active:
            try:
                await asyncio.wait_for(self.hang_up(), 8.0)
            except (TimeoutError, CallError) as exc:
                _log.error("call not closed at shutdown: %s", type(exc).__name__)

    async def wait_until(self, *states: CallState, timeout_s: float) -> CallState:
        """Wait (bounded) for one of ``states`` or the end; raises ``TimeoutError``."""
        if self._call is None:
            raise CallError("no call")
        return await self._call.wait_for(*states, timeout_s=timeout_s)

    # -- controls ------------------------------------------------------------------------------
    def _require(self) -> Call:
        if self._call is None or not self.active:
            raise CallError("no call in progress")
        return self._call

    async def set_muted(self, muted: bool) -> None:
        """Mute or unmute the microphone; raises :class:`CallError` without a call."""
        self._require().set_muted(muted)

    async def set_camera_on(self, on: bool) -> None:
        """Camera on or off; raises :class:`CallError` without a call."""
        self._require().set_camera_on(on)

    async def force_level(self, level: Level | None) -> None:
        """The clinician's choice on the degradation ladder (``None`` = automatic)."""
        self._require().force_level(level)

    async def send_chat(self, text: str) -> None:
        """Send a chat line (also published as ``mine``); raises :class:`CallError`."""
        try:
            await self._require().send_chat(text)
        except (VideoError, ValueError) as exc:
            raise CallError(f"message not sent: {exc}") from exc
        self._publish(CallChatDidArrive(text=text, mine=True))

    async def share_reading(self, *, label: str, value: float, unit: str) -> None:
        """Show a reading (e.g. just taken from a BLE device) on both sides of the call."""
        try:
            await self._require().send_vitals(label=label, value=value, unit=unit)
        except (VideoError, ValueError) as exc:
            raise CallError(f"reading not shared: {exc}") from exc
        self._publish(CallVitalsDidArrive(label=label, value=value, unit=unit, mine=True))

    async def share_file(self, *, name: str, mime: str, data: bytes) -> None:
        """Share a document (at most 5 MiB, chunked); raises :class:`CallError`."""
        try:
            await self._require().send_file(name=name, mime=mime, data=data)
        except (VideoError, TimeoutError) as exc:
            raise CallError(f"document not shared: {exc}") from exc

    # -- pre-check -----------------------------------------------------------------------------
    async def precheck(
        self, *, camera: str | None = None, microphone: str | None = None
    ) -> list[Check]:
        """Camera, microphone, signaling and TURN allocation, each bounded (DESIGN §1 workflow)."""
        checks: list[Check] = []
        media = [
            precheck.check_camera(camera)
            if camera != "synthetic"
            else precheck.check_video_source(SyntheticVideoTrack()),
            precheck.check_microphone(microphone or "default")
            if microphone != SYNTHETIC
            else precheck.check_audio_source(SyntheticAudioTrack()),
        ]
        for result in await asyncio.gather(*media):
            checks.append(_as_check(result))
        try:
            servers = await self.ice_servers()
        except CallError as exc:
            checks.append(Check("signaling", Status.ERROR, str(exc)))
            checks.append(Check("TURN relay", Status.SKIPPED, "no ICE servers"))
            return checks
        checks.append(await self._check_signaling())
        checks.append(_as_check(await precheck.check_turn_allocation(servers)))
        return checks

    async def _check_signaling(self) -> Check:
        t0 = time.perf_counter()
        try:
            room = await self._create_room()
            base = self._backend_url().rstrip("/")
            ws_url = base.replace("https://", "wss://").replace("http://", "ws://") + room["wsPath"]
            channel = await WebSocketSignaling.connect(
                ws_url, token=room["clinicianToken"], timeout_s=5.0
            )
            await channel.close()
        except (CallError, VideoError) as exc:
            return Check("signaling", Status.ERROR, str(exc))
        return Check(
            "signaling",
            Status.OK,
            "room joined",
            {"join_ms": round((time.perf_counter() - t0) * 1000)},
        )

    # -- engine events -> bus ----------------------------------------------------------------------
    def _on_call_event(self, event: CallEvent) -> None:
        match event:
            case CallStateDidChange(state=state, detail=detail):
                self._publish(CallDidChangeState(state=state, detail=detail))
                if state in (CallState.ENDED, CallState.FAILED):
                    task = asyncio.get_running_loop().create_task(
                        self._finish(), name="call-finish"
                    )
                    # Keep a reference until done: the loop holds tasks only weakly.
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            case ChatDidArrive(text=text):
                self._publish(CallChatDidArrive(text=text, mine=False))
            case VitalsDidArrive(label=label, value=value, unit=unit):
                self._publish(CallVitalsDidArrive(label=label, value=value, unit=unit, mine=False))
            case FileDidArrive(file=file):
                self.received_files.append((file.name, file.mime, file.data))
                self._publish(
                    CallFileDidArrive(name=file.name, mime=file.mime, size=len(file.data))
                )
            case QualityWasSampled(quality=q):
                self._publish(
                    CallQualityDidChange(
                        rtt_ms=q.rtt_ms,
                        loss_pct=q.loss_pct,
                        send_kbps=q.send_kbps,
                        recv_kbps=q.recv_kbps,
                        recv_fps=q.recv_fps,
                        grade=q.grade.value,
                        level=q.level,
                        relayed=q.relayed,
                    )
                )
            case LevelDidChange(level=level, rung=rung, forced=forced):
                self._publish(
                    CallLevelDidChange(
                        level=level,
                        forced=forced,
                        width=rung.width,
                        height=rung.height,
                        fps=rung.fps,
                    )
                )

    async def _finish(self) -> None:
        call, request = self._call, self._request
        encounter_id: str | None = None
        try:
            if call is None or request is None:
                return
            # Wait (bounded) for the engine to release media before summarising.
            summary = call.summary()
            self.received_files = []  # temporary media data: never kept beyond the call
            if self._writer is not None and summary.was_connected:
                encounter_id = str(uuid.uuid4())
                unit = encounter_unit(
                    encounter_id=encounter_id,
                    request=request,
                    summary=summary,
                    started_utc=self._started_utc or datetime.now(UTC),
                    ended_utc=datetime.now(UTC),
                )
                try:
                    await self._writer.enqueue(unit)
                except Exception as exc:  # the unit is rebuilt from the summary the UI shows
                    _log.error("encounter not queued: %s", type(exc).__name__)
                    encounter_id = None
            self._publish(CallDidEnd(summary=summary, encounter_id=encounter_id))
        finally:
            self._ended.set()


def _as_check(result: precheck.MediaCheck) -> Check:
    return Check(
        result.name, Status.OK if result.ok else Status.ERROR, result.detail, dict(result.figures)
    )


def encounter_unit(
    *,
    encounter_id: str,
    request: CallRequest,
    summary: CallSummary,
    started_utc: datetime,
    ended_utc: datetime,
) -> OutboxUnit:
    """The outbox unit of a finished call: one Encounter PUT with its client id (pure)."""
    quality: list[dict[str, Any]] = [
        {"url": "connected-seconds", "valueDecimal": summary.connected_s},
        {"url": "restarts", "valueInteger": summary.restarts},
        {"url": "worst-level", "valueCode": summary.worst_level.value},
    ]
    if summary.mean_rtt_ms is not None:
        quality.append({"url": "mean-rtt-ms", "valueDecimal": summary.mean_rtt_ms})
    if summary.max_loss_pct is not None:
        quality.append({"url": "max-loss-pct", "valueDecimal": summary.max_loss_pct})
    if summary.mean_recv_fps is not None:
        quality.append({"url": "mean-received-fps", "valueDecimal": summary.mean_recv_fps})
    if summary.relayed is not None:
        quality.append({"url": "relayed", "valueBoolean": summary.relayed})
    encounter: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": encounter_id,
        "identifier": [{"system": ENCOUNTER_ID_SYSTEM, "value": encounter_id}],
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "VR",
            "display": "virtual",
        },
        "serviceType": {"coding": [{"system": SERVICE_SYSTEM, "code": request.service}]},
        "subject": {"reference": f"Patient/{request.patient_id}"},
        "period": {
            "start": started_utc.isoformat(timespec="seconds"),
            "end": ended_utc.isoformat(timespec="seconds"),
        },
        "extension": [{"url": QUALITY_EXT, "extension": quality}],
    }
    if request.appointment_ref:
        encounter["appointment"] = [{"reference": request.appointment_ref}]
    if request.practitioner_ref:
        encounter["participant"] = [{"individual": {"reference": request.practitioner_ref}}]
    return make_unit(
        unit_id=uuid.uuid4(),
        kind=UnitKind.VISIT,
        patient_key=request.patient_id,
        entries=[
            {
                "fullUrl": f"Encounter/{encounter_id}",
                "resource": encounter,
                "request": {"method": "PUT", "url": f"Encounter/{encounter_id}"},
            }
        ],
        label="Televisita" if request.service == "televisita" else "Teleassistenza",
    )
