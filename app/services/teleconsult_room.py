"""Synchronous multi-party teleconsult: 3+ clinicians (optionally the patient) in a Janus
VideoRoom, tied to the asynchronous teleconsult it belongs to.

The room id is derived from the teleconsult's Task id, so every participant who opens the same
teleconsult meets in the same room. Each participant publishes its camera (or the synthetic test
source) and receives the others; the UI polls :meth:`TeleconsultRoom.feeds` (latest-frame slots
per participant, DESIGN §3).

Thread affinity: coroutines on the core loop; frame slots readable from the GUI thread.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence

import aiohttp

from app.services.calls import SYNTHETIC
from video.errors import VideoError
from video.ice import IceServer
from video.media import FrameSlot, SyntheticAudioTrack, SyntheticVideoTrack, open_camera
from video.sfu_janus import JanusParticipant, JanusSession, JanusVideoRoom


class TeleconsultRoomError(Exception):
    """The room could not be joined (Janus unreachable, refused, media never came up)."""


def room_for(task_id: str) -> int:
    """The VideoRoom id of a teleconsult (stable, 1..2^31-1)."""
    return int(hashlib.sha256(task_id.encode()).hexdigest()[:8], 16) % (2**31 - 1) + 1


class TeleconsultRoom:
    """This workstation's participation in one teleconsult's video room."""

    def __init__(
        self,
        *,
        janus_url: Callable[[], str],
        ice_servers: Sequence[IceServer] = (),
        timeout_s: float = 20.0,
    ) -> None:
        self._janus_url = janus_url
        self._ice_servers = tuple(ice_servers)
        self._timeout_s = timeout_s
        self._http: aiohttp.ClientSession | None = None
        self._session: JanusSession | None = None
        self.participant: JanusParticipant | None = None

    async def join(
        self, task_id: str, *, display: str, camera: str = SYNTHETIC, audio: bool = True
    ) -> None:
        """Create the room if needed, publish, and receive who is already there.

        Raises :class:`TeleconsultRoomError`.
        """
        if self.participant is not None:
            raise TeleconsultRoomError("already in a teleconsult room")
        try:
            video = (
                SyntheticVideoTrack() if camera == SYNTHETIC else await asyncio.to_thread(
                    open_camera, camera
                )
            )  # fmt: skip
            self._http = aiohttp.ClientSession()
            self._session = await JanusSession.create(self._janus_url(), http=self._http)
            room = JanusVideoRoom(self._session, room_for(task_id))
            await room.create_room()
            self.participant = JanusParticipant(
                room,
                display,
                video_track=video,
                audio_track=SyntheticAudioTrack() if audio else None,
                ice_servers=self._ice_servers,
            )
            await self.participant.join(timeout_s=self._timeout_s)
            await self.participant.subscribe_all(timeout_s=self._timeout_s)
        except (VideoError, TimeoutError) as exc:
            await self.leave()
            raise TeleconsultRoomError(f"cannot join the teleconsult room: {exc}") from exc

    async def refresh(self) -> list[str]:
        """Receive participants who joined since; returns their display names."""
        if self.participant is None:
            return []
        try:
            added = await self.participant.subscribe_all(timeout_s=self._timeout_s)
        except (VideoError, TimeoutError) as exc:
            raise TeleconsultRoomError(f"cannot receive a participant: {exc}") from exc
        return [p.display for p in added]

    def feeds(self) -> dict[str, FrameSlot]:
        """Latest decoded frame per remote participant (display name -> slot)."""
        if self.participant is None:
            return {}
        p = self.participant
        return {p.displays[feed]: slot for feed, slot in p.frames.items()}

    async def leave(self) -> None:
        """Leave the room and close the Janus session (idempotent)."""
        if self.participant is not None:
            await self.participant.leave()
            self.participant = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._http is not None:
            await self._http.close()
            self._http = None
