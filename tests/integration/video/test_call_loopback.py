"""Two real aiortc call engines over loopback signaling (host candidates on this machine)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from video.bandwidth import Level
from video.call import (
    Call,
    CallState,
    CallTimeouts,
    ChatDidArrive,
    FileDidArrive,
    VitalsDidArrive,
)
from video.errors import CallFailed, NegotiationFailed
from video.signaling import Answer, LoopbackSignaling

pytestmark = [pytest.mark.integration]

FAST = CallTimeouts(peer_s=10, answer_s=1.5, connect_s=8, outage_s=2, max_restarts=4)


async def _until(predicate: Callable[[], bool], *, timeout_s: float) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("condition not met in time")


@pytest.fixture
async def pair() -> AsyncIterator[tuple[Call, Call, list[Any], list[Any]]]:
    a, b = LoopbackSignaling.pair()
    clinician_events: list[Any] = []
    patient_events: list[Any] = []
    clinician = Call(signaling=a, ice_servers=(), timeouts=FAST, on_event=clinician_events.append)
    patient = Call(
        signaling=b, ice_servers=(), role="answerer", timeouts=FAST, on_event=patient_events.append
    )
    patient.start(peer_present=True)
    clinician.start(peer_present=True)
    try:
        yield clinician, patient, clinician_events, patient_events
    finally:
        await clinician.hang_up()
        await patient.hang_up()


async def test_call_media_chat_vitals_documents_and_hang_up(pair: Any) -> None:
    clinician, patient, clinician_events, patient_events = pair
    assert await clinician.wait_for(CallState.CONNECTED, timeout_s=20) is CallState.CONNECTED
    await _until(
        lambda: patient.remote_video.count > 30 and clinician.remote_video.count > 30, timeout_s=10
    )
    _, frame = patient.remote_video.latest()
    assert frame is not None and frame.shape == (480, 640, 3)
    assert clinician.self_view.latest()[1] is not None
    await _until(lambda: patient.remote_audio.peak_level > 0.05, timeout_s=5)

    await clinician.send_chat("Come sta oggi?")
    await patient.send_chat("Meglio, grazie")
    await clinician.send_vitals(label="SpO2", value=96.0, unit="%")
    document = bytes(i % 253 for i in range(70_000))
    await clinician.send_file(name="piano.pdf", mime="application/pdf", data=document)
    await _until(lambda: any(isinstance(e, FileDidArrive) for e in patient_events), timeout_s=10)
    assert [e.text for e in patient_events if isinstance(e, ChatDidArrive)] == ["Come sta oggi?"]
    assert [e.text for e in clinician_events if isinstance(e, ChatDidArrive)] == ["Meglio, grazie"]
    assert [(e.label, e.value) for e in patient_events if isinstance(e, VitalsDidArrive)] == [
        ("SpO2", 96.0)
    ]
    received = next(e.file for e in patient_events if isinstance(e, FileDidArrive))
    assert received.data == document and received.name == "piano.pdf"

    await _until(lambda: clinician.quality is not None, timeout_s=5)
    assert clinician.quality is not None and clinician.quality.rtt_ms is not None
    await clinician.hang_up("visita conclusa")
    assert await patient.wait_for(CallState.ENDED, timeout_s=5) is CallState.ENDED
    summary = clinician.summary()
    assert summary.final_state is CallState.ENDED and summary.restarts == 0
    assert summary.connected_s > 0 and summary.relayed is False


async def test_mute_camera_off_and_forced_audio_only(pair: Any) -> None:
    clinician, patient, _, _ = pair
    await clinician.wait_for(CallState.CONNECTED, timeout_s=20)
    await _until(lambda: patient.remote_audio.peak_level > 0.05, timeout_s=10)
    clinician.set_muted(True)
    await asyncio.sleep(0.5)
    await _until(lambda: patient.remote_audio.level < 0.001, timeout_s=5)
    clinician.set_muted(False)
    await _until(lambda: patient.remote_audio.level > 0.01, timeout_s=5)

    clinician.set_camera_on(False)
    assert clinician.self_view.latest()[1] is None
    await asyncio.sleep(0.5)
    frozen = patient.remote_video.count
    await asyncio.sleep(1.0)
    assert patient.remote_video.count == frozen
    clinician.set_camera_on(True)
    await _until(lambda: patient.remote_video.count > frozen + 10, timeout_s=10)

    clinician.force_level(Level.AUDIO_ONLY)
    await asyncio.sleep(0.5)
    frozen = patient.remote_video.count
    samples = patient.remote_audio.samples
    await asyncio.sleep(1.0)
    assert patient.remote_video.count == frozen
    assert patient.remote_audio.samples > samples  # same call, audio goes on
    assert clinician.state is CallState.CONNECTED
    clinician.force_level(None)
    await _until(lambda: patient.remote_video.count > frozen + 10, timeout_s=10)


async def test_media_outage_is_recovered_by_restart_without_user_action(pair: Any) -> None:
    clinician, patient, _, _ = pair
    await clinician.wait_for(CallState.CONNECTED, timeout_s=20)
    await _until(lambda: clinician.remote_video.count > 10, timeout_s=10)
    # The patient's network drops: its peer connection vanishes without a word.
    patient._close_pc()
    await clinician.wait_for(CallState.RECONNECTING, timeout_s=10)
    assert await clinician.wait_for(CallState.CONNECTED, timeout_s=20) is CallState.CONNECTED
    before = patient.remote_video.count
    await _until(lambda: patient.remote_video.count > before + 20, timeout_s=10)
    assert clinician.restarts >= 1
    await clinician.send_chat("ancora qui")


async def test_hostile_signaling_during_a_call_is_ignored(pair: Any) -> None:
    clinician, _, _, _ = pair
    await clinician.wait_for(CallState.CONNECTED, timeout_s=20)
    peer_end: LoopbackSignaling = clinician._signaling._peer  # type: ignore[attr-defined]
    for raw in [
        "{",
        '{"type":"offer","sdp":"evil"}',
        '{"type":"answer","sdp":"v=0 garbage"}',
        "[]",
    ]:
        await peer_end.send_raw(raw)
    await asyncio.sleep(1.0)
    assert clinician.state is CallState.CONNECTED


async def test_peer_that_never_answers_fails_clearly_and_bounded() -> None:
    a, b = LoopbackSignaling.pair()
    call = Call(signaling=a, ice_servers=(), timeouts=FAST)
    call.start(peer_present=True)
    assert await call.wait_for(CallState.FAILED, timeout_s=10) is CallState.FAILED
    assert isinstance(call.error, NegotiationFailed)
    assert "did not answer" in str(call.error)
    await call.hang_up()
    await b.close()


async def test_answer_without_usable_codecs_fails_clearly() -> None:
    a, b = LoopbackSignaling.pair()
    call = Call(signaling=a, ice_servers=(), timeouts=FAST)
    call.start(peer_present=True)
    offer = await b.receive(timeout_s=5)
    assert offer.__class__.__name__ == "Offer"
    bogus = (
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 120\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:120 NOPE/90000\r\n"
    )
    await b.send(Answer(sdp=bogus))
    assert await call.wait_for(CallState.FAILED, timeout_s=10) is CallState.FAILED
    assert isinstance(call.error, NegotiationFailed)
    await call.hang_up()
    await b.close()


async def test_chat_before_the_channel_opens_is_a_typed_error() -> None:
    a, b = LoopbackSignaling.pair()
    call = Call(signaling=a, ice_servers=(), timeouts=FAST)
    with pytest.raises(CallFailed, match="not open"):
        await call.send_chat("hello?")
    await a.close()
    await b.close()


async def test_a_call_outlives_every_negotiation_deadline() -> None:
    """Deadlines that were armed while connecting must not fire once connected."""
    a, b = LoopbackSignaling.pair()
    short = CallTimeouts(peer_s=10, answer_s=1.0, connect_s=1.5, outage_s=2)
    clinician = Call(signaling=a, ice_servers=(), timeouts=short)
    patient = Call(signaling=b, ice_servers=(), role="answerer", timeouts=short)
    patient.start(peer_present=True)
    clinician.start(peer_present=True)
    try:
        await clinician.wait_for(CallState.CONNECTED, timeout_s=20)
        await asyncio.sleep(3.0)  # twice the connect deadline
        assert clinician.state is CallState.CONNECTED and patient.state is CallState.CONNECTED
        assert clinician.error is None and patient.error is None
    finally:
        await clinician.hang_up()
        await patient.hang_up()


async def test_patient_side_restart_request_and_forced_chat_only(pair: Any) -> None:
    clinician, patient, _, patient_events = pair
    await clinician.wait_for(CallState.CONNECTED, timeout_s=20)
    # The answerer asks for a restart (what the browser does when its connection fails).
    await patient.restart()
    await _until(lambda: clinician.restarts == 1, timeout_s=5)
    assert await clinician.wait_for(CallState.CONNECTED, timeout_s=20) is CallState.CONNECTED
    await _until(lambda: patient.remote_audio.level > 0.01, timeout_s=10)
    # Chat only: no video, silence instead of sound, the chat still works.
    clinician.force_level(Level.CHAT_ONLY)
    await _until(lambda: patient.remote_audio.level < 0.001, timeout_s=5)
    frozen = patient.remote_video.count
    await asyncio.sleep(1.0)
    assert patient.remote_video.count == frozen
    await clinician.send_chat("solo chat")
    await _until(
        lambda: any(isinstance(e, ChatDidArrive) and e.text == "solo chat" for e in patient_events),
        timeout_s=5,
    )
    assert clinician.summary().worst_level is Level.CHAT_ONLY
