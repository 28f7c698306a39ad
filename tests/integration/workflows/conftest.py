"""One real regional_sim process (demo seed) per test module of the workflows area."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.backend import FhirClient
from app.services.clinical_data import DirectWriter, FhirReader
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.regional_sim_process import RunningSim


@pytest.fixture
async def client(sim: RunningSim) -> AsyncIterator[FhirClient]:
    async with FhirClient(sim.fhir) as c:
        yield c


@pytest.fixture
def reader(client: FhirClient) -> FhirReader:
    async def provide() -> FhirClient:
        return client

    return FhirReader(provide)


@pytest.fixture
def writer(client: FhirClient) -> DirectWriter:
    async def provide() -> FhirClient:
        return client

    return DirectWriter(provide)
