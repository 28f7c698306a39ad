"""Our own bandwidth control: estimate the link from RTCP feedback, pick a rung of the ladder.

aiortc barely adapts (at 500 kbit/s aiortc -> Chromium collapsed to ~2.5 fps,
DESIGN §5), so the call engine feeds this controller once a second with what
RTCP receiver reports and REMB say, and applies the chosen :class:`Rung` to the
adaptive video track (size, frame rate) and the VP8 encoder (target bit rate).

The estimate follows the loss-based half of Google Congestion Control
(draft-ietf-rmcat-gcc-02 §6): above 10 % loss it shrinks to
``sent * (1 - 0.5 * loss)``, below 2 % it grows by 8 % a second, in between it
holds; a round-trip time well above the call's best is queueing delay and counts
as congestion; under stress REMB caps it. Steps down happen after two bad samples; steps up
need the estimate above the next rung for ``up_hold_s`` and never within
``up_hold_s`` of a step down (no oscillation). The clinician may force a worse
rung (a ceiling); the controller never goes above it.

Pure logic with an injected clock; thread affinity: any, one caller at a time.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_LADDER", "BandwidthController", "Level", "LinkSample", "Rung"]


class Level(enum.StrEnum):
    """The degradation ladder the clinician sees (and may force)."""

    VIDEO = "video"
    LOW_VIDEO = "low-video"
    AUDIO_ONLY = "audio-only"
    CHAT_ONLY = "chat-only"


@dataclass(frozen=True, slots=True)
class Rung:
    """One step: ``video_bps`` 0 means no video; chat-only also stops audio."""

    level: Level
    width: int
    height: int
    fps: int
    video_bps: int


DEFAULT_LADDER: tuple[Rung, ...] = (
    Rung(Level.VIDEO, 1280, 720, 30, 1_700_000),
    Rung(Level.VIDEO, 640, 480, 30, 800_000),
    Rung(Level.VIDEO, 640, 480, 20, 550_000),
    Rung(Level.LOW_VIDEO, 480, 360, 20, 330_000),
    Rung(Level.LOW_VIDEO, 320, 240, 15, 180_000),
    Rung(Level.LOW_VIDEO, 320, 240, 10, 100_000),
    Rung(Level.AUDIO_ONLY, 0, 0, 0, 0),
    Rung(Level.CHAT_ONLY, 0, 0, 0, 0),
)
AUDIO_BPS = 48_000  # Opus at aiortc's settings plus RTP/UDP overhead, measured order of magnitude


@dataclass(frozen=True, slots=True)
class LinkSample:
    """One second of feedback: RTT and loss from RTCP receiver reports, what we sent, REMB."""

    rtt_ms: float | None
    loss_fraction: float | None
    sent_bps: float
    remb_bps: float | None = None


class BandwidthController:
    """Chooses the rung from :class:`LinkSample` s (see the module docstring)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        ladder: Sequence[Rung] = DEFAULT_LADDER,
        start_index: int = 1,
        max_index_for_source: int = 1,
        up_hold_s: float = 8.0,
    ) -> None:
        self._clock = clock
        self.ladder = tuple(ladder)
        self._top = max_index_for_source
        self.index = max(start_index, self._top)
        self.ceiling_index = 0
        self.estimate_bps = float(self.ladder[self.index].video_bps + AUDIO_BPS)
        self._up_hold_s = up_hold_s
        self._bad_samples = 0
        self._good_since: float | None = None
        self._last_down_s = -1e9
        self._min_rtt_ms: float | None = None

    @property
    def rung(self) -> Rung:
        return self.ladder[max(self.index, self.ceiling_index)]

    def force_level(self, level: Level | None) -> Rung:
        """Clinician override: never above the first rung of ``level`` (``None`` lifts it)."""
        if level is None:
            self.ceiling_index = 0
        else:
            self.ceiling_index = next(i for i, r in enumerate(self.ladder) if r.level == level)
        return self.rung

    def _budget(self, index: int) -> float:
        rung = self.ladder[index]
        audio = AUDIO_BPS if rung.level is not Level.CHAT_ONLY else 0
        return float(rung.video_bps + audio)

    def update(self, sample: LinkSample) -> Rung | None:
        """Feed one sample; returns the new effective rung when it changed, else ``None``."""
        now = self._clock()
        before = self.rung
        congested = False
        if sample.rtt_ms is not None:
            if self._min_rtt_ms is None or sample.rtt_ms < self._min_rtt_ms:
                self._min_rtt_ms = sample.rtt_ms
            congested = sample.rtt_ms > self._min_rtt_ms + 200
        loss = sample.loss_fraction or 0.0
        sent = max(sample.sent_bps, 1.0)
        if loss > 0.10:
            self.estimate_bps = min(self.estimate_bps, sent * (1 - 0.5 * loss))
            congested = True
        elif congested:
            self.estimate_bps = min(self.estimate_bps, sent * 0.85)
        elif loss < 0.02:
            self.estimate_bps = max(self.estimate_bps, sent) * 1.08
        # REMB starts low and follows what it receives, so as a hard cap it would spiral
        # down from the first second; it only bounds the estimate once the link shows stress.
        if (congested or loss >= 0.02) and sample.remb_bps is not None and sample.remb_bps > 0:
            self.estimate_bps = min(self.estimate_bps, sample.remb_bps + AUDIO_BPS)
        # Probing never runs away: at most twice what the best allowed rung needs.
        self.estimate_bps = min(max(self.estimate_bps, 10_000.0), 2 * self._budget(self._top))
        self._step(now, congested)
        after = self.rung
        return after if after != before else None

    def _step(self, now: float, congested: bool) -> None:
        # Down: the current rung does not fit the estimate on two samples running.
        if self._budget(self.index) > self.estimate_bps * 1.05 or (
            congested and self.index < len(self.ladder) - 1
        ):
            self._bad_samples += 1
            self._good_since = None
            if self._bad_samples >= 2:
                target = self.index
                while (
                    target < len(self.ladder) - 1 and self._budget(target) > self.estimate_bps * 0.9
                ):
                    target += 1
                if congested and target == self.index:
                    target = min(self.index + 1, len(self.ladder) - 1)
                if target != self.index:
                    self.index = target
                    self._last_down_s = now
                self._bad_samples = 0
            return
        self._bad_samples = 0
        if congested:
            self._good_since = None
            return
        # Up: the next better rung fits with 20 % headroom for up_hold_s.
        if self.index <= self._top:
            return
        if self._budget(self.index - 1) * 1.2 > self.estimate_bps:
            self._good_since = None
            return
        if self._good_since is None:
            self._good_since = now
        if now - self._good_since >= self._up_hold_s and now - self._last_down_s >= self._up_hold_s:
            self.index -= 1
            self._good_since = now
