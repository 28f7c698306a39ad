"""Loopback reverse proxies in front of a real FHIR server that damage what the client sees.

Both forward every request they let through to the real server (so a write really happens):

- :class:`CorruptingProxy` (contract and sync suites) damages chosen answers on demand:
  ``truncate`` cuts the JSON body in half (with a matching Content-Length, so HTTP itself is
  well-formed), ``html`` replaces it with an HTML error page under status 200.
- :class:`FaultProxy` (sync fault soak) injects network and server faults chosen per request by
  a seeded RNG:

  - before the server sees the request: ``503``, ``429`` (``Retry-After: 0``), ``reset_before``
    (connection dropped);
  - after the server committed (the answer is lost): ``500_after``, ``reset_after`` (connection
    dropped instead of the answer), ``cut_after`` (headers and half the body, then reset),
    ``timeout_after`` (no answer until the client's read timeout).
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web

FAULTS = ("503", "429", "reset_before", "500_after", "reset_after", "cut_after", "timeout_after")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
_AIOHTTP_DEFAULT_MAX_SIZE = 1024**2


class _ForwardingProxy:
    """``async with`` a subclass, then use ``proxy.fhir_base``; subclasses answer in ``_handle``."""

    def __init__(
        self,
        upstream_fhir_base: str,
        *,
        upstream_timeout_s: float,
        client_max_size: int = _AIOHTTP_DEFAULT_MAX_SIZE,
        handler_cancellation: bool = False,
    ) -> None:
        self._upstream = upstream_fhir_base.rstrip("/")
        self._upstream_timeout_s = upstream_timeout_s
        self._client_max_size = client_max_size
        self._handler_cancellation = handler_cancellation
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.forwarded = 0
        self.fhir_base = ""

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._upstream_timeout_s)
        )
        app = web.Application(client_max_size=self._client_max_size)
        app.router.add_route("*", "/fhir{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=self._handler_cancellation)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.fhir_base = f"http://127.0.0.1:{self._runner.addresses[0][1]}/fhir"
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

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    async def _forward(
        self, request: web.Request, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Send the request to the real server; its status, end-to-end headers and body."""
        assert self._session is not None
        url = self._upstream + request.match_info["tail"]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        async with self._session.request(
            request.method, url, params=request.query, headers=headers, data=body or None
        ) as upstream:
            payload = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
            self.forwarded += 1
            return upstream.status, out, payload


class CorruptingProxy(_ForwardingProxy):
    """``async with CorruptingProxy(upstream_fhir_base) as proxy:`` then use ``proxy.fhir_base``."""

    def __init__(self, upstream_fhir_base: str) -> None:
        super().__init__(upstream_fhir_base, upstream_timeout_s=30)
        self._pending: list[str] = []

    def corrupt_next(self, mode: str) -> None:
        """Damage the next response (``truncate`` or ``html``)."""
        assert mode in ("truncate", "html")
        self._pending.append(mode)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        status, headers, payload = await self._forward(request, await request.read())
        mode = self._pending.pop(0) if self._pending else None
        if mode == "truncate":
            payload = payload[: len(payload) // 2]
        elif mode == "html":
            payload = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
            headers["Content-Type"] = "text/html; charset=utf-8"
            status = 200
        return web.Response(status=status, body=payload, headers=headers)


class FaultProxy(_ForwardingProxy):
    """``async with FaultProxy(upstream, rate=0.3, seed=1) as proxy:`` then ``proxy.fhir_base``."""

    def __init__(
        self, upstream_fhir_base: str, *, rate: float, seed: int, timeout_hold_s: float = 1.0
    ) -> None:
        super().__init__(
            upstream_fhir_base,
            upstream_timeout_s=60,
            client_max_size=64 * 1024 * 1024,
            handler_cancellation=True,
        )
        self._rng = random.Random(seed)
        self._rate = rate
        self._hold_s = timeout_hold_s
        self.injected: Counter[str] = Counter()
        self.enabled = True

    @property
    def total_injected(self) -> int:
        return sum(self.injected.values())

    def _abort(self, request: web.Request) -> web.Response:
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=502)  # never reaches the client

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        fault = (
            self._rng.choice(FAULTS) if self.enabled and self._rng.random() < self._rate else None
        )
        if fault is not None:
            self.injected[fault] += 1
        if fault == "503":
            return web.Response(status=503, text="maintenance")
        if fault == "429":
            return web.Response(status=429, headers={"Retry-After": "0"})
        if fault == "reset_before":
            return self._abort(request)
        status, headers, payload = await self._forward(request, body)
        if fault == "500_after":
            return web.Response(status=500, text="internal error")
        if fault == "reset_after":
            return self._abort(request)
        if fault == "cut_after":
            response = web.StreamResponse(status=status, headers=headers)
            response.content_length = len(payload)
            await response.prepare(request)
            await response.write(payload[: len(payload) // 2])
            return self._abort(request)
        if fault == "timeout_after":
            await asyncio.sleep(self._hold_s)
            return self._abort(request)
        return web.Response(status=status, body=payload, headers=headers)
