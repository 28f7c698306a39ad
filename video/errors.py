"""Errors of the video package, all rooted in :class:`VideoError`."""

from __future__ import annotations

__all__ = [
    "CallFailed",
    "IceServersUnavailable",
    "MalformedSignal",
    "NegotiationFailed",
    "SignalingClosed",
    "SignalingError",
    "SignalingTimeout",
    "TransferRejected",
    "VideoError",
]


class VideoError(Exception):
    """Base of every error raised by :mod:`video`."""


class SignalingError(VideoError):
    """The signaling channel misbehaved (refused, closed, rejected our message)."""


class SignalingClosed(SignalingError):
    """The signaling channel is closed; no more messages will arrive."""


class SignalingTimeout(SignalingError):
    """A bounded wait on the signaling channel expired (join, peer, answer)."""


class MalformedSignal(SignalingError):
    """A signaling message is not valid JSON or does not follow the documented schema."""


class IceServersUnavailable(VideoError):
    """``GET /rtc/ice-servers`` failed or returned something unusable."""


class NegotiationFailed(VideoError):
    """Offer/answer failed: no answer in time, an SDP without usable codecs, a rejected SDP."""


class CallFailed(VideoError):
    """The media connection could not be established or re-established in time."""


class TransferRejected(VideoError):
    """A shared document is too large, malformed or does not match its checksum."""
