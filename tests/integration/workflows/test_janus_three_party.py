"""Three clinicians in a Janus VideoRoom: each publishes (through the 1:1 signaling interface)
and decodes the other two feeds (each frame carries its publisher's id, painted in pixels)."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Iterator

import aiohttp
import av
import numpy as np
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from tests.integration.workflows.janus_process import janus_server
from video.errors import SignalingTimeout
from video.media import paint_timestamp, read_timestamp
from video.sfu_janus import JanusError, JanusSession, JanusVideoRoom
from video.signaling import Answer, Offer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TIME_BASE = fractions.Fraction(1, 90_000)


class IdTrack(MediaStreamTrack):
    """A 320x240 video at 15 fps whose top-left cells encode ``ident``."""

    kind = "video"

    def __init__(self, ident: int) -> None:
        super().__init__()
        self.ident = ident
        self._n = 0
        self._start = time.monotonic()

    async def recv(self) -> av.VideoFrame:
        self._n += 1
        delay = self._start + self._n / 15 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        image = np.full((240, 320, 3), 40 * (self.ident % 5), dtype=np.uint8)
        paint_timestamp(image, self.ident)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = int(self._n * 90_000 / 15)
        frame.time_base = TIME_BASE
        return frame


@pytest.fixture(scope="module")
def janus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with janus_server(tmp_path_factory.mktemp("janus")) as url:
        yield url


async def _decoded_ids(track: MediaStreamTrack, *, frames: int, timeout_s: float) -> list[int]:
    seen: list[int] = []
    async with asyncio.timeout(timeout_s):
        while len(seen) < frames:
            frame = await track.recv()
            value = read_timestamp(frame.to_ndarray(format="rgb24"))
            if value is not None:
                seen.append(value)
    return seen


async def test_three_parties_each_decode_the_other_two(janus_url: str) -> None:
    room = 4_000_000 + int(time.time()) % 100_000
    ids = {"Bianchi": 1001, "Romano": 2002, "Colombo": 3003}
    pcs: list[RTCPeerConnection] = []
    async with aiohttp.ClientSession() as http:
        sessions = {name: await JanusSession.create(janus_url, http=http) for name in ids}
        try:
            rooms = {name: JanusVideoRoom(s, room) for name, s in sessions.items()}
            await rooms["Bianchi"].create_room()
            feeds: dict[str, int] = {}
            channels = {}
            for name, ident in ids.items():
                channel, already = await rooms[name].join_as_publisher(name, audio=False)
                assert {p.display for p in already} == set(feeds)  # earlier publishers listed
                pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
                pcs.append(pc)
                pc.addTrack(IdTrack(ident))
                await pc.setLocalDescription(await pc.createOffer())
                await channel.send(Offer(sdp=pc.localDescription.sdp))
                answer = await channel.receive(timeout_s=15)
                assert isinstance(answer, Answer)
                await pc.setRemoteDescription(RTCSessionDescription(answer.sdp, "answer"))
                await channel.wait_webrtcup(timeout_s=20)  # before anyone subscribes
                feeds[name] = channel.feed_id
                channels[name] = channel
            listed = await rooms["Colombo"].publishers()
            assert {p.display: p.feed_id for p in listed} == feeds

            async def subscribe(viewer: str, publisher: str) -> tuple[str, str, list[int]]:
                pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
                pcs.append(pc)
                got: asyncio.Future[MediaStreamTrack] = asyncio.get_running_loop().create_future()

                @pc.on("track")
                def on_track(track: MediaStreamTrack) -> None:
                    if track.kind == "video" and not got.done():
                        got.set_result(track)

                async def answer(offer_sdp: str) -> str:
                    await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
                    await pc.setLocalDescription(await pc.createAnswer())
                    return str(pc.localDescription.sdp)

                sub = await rooms[viewer].subscribe(feeds[publisher], answer)
                await sub.wait_webrtcup(timeout_s=20)
                track = await asyncio.wait_for(got, 10)
                return viewer, publisher, await _decoded_ids(track, frames=5, timeout_s=30)

            results = await asyncio.gather(*(subscribe(v, p) for v in ids for p in ids if v != p))
            assert len(results) == 6
            for viewer, publisher, seen in results:
                assert seen == [ids[publisher]] * 5, (viewer, publisher, seen)

            # A publisher leaving is a Bye on its channel for the others' bookkeeping;
            # subscribing to a feed that is gone is a typed error.
            await channels["Colombo"].close()
            with pytest.raises((JanusError, SignalingTimeout)):
                await rooms["Bianchi"].subscribe(
                    feeds["Colombo"], lambda sdp: asyncio.sleep(0, sdp)
                )
            await rooms["Bianchi"].destroy_room()
        finally:
            for pc in pcs:
                await pc.close()
            for s in sessions.values():
                await s.close()


async def test_janus_errors_are_typed(janus_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with await JanusSession.create(janus_url, http=http) as session:
            room = JanusVideoRoom(session, 9_999_999)
            with pytest.raises(JanusError) as err:
                await room.join_as_publisher("nobody")
            assert err.value.code is not None  # Janus's "no such room"
            with pytest.raises(JanusError):
                await room.destroy_room()
    async with aiohttp.ClientSession() as http:
        from video.errors import SignalingClosed

        with pytest.raises(SignalingClosed):
            await JanusSession.create("http://127.0.0.1:9/janus", http=http, request_timeout_s=2)


async def test_teleconsult_room_service_three_clinicians(janus_url: str) -> None:
    from app.services.teleconsult_room import TeleconsultRoom, TeleconsultRoomError, room_for

    task_id = f"task-{time.time_ns()}"
    assert room_for(task_id) == room_for(task_id) and room_for(task_id) != room_for("other")
    people = ["Dott.ssa Bianchi", "Dott. Romano", "Marco Colombo"]
    rooms = [TeleconsultRoom(janus_url=lambda: janus_url) for _ in people]
    try:
        for room, name in zip(rooms, people, strict=True):
            await room.join(task_id, display=name, audio=name != "Marco Colombo")
        for room in rooms:
            await room.refresh()
        for room, name in zip(rooms, people, strict=True):
            feeds = room.feeds()
            assert set(feeds) == set(people) - {name}
            for _ in range(300):  # bounded: 30 s
                if all(slot.count >= 10 for slot in feeds.values()):
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"{name} did not receive both feeds")
            for slot in feeds.values():
                _, frame = slot.latest()
                assert frame is not None and frame.shape == (480, 640, 3)
        with pytest.raises(TeleconsultRoomError):
            await rooms[0].join(task_id, display="again")
    finally:
        for room in rooms:
            await room.leave()
    broken = TeleconsultRoom(janus_url=lambda: "http://127.0.0.1:9/janus", timeout_s=2)
    with pytest.raises(TeleconsultRoomError):
        await broken.join("t", display="x")
    assert broken.participant is None
