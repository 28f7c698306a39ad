"""A VP8 encoder whose target bit rate our bandwidth controller caps.

aiortc's ``Vp8Encoder`` clamps to 250 kbit/s..1.5 Mbit/s and takes REMB values
as they come (``RTCRtpSender._handle_rtcp_packet``). Low rungs need less than
250 kbit/s, and REMB must not push the rate above what the controller chose, so
the effective target is ``min(REMB, cap)`` clamped to 50 kbit/s..2.5 Mbit/s.
Installed by :func:`install_capped_encoder` on a negotiated VP8 sender.
Thread affinity: aiortc calls ``encode`` in its codec thread; setters run on the loop.
"""

from __future__ import annotations

import re

import av
from aiortc import RTCRtpSender
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.mediastreams import VIDEO_TIME_BASE, convert_timebase
from av import VideoFrame
from av.frame import Frame
from av.video.codeccontext import VideoCodecContext

__all__ = ["CappedVp8Encoder", "first_video_codec", "install_capped_encoder"]

MIN_BPS = 50_000
MAX_BPS = 2_500_000


class CappedVp8Encoder(Vp8Encoder):
    """``target_bitrate`` = ``min(last REMB, cap_bps)`` within ``MIN_BPS..MAX_BPS``."""

    def __init__(self, *, cap_bps: int) -> None:
        super().__init__()
        self.remb_bps: int | None = None
        self._cap_bps = cap_bps
        self._apply()

    @property
    def cap_bps(self) -> int:
        """The bandwidth controller's ceiling for the current rung, bit/s."""
        return self._cap_bps

    @cap_bps.setter
    def cap_bps(self, value: int) -> None:
        self._cap_bps = value
        self._apply()

    def _apply(self) -> None:
        wanted = self._cap_bps if self.remb_bps is None else min(self.remb_bps, self._cap_bps)
        # The parent's encode() also reads its private field for the rate-control buffer size.
        self._Vp8Encoder__target_bitrate = max(MIN_BPS, min(wanted, MAX_BPS))

    def encode(self, frame: Frame, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        """aiortc's ``Vp8Encoder.encode`` with keyframes capped at 3x an average frame.

        Uncapped, a keyframe of a detailed picture is tens of kB in one burst; behind a
        500 kbit/s token bucket most of it is dropped, the receiver asks for another
        keyframe, and the call collapses (the ~2.5 fps of DESIGN §5). WebRTC caps intra
        frames the same way (libvpx ``rc_max_intra_bitrate_pct``).
        """
        assert isinstance(frame, VideoFrame)
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        target = self.target_bitrate
        if self.codec is not None and (
            frame.width != self.codec.width
            or frame.height != self.codec.height
            or abs(target - (self.codec.bit_rate or target)) > 0.1 * target
        ):
            self.codec = None
        if force_keyframe:
            frame.pict_type = av.video.frame.PictureType.I
        if self.codec is None:
            codec = av.CodecContext.create("libvpx", "w")
            assert isinstance(codec, VideoCodecContext)
            codec.width = frame.width
            codec.height = frame.height
            codec.bit_rate = target
            codec.pix_fmt = "yuv420p"
            codec.gop_size = 3000
            codec.qmin = 2
            codec.qmax = 56
            codec.options = {
                "bufsize": str(target),
                "cpu-used": "-6",
                "deadline": "realtime",
                "lag-in-frames": "0",
                "minrate": str(target),
                "maxrate": str(target),
                "noise-sensitivity": "4",
                "overshoot-pct": "15",
                "partitions": "0",
                "static-thresh": "1",
                "undershoot-pct": "100",
                "max-intra-rate": "300",
            }
            codec.thread_count = 2 if frame.width * frame.height > 640 * 480 else 1
            self.codec = codec
        data = b"".join(bytes(p) for p in self.codec.encode(frame))
        payloads = self._packetize(data, self.picture_id)
        timestamp = convert_timebase(frame.pts or 0, frame.time_base, VIDEO_TIME_BASE)
        self.picture_id = (self.picture_id + 1) % (1 << 15)
        return payloads, timestamp

    @property
    def target_bitrate(self) -> int:
        """What the encoder aims at now, bit/s: ``min(REMB, cap)`` within the bounds."""
        return int(self._Vp8Encoder__target_bitrate)

    @target_bitrate.setter
    def target_bitrate(self, bitrate: int) -> None:
        # Called by aiortc for every REMB from the peer.
        self.remb_bps = bitrate
        self._apply()


_MLINE = re.compile(r"^m=video \d+ \S+ (\d+)", re.MULTILINE)


def first_video_codec(sdp: str) -> str | None:
    """The name of the first (chosen) video codec in ``sdp`` (pure), e.g. ``"VP8"``."""
    m = _MLINE.search(sdp)
    if m is None:
        return None
    rtpmap = re.search(rf"^a=rtpmap:{m.group(1)} ([A-Za-z0-9-]+)/", sdp, re.MULTILINE)
    return rtpmap.group(1) if rtpmap else None


def install_capped_encoder(sender: RTCRtpSender, *, cap_bps: int) -> CappedVp8Encoder:
    """Replace the sender's encoder (aiortc keeps it in a private field) with a capped one."""
    encoder = CappedVp8Encoder(cap_bps=cap_bps)
    sender._RTCRtpSender__encoder = encoder  # type: ignore[attr-defined]
    return encoder
