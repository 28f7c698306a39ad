"""A fault-injecting HTTP proxy in front of a real FHIR server, and the soak that uses it.

Faults (chosen per request by a seeded RNG):

- before the server sees the request: ``503``, ``429`` (``Retry-After: 0``), ``reset_before``
  (connection dropped);
- after the server committed (the answer is lost): ``500_after``, ``reset_after`` (connection
  dropped instead of the answer), ``cut_after`` (headers and half the body, then reset),
  ``timeout_after`` (no answer until the client's read timeout).

Shared by the CI test (a few hundred faults) and ``bench/sync_fault_soak.py`` (1,000 or more).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from types import TracebackType

import aiohttp
from aiohttp import web

from app.backend.client import FhirClient, Timeouts
from app.domain.outbox import BinaryAttachment
from app.services.sync import RetryPolicy, SyncWorker
from offline_cache.vault import Vault
from tests.integration.sync.counting import observation_copies
from tests.unit.offline_cache.units import measurement_unit

FAULTS = ("503", "429", "reset_before", "500_after", "reset_after", "cut_after", "timeout_after")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class FaultProxy:
    """``async with FaultProxy(upstream, rate=0.3, seed=1) as proxy:`` then ``proxy.fhir_base``."""

    def __init__(
        self, upstream_fhir_base: str, *, rate: float, seed: int, timeout_hold_s: float = 1.0
    ) -> None:
        self._upstream = upstream_fhir_base.rstrip("/")
        self._rng = random.Random(seed)
        self._rate = rate
        self._hold_s = timeout_hold_s
        self.injected: Counter[str] = Counter()
        self.forwarded = 0
        self.enabled = True
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.fhir_base = ""

    @property
    def total_injected(self) -> int:
        return sum(self.injected.values())

    async def __aenter__(self) -> FaultProxy:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/fhir{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True)
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

    async def _forward(
        self, request: web.Request, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
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


@dataclass
class SoakReport:
    faults: Counter[str] = field(default_factory=Counter)
    units: int = 0
    drains: int = 0
    copies: dict[str, int] = field(default_factory=dict)
    pending_after: int = -1
    dead_after: int = -1


async def fault_soak(
    *,
    fhir_url: str,
    vault: Vault,
    faults: int,
    seed: int = 11,
    rate: float = 0.35,
    batch: int = 20,
    max_drains: int = 100_000,
    min_units: int = 0,
) -> SoakReport:
    """Enqueue units in batches and drain them through the proxy until ``faults`` were injected
    (and at least ``min_units`` were enqueued); then drain the rest and count copies on the
    server (directly, not through the proxy)."""
    rng = random.Random(seed)
    report = SoakReport()
    identifiers: list[str] = []
    policy = RetryPolicy(base_delay_s=0.0, max_delay_s=0.0, offline_max_delay_s=0.0)
    async with FaultProxy(fhir_url, rate=rate, seed=seed, timeout_hold_s=0.6) as proxy:
        timeouts = Timeouts(connect_s=2.0, read_s=0.4, write_s=2.0, pool_s=2.0)
        async with FhirClient(proxy.fhir_base, timeouts=timeouts, backoff_s=0.0) as client:
            worker = SyncWorker(outbox=vault.outbox, client=client, policy=policy, concurrency=4)
            while True:
                if proxy.total_injected < faults or len(identifiers) < min_units:
                    for i in range(batch):
                        ident = f"fault-{uuid.uuid4()}"
                        attachments: tuple[BinaryAttachment, ...] = ()
                        if rng.random() < 0.1:
                            attachments = (
                                BinaryAttachment(
                                    f"f{uuid.uuid4().hex[:20]}", "text/plain", data=b"x" * 70_000
                                ),
                            )
                        await vault.outbox.enqueue(
                            measurement_unit(
                                identifier=ident,
                                patient_cf=f"RSSMRA80A01H50{i % 3}U",
                                attachments=attachments,
                            )
                        )
                        identifiers.append(ident)
                report.drains += 1
                result = await worker.drain()
                enough = proxy.total_injected >= faults and len(identifiers) >= min_units
                if enough and result.remaining == 0:
                    break
                if report.drains > max_drains:
                    raise RuntimeError("the outbox does not drain")
            worker.close()
        report.faults = Counter(proxy.injected)
    counts = await vault.outbox.counts()
    report.pending_after, report.dead_after, report.units = (
        counts.pending,
        counts.dead,
        len(identifiers),
    )
    async with FhirClient(fhir_url) as direct:
        report.copies = await observation_copies(direct, identifiers)
    return report
