"""A loopback reverse proxy that corrupts chosen responses of a real FHIR server.

The request always reaches the real server (so a write really happens); only the answer the
client sees is damaged: ``truncate`` cuts the JSON body in half (with a matching Content-Length,
so HTTP itself is well-formed), ``html`` replaces it with an HTML error page under status 200.
"""

from __future__ import annotations

from types import TracebackType

import aiohttp
from aiohttp import web

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class CorruptingProxy:
    """``async with CorruptingProxy(upstream_fhir_base) as proxy:`` then use ``proxy.fhir_base``."""

    def __init__(self, upstream_fhir_base: str) -> None:
        self._upstream = upstream_fhir_base.rstrip("/")
        self._pending: list[str] = []
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.fhir_base = ""

    def corrupt_next(self, mode: str) -> None:
        """Damage the next response (``truncate`` or ``html``)."""
        assert mode in ("truncate", "html")
        self._pending.append(mode)

    async def __aenter__(self) -> CorruptingProxy:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        app = web.Application()
        app.router.add_route("*", "/fhir{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.fhir_base = f"http://127.0.0.1:{port}/fhir"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        url = self._upstream + request.match_info["tail"]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        body = await request.read()
        async with self._session.request(
            request.method, url, params=request.query, headers=headers, data=body or None
        ) as upstream:
            payload = await upstream.read()
            status = upstream.status
            out_headers = {
                k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP
            }
        mode = self._pending.pop(0) if self._pending else None
        if mode == "truncate":
            payload = payload[: len(payload) // 2]
        elif mode == "html":
            payload = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
            out_headers["Content-Type"] = "text/html; charset=utf-8"
            status = 200
        return web.Response(status=status, body=payload, headers=out_headers)
