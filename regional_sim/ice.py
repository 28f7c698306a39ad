"""TURN REST API ephemeral credentials (draft-uberti-behave-turn-rest-00, coturn ``use-auth-secret``).

The username is ``<expiry unix seconds>:<user>``; the credential is
``base64(HMAC-SHA1(shared secret, username))``. coturn recomputes the same
HMAC with its ``static-auth-secret`` and rejects expired usernames.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import Any

from aiohttp import web

from .config import SimConfig

__all__ = ["CONFIG_KEY", "add_ice_routes", "ice_servers", "turn_credential"]

CONFIG_KEY: web.AppKey[SimConfig] = web.AppKey("sim_config", SimConfig)
_USER_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def turn_credential(secret: str, username: str) -> str:
    """Return ``base64(HMAC-SHA1(secret, username))`` (pure, any thread)."""
    digest = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def ice_servers(config: SimConfig, *, user: str, now_s: float | None = None) -> dict[str, Any]:
    """Build the ``/rtc/ice-servers`` body: RTCIceServer list plus ``ttl`` in seconds.

    Without a TURN secret and URIs the list holds only the configured STUN
    URIs (possibly none): never a public default.
    """
    servers: list[dict[str, Any]] = []
    if config.stun_uris:
        servers.append({"urls": list(config.stun_uris)})
    if config.turn_secret and config.turn_uris:
        expiry = int(now_s if now_s is not None else time.time()) + config.turn_ttl_s
        username = f"{expiry}:{user}"
        servers.append(
            {
                "urls": list(config.turn_uris),
                "username": username,
                "credential": turn_credential(config.turn_secret, username),
            }
        )
    return {"iceServers": servers, "ttl": config.turn_ttl_s}


async def get_ice_servers(request: web.Request) -> web.Response:
    """``GET /rtc/ice-servers?user=<id>``: fresh TURN REST credentials."""
    user = request.query.get("user", "workstation")
    if not _USER_RE.match(user):
        raise web.HTTPBadRequest(reason="invalid user")
    body = ice_servers(request.app[CONFIG_KEY], user=user)
    return web.json_response(body, headers={"Cache-Control": "no-store"})


def add_ice_routes(app: web.Application) -> None:
    """Register ``GET /rtc/ice-servers``."""
    app.router.add_get("/rtc/ice-servers", get_ice_servers)
