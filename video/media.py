"""Media sources and sinks: synthetic and device sources, adaptive senders, latest-frame slots.

Frames leave this package as numpy arrays in a :class:`FrameSlot` (STYLE §4); only
``ui`` turns them into images. Thread affinity: tracks and sinks run on the core
loop; :class:`FrameSlot` and :class:`AudioLevel` may be read from any thread.
"""

from __future__ import annotations

import asyncio
import fractions
import glob
import math
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from .errors import VideoError

__all__ = [
    "AdaptiveVideoTrack",
    "AudioLevel",
    "FrameSlot",
    "GatedAudioTrack",
    "MediaDeviceUnavailable",
    "SyntheticAudioTrack",
    "SyntheticVideoTrack",
    "VideoSettings",
    "list_cameras",
    "open_camera",
    "open_microphone",
    "paint_timestamp",
    "read_timestamp",
    "sink_audio",
    "sink_video",
]

VIDEO_CLOCK_RATE = 90_000
VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK_RATE)
AUDIO_RATE = 48_000
AUDIO_PTIME_S = 0.020
_STAMP_BITS = 40
_STAMP_CELL = 8


class MediaDeviceUnavailable(VideoError):
    """A camera or microphone could not be opened (missing, busy, unsupported)."""


class FrameSlot:
    """The latest decoded frame (H x W x 3 uint8 RGB) plus counters; any thread.

    The producer (core loop) calls :meth:`put`; the UI polls :meth:`latest` on a
    timer and repaints only when ``seq`` changed: never one signal per frame.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: np.ndarray[Any, Any] | None = None
        self._seq = 0
        self._times: list[float] = []
        self.last_put_s = 0.0

    def put(self, frame: np.ndarray[Any, Any]) -> None:
        """Publish a new frame (the producer keeps no reference to it afterwards)."""
        now = time.monotonic()
        with self._lock:
            self._frame = frame
            self._seq += 1
            self._times.append(now)
            if len(self._times) > 64:
                del self._times[:-64]
            self.last_put_s = now

    def clear(self) -> None:
        """No picture (camera off, call over): viewers show their placeholder."""
        with self._lock:
            self._frame = None
            self._seq += 1

    def latest(self) -> tuple[int, np.ndarray[Any, Any] | None]:
        """``(seq, frame)``; ``seq`` grows with every put or clear."""
        with self._lock:
            return self._seq, self._frame

    @property
    def count(self) -> int:
        """How many puts and clears so far (the sequence number)."""
        with self._lock:
            return self._seq

    def fps(self, *, window_s: float = 2.0) -> float:
        """Frames per second over the last ``window_s`` seconds (0 when idle)."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._times if now - t <= window_s]
        if len(recent) < 2:
            return 0.0
        return (len(recent) - 1) / max(recent[-1] - recent[0], 1e-6)


