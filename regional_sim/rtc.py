"""Televisit rooms: the signaling WebSocket per room and the patient join page.

Endpoints (mounted by :func:`add_rtc_routes`, see ``regional_sim.app``):

``POST /rtc/rooms``
    Create a room. Body (optional JSON): ``{"ttl_s": N}``. Reply 201
    ``{"room", "clinicianToken", "patientToken", "wsPath", "joinPath", "expiresAt"}``.
    ``joinPath`` is ``/rtc/join/<room>#t=<patientToken>``: the token travels in
    the fragment, so it never reaches server logs or Referer headers.
``GET /rtc/rooms/<room>/ws``
    The signaling WebSocket. The first message must be ``{"type": "join",
    "token": ...}`` within 10 s; the token decides the role (``clinician`` or
    ``patient``). The server answers ``joined`` and tells the other peer
    ``peer-joined``/``peer-left``; ``offer``, ``answer``, ``candidate``,
    ``end-of-candidates``, ``ice-restart`` and ``bye`` are relayed unchanged to
    the other peer. Messages are at most 64 KiB; a non-JSON, unknown or
    oversized message gets an ``error`` reply and too many of them close the
    socket (code 4400). A second connection with the same role replaces the
    first (a reloaded page). The message schema is documented in
    ``video/signaling.py``.
``GET /rtc/join/<room>``
    The patient page (plain HTML/JS, ``rtc_static/``): camera/mic preview,
    consent reminder, join, chat, shared documents, live vitals, quality.
    ``?relay=1`` forces relay-only ICE (TURN) in the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiohttp import WSMsgType, web

__all__ = ["ROOMS_KEY", "RoomRegistry", "add_rtc_routes"]

MAX_MESSAGE_BYTES = 64 * 1024
JOIN_TIMEOUT_S = 10.0
MAX_BAD_MESSAGES = 20
DEFAULT_ROOM_TTL_S = 4 * 3600
_RELAYED = frozenset({"offer", "answer", "candidate", "end-of-candidates", "ice-restart", "bye"})
_ROOM_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_STATIC = {"patient.js": "application/javascript", "patient.css": "text/css"}


@dataclass
class Room:
    """A room: one token per role, its expiry and the connected peers (event loop only)."""

    room_id: str
    tokens: dict[str, str]  # token -> role
    expires_at_s: float
    peers: dict[str, web.WebSocketResponse] = field(default_factory=dict)


class RoomRegistry:
    """In-memory rooms (event loop only). Expired rooms are dropped on access."""

    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {}

    def create(self, *, ttl_s: int, now_s: float | None = None) -> Room:
        now = time.time() if now_s is None else now_s
        self._purge(now)
        room = Room(
            room_id=secrets.token_urlsafe(12),
            tokens={secrets.token_urlsafe(24): "clinician", secrets.token_urlsafe(24): "patient"},
            expires_at_s=now + ttl_s,
        )
        self._rooms[room.room_id] = room
        return room

    def get(self, room_id: str, *, now_s: float | None = None) -> Room | None:
        self._purge(time.time() if now_s is None else now_s)
        return self._rooms.get(room_id)

    def _purge(self, now_s: float) -> None:
        for rid in [r.room_id for r in self._rooms.values() if r.expires_at_s < now_s]:
            del self._rooms[rid]


ROOMS_KEY: web.AppKey[RoomRegistry] = web.AppKey("rtc_rooms", RoomRegistry)


def _token_for(room: Room, role: str) -> str:
    return next(t for t, r in room.tokens.items() if r == role)


async def create_room(request: web.Request) -> web.Response:
    """``POST /rtc/rooms``: a new room with one token per role."""
    ttl_s = DEFAULT_ROOM_TTL_S
    if request.can_read_body:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(reason="body must be JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(reason="body must be a JSON object")
        raw_ttl = body.get("ttl_s", ttl_s)
        if isinstance(raw_ttl, bool) or not isinstance(raw_ttl, int) or not 60 <= raw_ttl <= 86400:
            raise web.HTTPBadRequest(reason="ttl_s must be an integer between 60 and 86400")
        ttl_s = raw_ttl
    room = request.app[ROOMS_KEY].create(ttl_s=ttl_s)
    patient = _token_for(room, "patient")
    return web.json_response(
        {
            "room": room.room_id,
            "clinicianToken": _token_for(room, "clinician"),
            "patientToken": patient,
            "wsPath": f"/rtc/rooms/{room.room_id}/ws",
            "joinPath": f"/rtc/join/{room.room_id}#t={patient}",
            "expiresAt": int(room.expires_at_s),
        },
        status=201,
        headers={"Cache-Control": "no-store"},
    )


async def _send(ws: web.WebSocketResponse, body: dict[str, Any]) -> None:
    if not ws.closed:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.send_str(json.dumps(body, separators=(",", ":")))


async def _await_join(ws: web.WebSocketResponse, room: Room) -> str | None:
    """The role of a valid join message, or ``None`` (an error was sent)."""
    try:
        msg = await asyncio.wait_for(ws.receive(), JOIN_TIMEOUT_S)
    except TimeoutError:
        await _send(ws, {"type": "error", "code": "join-timeout", "message": "no join in time"})
        return None
    if msg.type != WSMsgType.TEXT:
        return None
    try:
        body = json.loads(msg.data)
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("type") != "join":
        await _send(ws, {"type": "error", "code": "join-required", "message": "send join first"})
        return None
    token = body.get("token")
    role = room.tokens.get(token) if isinstance(token, str) else None
    if role is None:
        await _send(ws, {"type": "error", "code": "bad-token", "message": "invalid room token"})
        return None
    return role


async def room_socket(request: web.Request) -> web.StreamResponse:
    """``GET /rtc/rooms/<room>/ws``: join, then relay between the two peers."""
    room_id = request.match_info["room"]
    room = request.app[ROOMS_KEY].get(room_id) if _ROOM_RE.match(room_id) else None
    if room is None:
        raise web.HTTPNotFound(reason="no such room")
    ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE_BYTES, heartbeat=15.0)
    await ws.prepare(request)
    role = await _await_join(ws, room)
    if role is None:
        await ws.close(code=4401)
        return ws
    other_role = "patient" if role == "clinician" else "clinician"
    previous = room.peers.get(role)
    room.peers[role] = ws
    if previous is not None and not previous.closed:
        await previous.close(code=4409, message=b"replaced by a new connection")
    other = room.peers.get(other_role)
    await _send(ws, {"type": "joined", "role": role, "peer_present": other is not None})
    if other is not None:
        await _send(other, {"type": "peer-joined", "role": role})
    bad = 0
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                bad += 1
                await _send(ws, {"type": "error", "code": "bad-message", "message": "text only"})
            else:
                try:
                    body = json.loads(msg.data)
                except ValueError:
                    body = None
                kind = body.get("type") if isinstance(body, dict) else None
                if kind not in _RELAYED:
                    bad += 1
                    await _send(
                        ws, {"type": "error", "code": "bad-message", "message": "unknown message"}
                    )
                else:
                    target = room.peers.get(other_role)
                    if target is None:
                        await _send(
                            ws, {"type": "error", "code": "no-peer", "message": "peer not here"}
                        )
                    else:
                        await _send(target, body)
            if bad >= MAX_BAD_MESSAGES:
                await ws.close(code=4400, message=b"too many bad messages")
                break
    finally:
        if room.peers.get(role) is ws:
            del room.peers[role]
            target = room.peers.get(other_role)
            if target is not None:
                await _send(target, {"type": "peer-left", "role": role})
    return ws


def _static_text(name: str) -> str:
    return resources.files(__package__).joinpath("rtc_static", name).read_text(encoding="utf-8")


async def join_page(request: web.Request) -> web.Response:
    """``GET /rtc/join/<room>``: the patient page (the token is read from the fragment)."""
    room_id = request.match_info["room"]
    if not _ROOM_RE.match(room_id) or request.app[ROOMS_KEY].get(room_id) is None:
        raise web.HTTPNotFound(reason="no such room")
    return web.Response(
        text=_static_text("patient.html"),
        content_type="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


async def static_file(request: web.Request) -> web.Response:
    """``GET /rtc/static/<name>``: the page's script and style (a fixed list)."""
    name = request.match_info["name"]
    if name not in _STATIC:
        raise web.HTTPNotFound()
    return web.Response(text=_static_text(name), content_type=_STATIC[name])


def add_rtc_routes(app: web.Application) -> None:
    """Register the room, WebSocket and join-page routes (called by ``create_app``)."""
    app[ROOMS_KEY] = RoomRegistry()
    app.router.add_post("/rtc/rooms", create_room)
    app.router.add_get("/rtc/rooms/{room}/ws", room_socket)
    app.router.add_get("/rtc/join/{room}", join_page)
    app.router.add_get("/rtc/static/{name}", static_file)
