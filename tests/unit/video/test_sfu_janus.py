"""The Janus adapter against a misbehaving in-process HTTP server: every bad answer becomes a
typed error, bounded in time."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from video.errors import SignalingClosed, SignalingError, SignalingTimeout
from video.sfu_janus import JanusError, JanusPublisherSignaling, JanusSession, JanusVideoRoom
from video.signaling import Answer, Bye, Candidate, EndOfCandidates, Join, Offer

Handler = Callable[[dict[str, Any]], Any]


class FakeJanus:
    """Answers create/attach like Janus; ``on_message`` decides what plugin messages get."""

    def __init__(self) -> None:
        self.on_message: Handler = lambda body: {"janus": "ack"}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.received: list[dict[str, Any]] = []

    async def root(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.text())
        return web.json_response(
            {"janus": "success", "transaction": body["transaction"], "data": {"id": 11}}
        )

    async def session(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET":
            try:
                event = await asyncio.wait_for(self.events.get(), 1.0)
            except TimeoutError:
                return web.json_response([{"janus": "keepalive"}])
            return web.json_response([event])
        body = json.loads(await request.text())
        self.received.append(body)
        if body["janus"] == "attach":
            return web.json_response(
                {"janus": "success", "transaction": body["transaction"], "data": {"id": 22}}
            )
        return web.json_response({"janus": "success", "transaction": body["transaction"]})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.text())
        self.received.append(body)
        reply = self.on_message(body)
        if isinstance(reply, web.StreamResponse):
            return reply
        return web.json_response(reply)


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeJanus, str]]:
    janus = FakeJanus()
    app = web.Application()
    app.router.add_post("/janus", janus.root)
    app.router.add_route("*", "/janus/{session}", janus.session)
    app.router.add_post("/janus/{session}/{handle}", janus.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield janus, f"http://127.0.0.1:{port}/janus"
    await runner.cleanup()


async def test_plugin_errors_http_errors_and_garbage_are_typed(fake) -> None:
    janus, url = fake
    async with aiohttp.ClientSession() as http:
        async with await JanusSession.create(url, http=http, request_timeout_s=2) as session:
            room = JanusVideoRoom(session, 1234)
            janus.on_message = lambda b: {
                "janus": "success",
                "transaction": b["transaction"],
                "plugindata": {
                    "data": {"videoroom": "event", "error_code": 426, "error": "No such room"}
                },
            }
            with pytest.raises(JanusError) as err:
                await room.publishers()
            assert err.value.code == 426
            janus.on_message = lambda b: web.Response(status=500, text="boom")
            with pytest.raises(JanusError, match="HTTP 500"):
                await room.publishers()
            janus.on_message = lambda b: web.Response(text="<html>not json</html>")
            with pytest.raises(JanusError, match="invalid JSON"):
                await room.publishers()
            janus.on_message = lambda b: {
                "janus": "error",
                "error": {"code": 458, "reason": "No such session"},
            }
            with pytest.raises(JanusError) as err2:
                await room.publishers()
            assert err2.value.code == 458


async def test_an_event_that_never_comes_is_a_timeout(fake) -> None:
    janus, url = fake
    async with aiohttp.ClientSession() as http:
        async with await JanusSession.create(url, http=http, request_timeout_s=2) as session:
            handle = await session.attach()
            janus.on_message = lambda b: {"janus": "ack", "transaction": b["transaction"]}
            with pytest.raises(SignalingTimeout):
                await handle.message({"request": "join"}, timeout_s=0.5)
            with pytest.raises(SignalingTimeout):
                await handle.wait_webrtcup(timeout_s=0.2)


async def test_publisher_channel_maps_the_signaling_messages(fake) -> None:
    janus, url = fake
    async with aiohttp.ClientSession() as http:
        async with await JanusSession.create(url, http=http, request_timeout_s=2) as session:
            handle = await session.attach()

            def answer(body: dict[str, Any]) -> dict[str, Any]:
                if body.get("janus") == "message" and body["body"].get("request") == "publish":
                    assert body["jsep"]["type"] == "offer"
                    janus.events.put_nowait(
                        {
                            "janus": "event",
                            "sender": 22,
                            "transaction": body["transaction"],
                            "plugindata": {"data": {"videoroom": "event", "configured": "ok"}},
                            "jsep": {"type": "answer", "sdp": "v=0 answer"},
                        }
                    )
                return {"janus": "ack", "transaction": body["transaction"]}

            janus.on_message = answer
            channel = JanusPublisherSignaling(handle, feed_id=5, audio=False, video=True)
            await channel.send(Offer(sdp="v=0 offer"))
            reply = await channel.receive(timeout_s=5)
            assert reply == Answer(sdp="v=0 answer")
            await channel.send(Candidate("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0))
            await channel.send(EndOfCandidates())
            trickles = [b for b in janus.received if b.get("janus") == "trickle"]
            assert trickles[0]["candidate"]["sdpMid"] == "0"
            assert trickles[1]["candidate"] == {"completed": True}
            with pytest.raises(SignalingError):
                await channel.send(Join(token="x"))  # no Janus equivalent
            # Janus hangs up: the channel reports a Bye.
            janus.events.put_nowait({"janus": "hangup", "sender": 22, "reason": "DTLS alert"})
            assert isinstance(await channel.receive(timeout_s=5), Bye)
            janus.on_message = lambda b: {
                "janus": "event",
                "transaction": b["transaction"],
                "plugindata": {"data": {"videoroom": "event", "leaving": "ok"}},
            }
            await channel.close()
            assert any(b.get("body", {}).get("request") == "leave" for b in janus.received)
            assert any(b.get("janus") == "detach" for b in janus.received)
            with pytest.raises(SignalingClosed):
                await channel.send(Offer(sdp="again"))
            with pytest.raises(SignalingClosed):
                await channel.receive(timeout_s=1)
