"""A dropped signaling socket comes back by itself; the call goes on and can renegotiate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from regional_sim.app import create_app
from regional_sim.config import SimConfig
from regional_sim.rtc import ROOMS_KEY
from tests.integration.video.peers import create_room
from video.call import Call, CallState, CallTimeouts, ChatDidArrive
from video.signaling import WebSocketSignaling

pytestmark = [pytest.mark.integration]
TIMEOUTS = CallTimeouts(peer_s=20, answer_s=5, connect_s=10, outage_s=3)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[TestServer]:
    srv = TestServer(create_app(SimConfig(db_path=tmp_path / "sim.db")), host="127.0.0.1")
    await srv.start_server()
    try:
        yield srv
    finally:
        await srv.close()


async def test_both_sides_rejoin_after_the_server_drops_their_sockets(server: TestServer) -> None:
    base = str(server.make_url("")).rstrip("/")
    room = await create_room(base)

    def factory(token: str) -> Callable[[], Awaitable[WebSocketSignaling]]:
        async def connect() -> WebSocketSignaling:
            return await WebSocketSignaling.connect(room.ws_url, token=token, timeout_s=5)

        return connect

    events: list[object] = []
    clinician_ch = await factory(room.clinician_token)()
    patient_ch = await factory(room.patient_token)()
    clinician = Call(
        signaling=clinician_ch,
        ice_servers=(),
        timeouts=TIMEOUTS,
        reconnect=factory(room.clinician_token),
    )
    patient = Call(
        signaling=patient_ch,
        ice_servers=(),
        role="answerer",
        timeouts=TIMEOUTS,
        reconnect=factory(room.patient_token),
        on_event=events.append,
    )
    patient.start(peer_present=True)
    # The patient joined second: the clinician's channel already holds its peer-joined.
    clinician.start(peer_present=False)
    try:
        assert await clinician.wait_for(CallState.CONNECTED, timeout_s=20) is CallState.CONNECTED
        live = server.app[ROOMS_KEY].get(room.room)
        assert live is not None
        for ws in list(live.peers.values()):
            await ws.close(code=1011, message=b"server going away")
        # Both rejoin (the patient's return makes the clinician re-offer); media resumes.
        for _ in range(100):
            if (
                clinician.signaling_reconnects
                and patient.signaling_reconnects
                and clinician.restarts
            ):
                break
            await asyncio.sleep(0.1)
        assert clinician.signaling_reconnects >= 1 and patient.signaling_reconnects >= 1
        assert await clinician.wait_for(CallState.CONNECTED, timeout_s=20) is CallState.CONNECTED
        await clinician.restart()  # signaling works again: an explicit renegotiation succeeds
        assert await clinician.wait_for(CallState.CONNECTED, timeout_s=20) is CallState.CONNECTED
        await clinician.send_chat("di nuovo qui")
        for _ in range(50):
            if any(isinstance(e, ChatDidArrive) for e in events):
                break
            await asyncio.sleep(0.1)
        assert [e.text for e in events if isinstance(e, ChatDidArrive)] == ["di nuovo qui"]
    finally:
        await clinician.hang_up()
        await patient.hang_up()


@pytest.mark.chromium
@pytest.mark.slow
async def test_patient_page_rejoins_after_a_dropped_socket(server: TestServer) -> None:
    from tests.integration.video.peers import join_as_patient, patient_browser

    base = str(server.make_url("")).rstrip("/")
    room = await create_room(base)

    async def reconnect() -> WebSocketSignaling:
        return await WebSocketSignaling.connect(
            room.ws_url, token=room.clinician_token, timeout_s=5
        )

    channel = await reconnect()
    call = Call(signaling=channel, ice_servers=(), timeouts=TIMEOUTS, reconnect=reconnect)
    call.start(peer_present=False)
    try:
        async with patient_browser() as page:
            await join_as_patient(page, room.join_url)
            assert await call.wait_for(CallState.CONNECTED, timeout_s=30) is CallState.CONNECTED
            await page.wait_for_function("window.telemed.state === 'connected'")
            live = server.app[ROOMS_KEY].get(room.room)
            assert live is not None
            for ws in list(live.peers.values()):
                await ws.close(code=1011, message=b"server going away")
            await page.wait_for_function("window.telemed.signalingReconnects >= 1", timeout=10_000)
            # Back in the room: the clinician re-offers and the page answers on a new connection.
            await page.wait_for_function("window.telemed.peerConnections >= 2", timeout=20_000)
            await page.wait_for_function(
                "window.telemed.state === 'connected' && window.telemed.stats.fps > 10",
                timeout=20_000,
            )
            assert call.signaling_reconnects >= 1 and call.state is CallState.CONNECTED
            await call.send_chat("ancora connessi")
            await page.wait_for_function("window.telemed.chat.length === 1")
    finally:
        await call.hang_up()
