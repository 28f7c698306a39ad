"""The technical pre-check before a visit (PNT televisit model): camera, microphone, TURN.

Each check returns a :class:`MediaCheck` (no exception for an expected failure such
as a missing camera); ``app.services.calls`` adds the signaling check and maps them
to the diagnostics report. Thread affinity: coroutines on the core loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aioice
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from .ice import IceServer
from .media import MediaDeviceUnavailable, list_cameras, open_camera, open_microphone

__all__ = [
    "MediaCheck",
    "check_audio_source",
    "check_camera",
    "check_microphone",
    "check_turn_allocation",
    "check_video_source",
]


@dataclass(frozen=True, slots=True)
class MediaCheck:
    """``ok`` False with a ``detail`` saying why; ``figures`` are measured numbers."""

    name: str
    ok: bool
    detail: str
    figures: dict[str, float | int | str] = field(default_factory=dict)


async def _first_frame(track: MediaStreamTrack, timeout_s: float) -> object:
    try:
        return await asyncio.wait_for(track.recv(), timeout_s)
    finally:
        track.stop()


async def check_video_source(track: MediaStreamTrack, *, timeout_s: float = 5.0) -> MediaCheck:
    """Read one frame from ``track`` (a camera or the synthetic source); bounded."""
    t0 = time.perf_counter()
    try:
        frame = await _first_frame(track, timeout_s)
    except (TimeoutError, MediaStreamError) as exc:
        return MediaCheck("camera", False, f"no picture ({type(exc).__name__})")
    width, height = getattr(frame, "width", 0), getattr(frame, "height", 0)
    return MediaCheck(
        "camera",
        True,
        "picture received",
        {
            "width": width,
            "height": height,
            "first_frame_ms": round((time.perf_counter() - t0) * 1000),
        },
    )


async def check_audio_source(track: MediaStreamTrack, *, timeout_s: float = 5.0) -> MediaCheck:
    """Read one audio frame from ``track``; bounded."""
    try:
        frame = await _first_frame(track, timeout_s)
    except (TimeoutError, MediaStreamError) as exc:
        return MediaCheck("microphone", False, f"no sound ({type(exc).__name__})")
    return MediaCheck(
        "microphone", True, "sound received", {"sample_rate": getattr(frame, "sample_rate", 0)}
    )


async def check_camera(
    device: str | None = None, *, opener: Callable[[str], MediaStreamTrack] = open_camera
) -> MediaCheck:
    """Open the chosen (or first) camera and read a frame."""
    devices = [device] if device else list_cameras()
    if not devices:
        return MediaCheck("camera", False, "no camera found")
    try:
        track = await asyncio.to_thread(opener, devices[0])
    except MediaDeviceUnavailable as exc:
        return MediaCheck("camera", False, str(exc))
    return await check_video_source(track)


async def check_microphone(
    device: str = "default", *, opener: Callable[[str], MediaStreamTrack] = open_microphone
) -> MediaCheck:
    """Open the chosen microphone and read a frame."""
    try:
        track = await asyncio.to_thread(opener, device)
    except MediaDeviceUnavailable as exc:
        return MediaCheck("microphone", False, str(exc))
    return await check_audio_source(track)


def _turn_address(uri: str) -> tuple[str, int] | None:
    # turn:host:port?transport=udp  (RFC 7065)
    if not uri.startswith("turn:") or "transport=tcp" in uri:
        return None
    parts = urlsplit("turn://" + uri[len("turn:") :])
    if parts.hostname is None:
        return None
    return parts.hostname, parts.port or 3478


async def check_turn_allocation(
    servers: Sequence[IceServer], *, timeout_s: float = 5.0
) -> MediaCheck:
    """Allocate a relay on the first UDP TURN server with its credentials (a real TURN Allocate)."""
    for server in servers:
        for uri in server.urls:
            address = _turn_address(uri)
            if address is None:
                continue
            connection = aioice.Connection(
                ice_controlling=True,
                components=1,
                turn_server=address,
                turn_username=server.username,
                turn_password=server.credential,
                transport_policy=aioice.TransportPolicy.RELAY,
            )
            t0 = time.perf_counter()
            try:
                await asyncio.wait_for(connection.gather_candidates(), timeout_s)
                # Read before close(): closing forgets the local candidates.
                relays = [c for c in connection.local_candidates if c.type == "relay"]
            except (TimeoutError, OSError, ConnectionError) as exc:
                return MediaCheck(
                    "TURN relay", False, f"no relay from {address[0]} ({type(exc).__name__})"
                )
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 2.0)
            if not relays:
                return MediaCheck("TURN relay", False, "the TURN server refused the allocation")
            return MediaCheck(
                "TURN relay",
                True,
                "relay allocated",
                {"allocation_ms": round((time.perf_counter() - t0) * 1000)},
            )
    return MediaCheck("TURN relay", False, "the backend offers no UDP TURN server")
