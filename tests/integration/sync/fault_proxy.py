"""The sync fault soak: units drained through :class:`~tests.integration.fhir_proxy.FaultProxy`.

The proxy injects every kind of fault (before the server sees the request, and after it
committed with the answer lost); see :mod:`tests.integration.fhir_proxy`.

Shared by the CI test (a few hundred faults) and ``bench/sync_fault_soak.py`` (1,000 or more).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

from app.backend.client import FhirClient, Timeouts
from app.domain.outbox import BinaryAttachment
from app.services.sync import RetryPolicy, SyncWorker
from offline_cache.vault import Vault
from tests.integration.fhir_proxy import FaultProxy
from tests.integration.sync.counting import observation_copies
from tests.unit.offline_cache.units import measurement_unit


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
