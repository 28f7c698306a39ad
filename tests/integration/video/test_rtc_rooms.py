"""regional_sim rooms: tokens, relaying, hostile clients, replaced connections, join page."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from regional_sim.app import create_app
from regional_sim.config import SimConfig
from tests.integration.video.peers import Room, create_room
from video.errors import SignalingError
from video.signaling import Bye, ErrorMessage, Offer, PeerJoined, PeerLeft, WebSocketSignaling

pytestmark = [pytest.mark.integration]
SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[str]:
    server = TestServer(create_app(SimConfig(db_path=tmp_path / "sim.db")), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_tokens_decide_roles_and_messages_are_relayed(sim: str) -> None:
    room = await create_room(sim)
    clinician = await WebSocketSignaling.connect(room.ws_url, token=room.clinician_token)
    assert clinician.joined is not None and clinician.joined.peer_present is False
    patient = await WebSocketSignaling.connect(room.ws_url, token=room.patient_token)
    assert patient.joined is not None and patient.joined.role == "patient"
    assert patient.joined.peer_present is True
    assert await clinician.receive(timeout_s=2) == PeerJoined(role="patient")
    await clinician.send(Offer(sdp=SDP))
    assert await patient.receive(timeout_s=2) == Offer(sdp=SDP)
    await patient.send(Bye(reason="ciao"))
    assert await clinician.receive(timeout_s=2) == Bye(reason="ciao")
    await patient.close()
    assert await clinician.receive(timeout_s=2) == PeerLeft(role="patient")
    await clinician.close()


async def test_wrong_token_and_unknown_room_are_refused(sim: str) -> None:
    room = await create_room(sim)
    with pytest.raises(SignalingError, match="bad-token"):
        await WebSocketSignaling.connect(room.ws_url, token="not-a-token")
    with pytest.raises(SignalingError, match="cannot reach"):
        await WebSocketSignaling.connect(
            f"{sim.replace('http', 'ws')}/rtc/rooms/doesnotexist/ws", token=room.patient_token
        )
    other = await create_room(sim)
    with pytest.raises(SignalingError, match="bad-token"):
        await WebSocketSignaling.connect(room.ws_url, token=other.patient_token)


async def _raw(room: Room, token: str) -> tuple[aiohttp.ClientSession, Any]:
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(room.ws_url)
    await ws.send_str(json.dumps({"type": "join", "token": token}))
    joined = json.loads((await ws.receive(timeout=2)).data)
    assert joined["type"] == "joined"
    return session, ws


async def test_hostile_client_gets_errors_then_is_disconnected(sim: str) -> None:
    room = await create_room(sim)
    clinician = await WebSocketSignaling.connect(room.ws_url, token=room.clinician_token)
    session, ws = await _raw(room, room.patient_token)
    try:
        assert await clinician.receive(timeout_s=2) == PeerJoined(role="patient")
        await ws.send_str("{not json")
        reply = json.loads((await ws.receive(timeout=2)).data)
        assert reply == {"type": "error", "code": "bad-message", "message": "unknown message"}
        await ws.send_str(json.dumps({"type": "joined", "role": "clinician", "peer_present": True}))
        assert json.loads((await ws.receive(timeout=2)).data)["code"] == "bad-message"
        await ws.send_bytes(b"\x00\x01")
        assert json.loads((await ws.receive(timeout=2)).data)["code"] == "bad-message"
        for _ in range(20):
            await ws.send_str("[]")
        closed = None
        for _ in range(25):
            msg = await ws.receive(timeout=2)
            if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                closed = msg
                break
        assert closed is not None and ws.close_code == 4400
        # Nothing hostile reached the clinician: only the departure.
        assert await clinician.receive(timeout_s=2) == PeerLeft(role="patient")
    finally:
        await ws.close()
        await session.close()
        await clinician.close()


async def test_oversized_message_closes_only_that_socket(sim: str) -> None:
    room = await create_room(sim)
    session, ws = await _raw(room, room.patient_token)
    try:
        await ws.send_str(json.dumps({"type": "offer", "sdp": "v=0" + "a" * 70_000}))
        msg = await ws.receive(timeout=2)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    finally:
        await ws.close()
        await session.close()
    again = await WebSocketSignaling.connect(room.ws_url, token=room.patient_token)
    await again.close()


async def test_reloaded_page_replaces_the_old_connection(sim: str) -> None:
    room = await create_room(sim)
    clinician = await WebSocketSignaling.connect(room.ws_url, token=room.clinician_token)
    first = await WebSocketSignaling.connect(room.ws_url, token=room.patient_token)
    second = await WebSocketSignaling.connect(room.ws_url, token=room.patient_token)
    assert await clinician.receive(timeout_s=2) == PeerJoined(role="patient")
    assert await clinician.receive(timeout_s=2) == PeerJoined(role="patient")
    await clinician.send(Offer(sdp=SDP))
    assert await second.receive(timeout_s=2) == Offer(sdp=SDP)
    for ch in (first, second, clinician):
        await ch.close()


async def test_message_without_peer_is_answered_with_an_error(sim: str) -> None:
    room = await create_room(sim)
    clinician = await WebSocketSignaling.connect(room.ws_url, token=room.clinician_token)
    await clinician.send(Offer(sdp=SDP))
    reply = await clinician.receive(timeout_s=2)
    assert isinstance(reply, ErrorMessage) and reply.code == "no-peer"
    await clinician.close()


async def test_room_creation_validation_and_join_page(sim: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{sim}/rtc/rooms", json={"ttl_s": 5}) as r:
            assert r.status == 400
        async with session.post(f"{sim}/rtc/rooms", data=b"nope") as r:
            assert r.status == 400
        room = await create_room(sim)
        page_url = room.join_url.split("#", 1)[0]
        async with session.get(page_url) as r:
            assert r.status == 200 and r.headers["Referrer-Policy"] == "no-referrer"
            html = await r.text()
        assert "consenso" in html and 'id="join"' in html
        async with session.get(f"{sim}/rtc/join/unknownroom123") as r:
            assert r.status == 404
        async with session.get(f"{sim}/rtc/static/patient.js") as r:
            assert r.status == 200 and "RTCPeerConnection" in await r.text()
        async with session.get(f"{sim}/rtc/static/..%2Fapp.py") as r:
            assert r.status == 404
