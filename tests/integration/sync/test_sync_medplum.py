"""The same sync worker against an independent FHIR server (Medplum's engine): exactly once, with
lost answers resent, a streamed Binary and an If-Match update."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.backend.client import FhirClient
from app.domain.outbox import BinaryAttachment, ResourceUpdate
from app.services.sync import RetryPolicy, SyncWorker
from offline_cache.vault import Vault
from tests.integration.contract.servers import FhirServer, medplum_server
from tests.integration.fhir_proxy import CorruptingProxy
from tests.integration.sync.counting import observation_copies
from tests.unit.offline_cache.units import measurement_unit

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FAST = RetryPolicy(base_delay_s=0.0, max_delay_s=0.0, offline_max_delay_s=0.0)


@pytest.fixture(scope="module")
def medplum() -> Iterator[FhirServer]:
    with medplum_server() as server:
        yield server


async def test_exactly_once_against_medplum(
    vault: Vault, medplum: FhirServer, tmp_path: Path
) -> None:
    idents = [f"mp-{uuid.uuid4()}" for _ in range(6)]
    binary_id = f"mp{uuid.uuid4().hex[:20]}"
    content = os.urandom(200_000)
    (tmp_path / "r.pdf").write_bytes(content)
    async with FhirClient(medplum.fhir_base) as direct:
        created = await direct.update(
            {
                "resourceType": "Appointment",
                "id": f"mp-ap-{uuid.uuid4().hex[:10]}",
                "status": "booked",
                "participant": [{"status": "accepted", "actor": {"display": "Dr"}}],
            }
        )
        appointment_id = created.resource_id
        assert appointment_id is not None
    for i, ident in enumerate(idents):
        extra: dict[str, object] = {}
        if i == 0:
            extra = {
                "attachments": (
                    BinaryAttachment(binary_id, "application/pdf", source_path=tmp_path / "r.pdf"),
                ),
                "updates": (
                    ResourceUpdate(
                        "Appointment",
                        appointment_id,
                        {"status": "fulfilled"},
                        if_match=created.etag,
                    ),
                ),
            }
        await vault.outbox.enqueue(measurement_unit(identifier=ident, patient_key=ident, **extra))  # type: ignore[arg-type]
    async with CorruptingProxy(medplum.fhir_base) as proxy:
        for _ in range(3):
            proxy.corrupt_next("truncate")  # committed by Medplum, answer lost
        async with FhirClient(proxy.fhir_base, max_attempts=1) as client:
            worker = SyncWorker(
                outbox=vault.outbox, client=client, policy=FAST, rng=random.Random(2)
            )
            first = await worker.drain()
            second = await worker.drain()
    assert first.sent + second.sent == len(idents)
    assert (second.remaining, second.dead) == (0, 0)
    async with FhirClient(medplum.fhir_base) as direct:
        assert await observation_copies(direct, idents) == dict.fromkeys(idents, 1)
        current = await direct.read("Appointment", appointment_id)
        assert current.resource is not None and current.resource["status"] == "fulfilled"
