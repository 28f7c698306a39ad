"""Call quality from aiortc's ``getStats`` and our frame counters; the shared grading.

The patient page grades with the same thresholds (``patient.js``: ``grade``).
Pure functions; any thread.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["CallQuality", "Grade", "grade"]


class Grade(enum.StrEnum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


@dataclass(frozen=True, slots=True)
class CallQuality:
    """One sample of the call's quality (``None`` = not measured yet).

    ``loss_pct`` is the loss the peer reports for our video (RTCP receiver
    reports); ``recv_fps``/``recv_width``/``recv_height`` describe the video we
    decode; ``send_kbps`` and ``recv_kbps`` are transport bit rates.
    """

    rtt_ms: float | None
    loss_pct: float | None
    send_kbps: float | None
    recv_kbps: float | None
    recv_fps: float
    send_fps: float
    recv_width: int
    recv_height: int
    level: str
    relayed: bool | None = None

    @property
    def grade(self) -> Grade:
        """Good / fair / poor by :func:`grade` (fps counts only while video is expected)."""
        return grade(
            rtt_ms=self.rtt_ms or 0.0,
            loss_pct=self.loss_pct or 0.0,
            fps=self.recv_fps if self.level == "video" else None,
        )


def grade(*, rtt_ms: float, loss_pct: float, fps: float | None) -> Grade:
    """Good below 250 ms RTT, 2 % loss and (when video is expected) 20 fps; fair below 500 ms / 8 %."""
    if rtt_ms < 250 and loss_pct < 2 and (fps is None or fps >= 20):
        return Grade.GOOD
    if rtt_ms < 500 and loss_pct < 8:
        return Grade.FAIR
    return Grade.POOR
