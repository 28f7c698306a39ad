"""ICE servers from the regional backend (``GET /rtc/ice-servers``), never a public default.

aiortc falls back to a public Google STUN server when ``iceServers`` is None
(DESIGN §5); :func:`rtc_configuration` always passes an explicit list.
Thread affinity: coroutines on the core loop; the rest is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiortc import RTCConfiguration, RTCIceServer
from aiortc.rtcconfiguration import RTCIceTransportPolicy

from .errors import IceServersUnavailable

__all__ = ["IceServer", "fetch_ice_servers", "parse_ice_servers", "rtc_configuration"]


@dataclass(frozen=True, slots=True)
class IceServer:
    """One STUN/TURN entry; ``username``/``credential`` are TURN REST ephemeral credentials."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None

    @property
    def is_turn(self) -> bool:
        """True if any URL is a TURN server (``turn:``/``turns:``)."""
        return any(u.startswith(("turn:", "turns:")) for u in self.urls)


def parse_ice_servers(body: Any) -> tuple[IceServer, ...]:
    """Validate a ``/rtc/ice-servers`` body; raises :class:`IceServersUnavailable`."""
    if not isinstance(body, dict) or not isinstance(body.get("iceServers"), list):
        raise IceServersUnavailable("ice-servers reply has no iceServers list")
    servers: list[IceServer] = []
    for entry in body["iceServers"]:
        if not isinstance(entry, dict):
            raise IceServersUnavailable("ice server entry is not an object")
        urls = entry.get("urls")
        url_list = [urls] if isinstance(urls, str) else urls
        if (
            not isinstance(url_list, list)
            or not url_list
            or not all(
                isinstance(u, str) and u.startswith(("stun:", "turn:", "turns:")) for u in url_list
            )
        ):
            raise IceServersUnavailable("ice server urls must be stun:/turn:/turns: URIs")
        username, credential = entry.get("username"), entry.get("credential")
        if (username is not None and not isinstance(username, str)) or (
            credential is not None and not isinstance(credential, str)
        ):
            raise IceServersUnavailable("ice server credentials must be strings")
        servers.append(IceServer(urls=tuple(url_list), username=username, credential=credential))
    return tuple(servers)


async def fetch_ice_servers(
    base_url: str, *, user: str = "workstation", timeout_s: float = 5.0, ssl: Any = True
) -> tuple[IceServer, ...]:
    """``GET {base_url}/rtc/ice-servers``; bounded; raises :class:`IceServersUnavailable`."""
    url = f"{base_url.rstrip('/')}/rtc/ice-servers"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as session:
            async with session.get(url, params={"user": user}, ssl=ssl) as response:
                if response.status != 200:
                    raise IceServersUnavailable(f"ice-servers answered HTTP {response.status}")
                body = await response.json(content_type=None)
    except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
        raise IceServersUnavailable(f"ice-servers unreachable ({type(exc).__name__})") from exc
    return parse_ice_servers(body)


def rtc_configuration(
    servers: Sequence[IceServer], *, relay_only: bool = False
) -> RTCConfiguration:
    """An aiortc configuration with exactly ``servers`` (possibly none) and the ICE policy."""
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
            for s in servers
        ],
        iceTransportPolicy=RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL,
    )