class AudioLevel:
    """Received audio for the speaker and the meters; any thread.

    ``level`` is the RMS (0..1) of the last frame, ``peak_level`` the highest since the
    start, ``samples`` the count. The mono 48 kHz s16 PCM waits in a bounded ring (at most
    ``ring_ms``; older audio is dropped rather than delayed) for :meth:`take_pcm`.
    """

    def __init__(self, *, ring_ms: int = 300) -> None:
        self._lock = threading.Lock()
        self.level = 0.0
        self.peak_level = 0.0
        self.samples = 0
        self.last_frame_s = 0.0
        self._ring = bytearray()
        self._ring_max = AUDIO_RATE * 2 * ring_ms // 1000

    def add(self, pcm: np.ndarray[Any, Any], *, channels: int = 1) -> None:
        """Add one decoded frame (packed s16, ``channels`` interleaved)."""
        mono = pcm.reshape(-1, channels).mean(axis=1) if channels > 1 else pcm.ravel()
        flat = mono.astype(np.float32) / 32768.0
        rms = float(np.sqrt(np.mean(flat * flat))) if flat.size else 0.0
        data = mono.astype(np.int16).tobytes()
        with self._lock:
            self.level = rms
            self.peak_level = max(self.peak_level, rms)
            self.samples += flat.size
            self.last_frame_s = time.monotonic()
            self._ring += data
            if len(self._ring) > self._ring_max:
                del self._ring[: len(self._ring) - self._ring_max]

    def take_pcm(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of the oldest buffered PCM (mono, 48 kHz, s16 little-endian)."""
        with self._lock:
            n = min(max_bytes, len(self._ring)) & ~1
            out = bytes(self._ring[:n])
            del self._ring[:n]
        return out


def paint_timestamp(image: np.ndarray[Any, Any], value_ms: int) -> None:
    """Paint ``value_ms`` (40 bits) as black/white cells in the top-left corner (in place)."""
    for bit in range(_STAMP_BITS):
        on = (value_ms >> bit) & 1
        x = bit * _STAMP_CELL
        image[0:_STAMP_CELL, x : x + _STAMP_CELL] = 255 if on else 0


def read_timestamp(image: np.ndarray[Any, Any]) -> int | None:
    """Read a value painted by :func:`paint_timestamp` (after lossy coding); ``None`` if absent."""
    if image.shape[1] < _STAMP_BITS * _STAMP_CELL or image.shape[0] < _STAMP_CELL:
        return None
    value = 0
    half = _STAMP_CELL // 2
    for bit in range(_STAMP_BITS):
        x = bit * _STAMP_CELL
        cell = image[half - 2 : half + 2, x + half - 2 : x + half + 2]
        if float(cell.mean()) > 127:
            value |= 1 << bit
    return value


async def _next_video(track: MediaStreamTrack) -> av.VideoFrame:
    frame = await track.recv()
    if not isinstance(frame, av.VideoFrame):
        raise MediaStreamError("video track produced a non-video frame")
    return frame


async def _next_audio(track: MediaStreamTrack) -> av.AudioFrame:
    frame = await track.recv()
    if not isinstance(frame, av.AudioFrame):
        raise MediaStreamError("audio track produced a non-audio frame")
    return frame


class _PacedTrack(MediaStreamTrack):
    """Paces ``recv`` on the wall clock without bursts after a pause."""

    def __init__(self, period_s: float) -> None:
        super().__init__()
        self._period_s = period_s
        self._start_s: float | None = None
        self._next_s = 0.0

    async def _tick(self) -> float:
        """Sleep until the next slot; return seconds since start."""
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start_s is None:
            self._start_s = now
            self._next_s = now
        if self._next_s > now:
            await asyncio.sleep(self._next_s - now)
        else:
            self._next_s = now  # late (or resumed after a pause): no burst to catch up
        self._next_s += self._period_s
        return time.monotonic() - self._start_s


class SyntheticVideoTrack(_PacedTrack):
    """A moving test pattern with the send time painted in (for demo, tests and latency bench)."""

    kind = "video"

    def __init__(
        self, *, width: int = 640, height: int = 480, fps: int = 30, noise: int = 24
    ) -> None:
        super().__init__(1.0 / fps)
        self.width, self.height = width, height
        # Camera-like sensor noise (a bank of frames cycled): without it the pattern costs the
        # encoder almost nothing and no link is ever congested, unlike a real camera.
        rng = np.random.default_rng(7)
        self._noise = [
            rng.integers(0, noise + 1, size=(height, width, 1), dtype=np.uint8) if noise else None
            for _ in range(7)
        ]
        self._frame_index = 0
        y, x = np.mgrid[0:height, 0:width]
        base = np.zeros((height, width, 3), dtype=np.uint8)
        top = 255 - noise  # room for the noise without wrapping around
        base[..., 0] = (x * top // max(width - 1, 1)).astype(np.uint8)
        base[..., 1] = (y * top // max(height - 1, 1)).astype(np.uint8)
        base[..., 2] = 96
        self._base = base

    async def recv(self) -> av.VideoFrame:
        elapsed_s = await self._tick()
        noise = self._noise[self._frame_index % len(self._noise)]
        self._frame_index += 1
        image = self._base + noise if noise is not None else self._base.copy()
        size = self.height // 4
        span = max(self.width - size, 1)
        pos = int((elapsed_s * 160) % (2 * span))
        x = pos if pos < span else 2 * span - pos
        y = (self.height - size) // 2
        image[y : y + size, x : x + size] = (255, 255, 255)
        paint_timestamp(image, int(time.time() * 1000))
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = int(elapsed_s * VIDEO_CLOCK_RATE)
        frame.time_base = VIDEO_TIME_BASE
        return frame


class SyntheticAudioTrack(_PacedTrack):
    """A 440 Hz tone, beeping twice a second, mono 48 kHz in 20 ms frames."""

    kind = "audio"

    def __init__(self, *, frequency_hz: float = 440.0, amplitude: float = 0.3) -> None:
        super().__init__(AUDIO_PTIME_S)
        self._frequency_hz = frequency_hz
        self._amplitude = amplitude
        self._samples = int(AUDIO_RATE * AUDIO_PTIME_S)
        self._pts = 0

    async def recv(self) -> av.AudioFrame:
        await self._tick()
        t = (self._pts + np.arange(self._samples)) / AUDIO_RATE
        gate = ((t * 2) % 1.0) < 0.5
        wave = self._amplitude * np.sin(2 * math.pi * self._frequency_hz * t) * gate
        pcm = (wave * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._pts += self._samples
        return frame


@dataclass(frozen=True, slots=True)
class VideoSettings:
    """What the adaptive sender emits: size, frame rate, or nothing (``paused``)."""

    width: int
    height: int
    fps: float
    paused: bool = False


class AdaptiveVideoTrack(MediaStreamTrack):
    """Wraps a video source: scales, drops frames to a target rate, pauses; feeds self-view.

    The bandwidth controller and the camera-off control change :attr:`settings`;
    the source keeps its own rate. While paused, ``recv`` waits, so the RTP sender
    sends nothing (aiortc sends no video without a frame).
    """

    kind = "video"

    def __init__(
        self,
        source: MediaStreamTrack,
        settings: VideoSettings,
        *,
        self_view: FrameSlot | None = None,
    ) -> None:
        super().__init__()
        self._source = source
        self._settings = settings
        self._resumed = asyncio.Event()
        if not settings.paused:
            self._resumed.set()
        self._next_due_s = 0.0
        self._self_view = self_view
        self.frames_sent = 0

    @property
    def settings(self) -> VideoSettings:
        return self._settings

    @settings.setter
    def settings(self, value: VideoSettings) -> None:
        self._settings = value
        if value.paused:
            self._resumed.clear()
            if self._self_view is not None:
                self._self_view.clear()
        else:
            self._resumed.set()

    async def recv(self) -> av.VideoFrame:
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            await self._resumed.wait()
            frame = await _next_video(self._source)
            settings = self._settings
            if settings.paused:
                continue
            now = time.monotonic()
            # Keep frames on a grid of the target rate; 10 ms of slack absorbs the source's
            # jitter (a 30 fps source decimated to 15 fps must give 15, not a 10/15 mix).
            period = 1.0 / settings.fps
            if now < self._next_due_s - 0.010:
                continue
            self._next_due_s = max(self._next_due_s + period, now - period)
            if (frame.width, frame.height) != (settings.width, settings.height):
                pts, time_base = frame.pts, frame.time_base
                frame = frame.reformat(width=settings.width, height=settings.height)
                frame.pts, frame.time_base = pts, time_base
            if self._self_view is not None and self.frames_sent % 2 == 0:
                self._self_view.put(frame.to_ndarray(format="rgb24"))
            self.frames_sent += 1
            return frame

    def stop(self) -> None:
        super().stop()
        self._resumed.set()


class GatedAudioTrack(MediaStreamTrack):
    """Wraps an audio source; muted means silence frames (the stream and its timing go on)."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self._source = source
        self.muted = False

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await _next_audio(self._source)
        if not self.muted:
            return frame
        silent = av.AudioFrame(
            format=frame.format.name, layout=frame.layout.name, samples=frame.samples
        )
        for plane in silent.planes:
            plane.update(bytes(plane.buffer_size))
        silent.sample_rate = frame.sample_rate
        silent.pts, silent.time_base = frame.pts, frame.time_base
        return silent


async def sink_video(track: MediaStreamTrack, slot: FrameSlot) -> None:
    """Decode ``track`` into ``slot`` until it ends (core loop task)."""
    while True:
        try:
            frame = await _next_video(track)
        except MediaStreamError:
            return
        # The conversion runs inline: ~1 ms at 640x480 (DESIGN §3 measures paint at 0.5 ms).
        slot.put(frame.to_ndarray(format="rgb24"))


async def sink_audio(track: MediaStreamTrack, level: AudioLevel) -> None:
    """Consume ``track`` into ``level`` (meters and the speaker's ring); core loop task."""
    resampler: av.AudioResampler | None = None
    while True:
        try:
            frame = await _next_audio(track)
        except MediaStreamError:
            return
        if frame.format.name != "s16" or frame.sample_rate != AUDIO_RATE:
            # aiortc's Opus decoder gives s16 at 48 kHz already; other codecs are resampled.
            if resampler is None:
                resampler = av.AudioResampler(
                    format="s16", layout=frame.layout.name, rate=AUDIO_RATE
                )
            converted = resampler.resample(frame)
            if not converted:
                continue
            frame = converted[0]
        level.add(frame.to_ndarray(), channels=len(frame.layout.channels))


def list_cameras() -> list[str]:
    """Camera device names PyAV can open on this OS (may be empty); any thread."""
    if sys.platform.startswith("linux"):
        return sorted(glob.glob("/dev/video*"))
    if sys.platform == "darwin":
        return ["0"]  # avfoundation's default camera index
    return ["video=Integrated Camera"]  # dshow needs a name; the user picks the right one


def _open(device: str, *, fmt: str, options: dict[str, str]) -> Any:
    from aiortc.contrib.media import MediaPlayer

    try:
        return MediaPlayer(device, format=fmt, options=options)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaDeviceUnavailable(f"cannot open {device} ({type(exc).__name__})") from exc


def open_camera(
    device: str, *, width: int = 640, height: int = 480, fps: int = 30
) -> MediaStreamTrack:
    """Open a camera through PyAV (v4l2 / avfoundation / dshow); raises :class:`MediaDeviceUnavailable`."""
    if sys.platform.startswith("linux"):
        fmt = "v4l2"
    elif sys.platform == "darwin":
        fmt = "avfoundation"
    else:
        fmt = "dshow"
    player = _open(
        device, fmt=fmt, options={"video_size": f"{width}x{height}", "framerate": str(fps)}
    )
    if player.video is None:
        raise MediaDeviceUnavailable(f"{device} has no video stream")
    track: MediaStreamTrack = player.video
    return track


def open_microphone(device: str = "default") -> MediaStreamTrack:
    """Open a microphone through PyAV (pulse / avfoundation / dshow); raises :class:`MediaDeviceUnavailable`."""
    if sys.platform.startswith("linux"):
        fmt = "pulse"
    elif sys.platform == "darwin":
        fmt, device = "avfoundation", f":{device if device != 'default' else '0'}"
    else:
        fmt = "dshow"
    player = _open(device, fmt=fmt, options={})
    if player.audio is None:
        raise MediaDeviceUnavailable(f"{device} has no audio stream")
    track: MediaStreamTrack = player.audio
    return track
