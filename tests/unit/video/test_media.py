"""Media helpers: the speaker's ring, frame slots, painted clocks through VP8, adaptive sender."""

from __future__ import annotations

import fractions

import av
import numpy as np
import pytest
from aiortc.codecs.vpx import Vp8Decoder, VpxPayloadDescriptor
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from video.encoder import CappedVp8Encoder, first_video_codec
from video.media import (
    AdaptiveVideoTrack,
    AudioLevel,
    FrameSlot,
    GatedAudioTrack,
    SyntheticAudioTrack,
    SyntheticVideoTrack,
    VideoSettings,
    paint_timestamp,
    read_timestamp,
)


def test_audio_ring_is_bounded_mono_and_drains_in_order() -> None:
    level = AudioLevel(ring_ms=100)  # 9600 bytes
    stereo = np.array([[1000, 3000] * 960], dtype=np.int16)  # 20 ms, interleaved L/R
    level.add(stereo, channels=2)
    assert level.samples == 960 and level.peak_level > 0
    first = level.take_pcm(4)
    assert np.frombuffer(first, dtype=np.int16).tolist() == [2000, 2000]  # averaged to mono
    for i in range(10):  # 200 ms more than the ring holds
        level.add(np.full((1, 960), i, dtype=np.int16))
    data = level.take_pcm(1 << 20)
    assert len(data) == 9600  # the oldest audio was dropped, not queued as delay
    assert np.frombuffer(data, dtype=np.int16)[-1] == 9
    assert level.take_pcm(100) == b""
    assert level.take_pcm(3) == b""  # never half a sample


def test_frame_slot_sequence_and_clear() -> None:
    slot = FrameSlot()
    assert slot.latest() == (0, None)
    frame = np.zeros((4, 4, 3), dtype=np.uint8)
    slot.put(frame)
    seq, got = slot.latest()
    assert seq == 1 and got is frame
    slot.clear()
    assert slot.latest() == (2, None)


def test_painted_clock_survives_vp8_coding() -> None:
    image = np.full((480, 640, 3), 90, dtype=np.uint8)
    stamp = 1_733_100_000_123 % (1 << 40)
    paint_timestamp(image, stamp)
    frame = av.VideoFrame.from_ndarray(image, format="rgb24")
    frame.pts, frame.time_base = 0, fractions.Fraction(1, 90_000)
    encoder = CappedVp8Encoder(cap_bps=300_000)
    payloads, _ = encoder.encode(frame, force_keyframe=True)
    assert encoder.target_bitrate == 300_000
    decoder = Vp8Decoder()
    # Strip the VP8 payload descriptors as aiortc's depacketizer does.
    body = b""
    for p in payloads:
        _, rest = VpxPayloadDescriptor.parse(p)
        body += rest
    decoded = decoder.decode(JitterFrame(data=body, timestamp=0))
    assert len(decoded) == 1
    out = decoded[0].to_ndarray(format="rgb24")
    assert read_timestamp(out) == stamp
    assert read_timestamp(np.zeros((8, 100, 3), dtype=np.uint8)) is None


def test_capped_encoder_follows_remb_below_the_cap_only() -> None:
    encoder = CappedVp8Encoder(cap_bps=330_000)
    encoder.target_bitrate = 1_000_000  # a REMB above the cap
    assert encoder.target_bitrate == 330_000
    encoder.target_bitrate = 200_000
    assert encoder.target_bitrate == 200_000
    encoder.target_bitrate = 1_000  # floor
    assert encoder.target_bitrate == 50_000
    encoder.target_bitrate = 150_000
    encoder.cap_bps = 100_000  # the controller steps down below the REMB
    assert encoder.target_bitrate == 100_000
    sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 97 96\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 H264/90000\r\n"
    assert first_video_codec(sdp) == "H264"
    assert first_video_codec("v=0\r\nm=audio 9 RTP 0\r\n") is None


class _Frames(MediaStreamTrack):
    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self.pts = 0

    async def recv(self) -> av.VideoFrame:
        frame = av.VideoFrame.from_ndarray(np.zeros((480, 640, 3), dtype=np.uint8), format="rgb24")
        frame.pts, frame.time_base = self.pts, fractions.Fraction(1, 90_000)
        self.pts += 3000
        return frame


async def test_adaptive_track_scales_and_feeds_self_view() -> None:
    view = FrameSlot()
    track = AdaptiveVideoTrack(_Frames(), VideoSettings(320, 240, fps=1000), self_view=view)
    frame = await track.recv()
    assert (frame.width, frame.height) == (320, 240) and frame.pts == 0
    assert view.latest()[1] is not None and view.latest()[1].shape == (240, 320, 3)
    track.settings = VideoSettings(320, 240, fps=1000, paused=True)
    assert view.latest()[1] is None  # camera off: the self-view says so
    track.stop()
    with pytest.raises(MediaStreamError):
        await track.recv()


async def test_muted_audio_is_silence_with_the_same_timing() -> None:
    gated = GatedAudioTrack(SyntheticAudioTrack())
    loud = await gated.recv()
    gated.muted = True
    quiet = await gated.recv()
    assert np.abs(loud.to_ndarray()).max() > 1000
    assert np.abs(quiet.to_ndarray()).max() == 0
    assert quiet.pts == loud.pts + loud.samples and quiet.sample_rate == 48_000


async def test_synthetic_video_moves_and_carries_the_clock() -> None:
    track = SyntheticVideoTrack(width=640, height=480, fps=30)
    a = (await track.recv()).to_ndarray(format="rgb24")
    b = (await track.recv()).to_ndarray(format="rgb24")
    assert a.shape == (480, 640, 3) and not np.array_equal(a, b)
    assert read_timestamp(a) is not None


def test_missing_devices_are_typed_errors() -> None:
    from video.media import MediaDeviceUnavailable, list_cameras, open_camera, open_microphone

    assert all(isinstance(name, str) for name in list_cameras())
    with pytest.raises(MediaDeviceUnavailable, match="/dev/video-none"):
        open_camera("/dev/video-none")
    with pytest.raises(MediaDeviceUnavailable):
        open_microphone("no-such-microphone-here")
