"""Signaling wire format: round trips and hostile input (typed errors, never a crash)."""

from __future__ import annotations

import json

import pytest

from video.errors import MalformedSignal, SignalingClosed, SignalingTimeout
from video.signaling import (
    Answer,
    Bye,
    Candidate,
    EndOfCandidates,
    ErrorMessage,
    IceRestartRequest,
    Join,
    Joined,
    LoopbackSignaling,
    Offer,
    PeerJoined,
    PeerLeft,
    decode_message,
    encode_message,
)

SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.mark.parametrize(
    "message",
    [
        Join(token="abc"),
        Joined(role="clinician", peer_present=True),
        PeerJoined(role="patient"),
        PeerLeft(role="patient"),
        Offer(sdp=SDP, restart=True),
        Answer(sdp=SDP),
        Candidate(
            candidate="candidate:1 1 udp 1 127.0.0.1 9 typ host", sdp_mid="0", sdp_mline_index=0
        ),
        EndOfCandidates(),
        IceRestartRequest(),
        Bye(reason="done"),
        ErrorMessage(code="bad-token", message="invalid"),
    ],
)
def test_every_message_round_trips(message: object) -> None:
    assert decode_message(encode_message(message)) == message  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"type": "launch-missiles"}', "unknown message type"),
        ('{"no": "type"}', "unknown message type"),
        ('{"type": "offer"}', "'sdp' must be a string"),
        ('{"type": "offer", "sdp": "<script>"}', "v=0"),
        ('{"type": "offer", "sdp": "v=0", "restart": "yes"}', "boolean"),
        ('{"type": "joined", "role": "admin", "peer_present": false}', "unknown role"),
        ('{"type": "candidate", "candidate": "x"}', "must be an object"),
        ('{"type": "candidate", "candidate": {"candidate": "c"}}', "sdpMid or sdpMLineIndex"),
        (
            '{"type": "candidate", "candidate": {"candidate": "c", "sdpMLineIndex": true}}',
            "small integer",
        ),
        (
            '{"type": "candidate", "candidate": {"candidate": "c", "sdpMLineIndex": 9999}}',
            "small integer",
        ),
        ('{"type": "bye", "reason": 42}', "must be a string"),
        ('{"type": "join", "token": "' + "x" * 300 + '"}', "too long"),
        (json.dumps({"type": "offer", "sdp": "v=0" + "a" * 70_000}), "larger than 64 KiB"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_hostile_messages_are_typed_errors(raw: str | bytes, reason: str) -> None:
    with pytest.raises(MalformedSignal, match=reason):
        decode_message(raw)


async def test_loopback_delivers_in_order_and_closes_both_ends() -> None:
    a, b = LoopbackSignaling.pair()
    await a.send(Offer(sdp=SDP))
    await a.send_raw("garbage")
    await a.send(Bye())
    assert await b.receive(timeout_s=1) == Offer(sdp=SDP)
    with pytest.raises(MalformedSignal):
        await b.receive(timeout_s=1)
    assert await b.receive(timeout_s=1) == Bye()
    with pytest.raises(SignalingTimeout):
        await b.receive(timeout_s=0.05)
    await b.close()
    with pytest.raises(SignalingClosed):
        await a.receive(timeout_s=1)
    with pytest.raises(SignalingClosed):
        await a.send(Bye())
