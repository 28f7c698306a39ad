"""Bandwidth controller with a fake clock: steps down under loss/delay, up with hysteresis."""

from __future__ import annotations

from video.bandwidth import DEFAULT_LADDER, BandwidthController, Level, LinkSample


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(ctl: BandwidthController, clock: FakeClock, sample: LinkSample, seconds: int) -> list[str]:
    changes = []
    for _ in range(seconds):
        clock.now += 1.0
        rung = ctl.update(sample)
        if rung is not None:
            changes.append(f"{rung.level.value} {rung.width}x{rung.height}@{rung.fps}")
    return changes


def test_clean_link_stays_at_vga() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock)
    assert _run(ctl, clock, LinkSample(rtt_ms=20, loss_fraction=0.0, sent_bps=850_000), 30) == []
    assert (ctl.rung.width, ctl.rung.fps) == (640, 30)


def test_500_kbit_bottleneck_settles_on_reduced_resolution_with_at_least_12_fps() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock)
    cap_bps = 500_000
    for _ in range(60):
        clock.now += 1
        sent = ctl.rung.video_bps + 48_000
        # A tbf-like bottleneck: what exceeds the cap is dropped, and queueing adds delay.
        loss = max(0.0, 1 - cap_bps / sent)
        rtt = 40 + (400 if loss > 0 else 0)
        ctl.update(LinkSample(rtt_ms=rtt, loss_fraction=loss, sent_bps=sent))
    assert ctl.rung.video_bps + 48_000 <= cap_bps
    assert ctl.rung.fps >= 12 and ctl.rung.width < 640
    assert ctl.rung.level is Level.LOW_VIDEO


def test_rising_delay_alone_counts_as_congestion() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock)
    _run(ctl, clock, LinkSample(rtt_ms=30, loss_fraction=0.0, sent_bps=850_000), 3)
    before = ctl.index
    _run(ctl, clock, LinkSample(rtt_ms=600, loss_fraction=0.0, sent_bps=850_000), 2)
    assert ctl.index > before


def _sent(ctl: BandwidthController) -> float:
    """What the sender really pushes at the current rung (the encoder meets its target)."""
    return ctl.rung.video_bps + (48_000 if ctl.rung.level is not Level.CHAT_ONLY else 0)


def test_recovery_steps_up_only_after_the_hold_time() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock, up_hold_s=8)
    for _ in range(12):
        clock.now += 1
        ctl.update(LinkSample(rtt_ms=30, loss_fraction=0.5, sent_bps=_sent(ctl)))
    low = ctl.index
    assert ctl.rung.level in (Level.AUDIO_ONLY, Level.CHAT_ONLY)
    for _ in range(7):
        clock.now += 1
        ctl.update(LinkSample(rtt_ms=30, loss_fraction=0.0, sent_bps=_sent(ctl)))
    assert ctl.index == low  # not yet: within the hold time
    for _ in range(150):
        clock.now += 1
        ctl.update(LinkSample(rtt_ms=30, loss_fraction=0.0, sent_bps=_sent(ctl)))
    assert ctl.index == 1  # back to VGA, never above what the source offers


def test_failed_probes_back_off() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock, up_hold_s=8)
    cap_bps = 500_000
    ups = []
    for _ in range(300):
        clock.now += 1
        sent = _sent(ctl)
        loss = max(0.0, 1 - cap_bps / sent)
        before = ctl.index
        ctl.update(LinkSample(rtt_ms=50, loss_fraction=loss, sent_bps=sent))
        if ctl.index < before:
            ups.append(clock.now)
    # Each failed probe doubles the wait: few probes in five minutes, spaced ever wider.
    assert 1 <= len(ups) <= 6
    gaps = [b - a for a, b in zip(ups, ups[1:], strict=False)]
    assert gaps == sorted(gaps)


def test_no_oscillation_on_a_steady_capped_link() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock)
    changes = []
    for _ in range(120):
        clock.now += 1
        budget = ctl.rung.video_bps + 48_000
        loss = 0.15 if budget > 500_000 else 0.0
        if ctl.update(LinkSample(rtt_ms=50, loss_fraction=loss, sent_bps=budget)) is not None:
            changes.append(clock.now)
    # A probe up and back down at most every hold period, not every second.
    assert len(changes) <= 2 * 120 / 8 + 2


def test_clinician_ceiling_is_never_exceeded_and_can_be_lifted() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock)
    assert ctl.force_level(Level.AUDIO_ONLY).level is Level.AUDIO_ONLY
    _run(ctl, clock, LinkSample(rtt_ms=10, loss_fraction=0.0, sent_bps=60_000), 60)
    assert ctl.rung.level is Level.AUDIO_ONLY
    assert ctl.force_level(Level.CHAT_ONLY).level is Level.CHAT_ONLY
    assert ctl.force_level(None).level is Level.VIDEO


def test_remb_caps_only_under_stress_and_sets_resolution_when_it_persists() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock)
    _run(
        ctl, clock, LinkSample(rtt_ms=10, loss_fraction=0.0, sent_bps=850_000, remb_bps=400_000), 8
    )
    assert ctl.rung.width == 640  # a low REMB while Chromium ramps up: no step
    _run(
        ctl, clock, LinkSample(rtt_ms=10, loss_fraction=0.0, sent_bps=850_000, remb_bps=400_000), 1
    )
    assert ctl.rung.video_bps <= 400_000 * 1.1 and ctl.rung.width < 640  # persistent: fewer pixels
    _run(
        ctl, clock, LinkSample(rtt_ms=10, loss_fraction=0.05, sent_bps=380_000, remb_bps=150_000), 8
    )
    assert ctl.estimate_bps <= 150_000 + 48_000
    assert ctl.rung.video_bps <= 150_000


def test_hd_source_may_use_the_top_rung() -> None:
    clock = FakeClock()
    ctl = BandwidthController(clock=clock, max_index_for_source=0)
    for _ in range(40):
        clock.now += 1
        ctl.update(LinkSample(rtt_ms=10, loss_fraction=0.0, sent_bps=_sent(ctl)))
    assert ctl.rung == DEFAULT_LADDER[0]
