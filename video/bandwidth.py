"""Our own bandwidth control: estimate the link from RTCP feedback, pick a rung of the ladder.

aiortc barely adapts (at 500 kbit/s aiortc -> Chromium collapsed to ~2.5 fps,
DESIGN §5), so the call engine feeds this controller once a second with what
RTCP receiver reports and REMB say, and applies the chosen :class:`Rung` to the
adaptive video track (size, frame rate) and the VP8 encoder (target bit rate).

The estimate follows the loss-based half of Google Congestion Control
(draft-ietf-rmcat-gcc-02 §6): above 10 % loss it shrinks to
``sent * (1 - 0.5 * loss)``, below 2 % it grows by 8 % a second (to at most 2.5 times the sent rate while
video flows), in between it holds; a round-trip time well above the call's best is queueing delay and counts
as congestion; under stress REMB caps it, and a REMB far below the rung's rate for
three seconds picks the rung that fits it (fewer pixels rather than starved ones). Steps down happen after two bad samples; steps up
need the estimate above the next rung for ``up_hold_s`` and never within
``up_hold_s`` of a step down; a probe that fails doubles the hold (up to 64 s),
so a steady cap does not cause periodic freezes. The clinician may force a worse
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
SETTLE_S = 3.0
REMB_GRACE_SAMPLES = 6
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
        self._base_hold_s = up_hold_s
        self._up_hold_s = up_hold_s
        self._last_up_s = -1e9
        self._bad_samples = 0
        self._good_since: float | None = None
        self._last_down_s = -1e9
        self._min_rtt_ms: float | None = None
        self._remb_bps: float | None = None
        self._remb_low = 0
        self._samples = 0

    @property
    def rung(self) -> Rung:
        """The rung in force: the controller's choice, never above the clinician's ceiling."""
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
        lossy = loss > 0.10
        if lossy:
            self.estimate_bps = min(self.estimate_bps, sent * (1 - 0.5 * loss))
            congested = True
        elif congested and now - self._last_down_s >= SETTLE_S:
            self.estimate_bps = min(self.estimate_bps, sent * 0.85)
        elif loss < 0.02:
            grown = max(self.estimate_bps, sent) * 1.08
            if self.ladder[self.index].video_bps > 0:
                # GCC bounds growth by what was actually delivered (here: 2.5 times the
                # sent rate); a quiet encoder neither raises nor lowers the estimate.
                grown = min(grown, max(self.estimate_bps, 2.5 * sent))
            self.estimate_bps = grown
        # REMB starts low and follows what it receives, so as a hard cap it would spiral
        # down from the first second; it only bounds the estimate once the link shows stress.
        if (congested or loss >= 0.02) and sample.remb_bps is not None and sample.remb_bps > 0:
            self.estimate_bps = min(self.estimate_bps, sample.remb_bps + AUDIO_BPS)
        # Probing never runs away: at most twice what the best allowed rung needs.
        self.estimate_bps = min(max(self.estimate_bps, 10_000.0), 2 * self._budget(self._top))
        self._remb_bps = sample.remb_bps if sample.remb_bps else None
        self._step(now, congested=congested, lossy=lossy)
        after = self.rung
        return after if after != before else None

    def _step_down_to(self, target: int, now: float) -> None:
        if target == self.index:
            return
        self.index = target
        self._good_since = None
        self._last_down_s = now
        # A step up that failed soon after: wait twice as long before the next probe
        # (up to 64 s), so a steady cap does not cause periodic freezes.
        if now - self._last_up_s < 2 * self._base_hold_s:
            self._up_hold_s = min(self._up_hold_s * 2, 64.0)
        else:
            self._up_hold_s = self._base_hold_s

    def _step(self, now: float, *, congested: bool, lossy: bool) -> None:
        # After a step down, RTCP still reports the old queue for a few seconds: only
        # fresh heavy loss may cut again while the link settles.
        if now - self._last_down_s < SETTLE_S and not lossy:
            return
        # REMB (the receiver's delay-based estimate) far below the rung's rate for three
        # samples: the encoder is starved, so fewer pixels at the same rate look better.
        rung = self.ladder[self.index]
        self._samples += 1
        # Chromium's REMB ramps up from ~300 kbit/s during the first seconds of a call (slower
        # on a busy machine): only a REMB that stays low after that grace means a slow link.
        if (
            self._samples > REMB_GRACE_SAMPLES
            and self._remb_bps is not None
            and rung.video_bps
            and self._remb_bps < 0.7 * rung.video_bps
        ):
            self._remb_low += 1
        else:
            self._remb_low = 0
        if self._remb_low >= 3:
            self._remb_low = 0
            target = self.index
            while (
                target < len(self.ladder) - 1
                and self.ladder[target].video_bps > self._remb_bps * 1.1  # type: ignore[operator]
            ):
                target += 1
            self._step_down_to(target, now)
            return
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
                # Heavy loss with a stale estimate still costs one rung.
                if lossy and target == self.index:
                    target = min(self.index + 1, len(self.ladder) - 1)
                self._step_down_to(target, now)
                self._bad_samples = 0
            return
        self._bad_samples = 0
        if congested:
            self._good_since = None
            return
        # Up: the next better rung fits with 10 % headroom for up_hold_s.
        if self.index <= self._top:
            return
        better = self.ladder[self.index - 1]
        if self._budget(self.index - 1) * 1.1 > self.estimate_bps or (
            self._remb_bps is not None and self._remb_bps < 0.9 * better.video_bps
        ):
            self._good_since = None
            return
        if self._good_since is None:
            self._good_since = now
        if now - self._good_since >= self._up_hold_s and now - self._last_down_s >= self._up_hold_s:
            self.index -= 1
            self._good_since = now
            self._last_up_s = now
