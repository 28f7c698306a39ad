"""The step run after each pull (saving trends for offline use) sees the freshly pulled copy, and
its failures are logged without stopping the pulls."""

from __future__ import annotations

import asyncio

import pytest

from app.backend.client import FhirClient
from app.backend.errors import ConnectionFailed
from app.services.sync import SyncService
from offline_cache.vault import Vault
from tests.integration.regional_sim_process import RunningSim

pytestmark = pytest.mark.integration


async def test_after_pull_runs_on_the_pulled_copy_and_survives_its_failures(
    sim: RunningSim, vault: Vault
) -> None:
    calls: list[int] = []
    third = asyncio.Event()

    async def after_pull() -> None:
        calls.append(sum((await vault.cache.counts()).values()))
        if len(calls) == 1:
            raise ConnectionFailed("link dropped during the step", request_sent=True)
        if len(calls) == 2:
            raise ValueError("a bug in the step")
        if len(calls) == 3:
            third.set()

    async with FhirClient(sim.fhir) as client:

        async def client_source() -> FhirClient:
            return client

        service = SyncService(
            publish=lambda _e: None,
            client_source=client_source,
            pull_interval_s=0.05,
            after_pull=after_pull,
        )
        try:
            await service.attach(vault, subject="nurse")
            await asyncio.wait_for(third.wait(), 20)
        finally:
            await service.close()
    assert calls[0] > 0  # the copy was already pulled when the step ran
    assert len(calls) >= 3  # neither a backend failure nor a bug in the step stopped the pulls
