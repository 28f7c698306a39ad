"""The sync worker against the real regional_sim process: exactly once, order, dead letters, 412."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import uuid
from pathlib import Path

import httpx
import pytest

from app.backend import fhirjson
from app.backend.client import FhirClient
from app.domain.outbox import BinaryAttachment, ResourceUpdate
from app.events import Event, SyncQueueDidChange
from app.services.sync import (
    RetryPolicy,
    SyncService,
    SyncWorker,
    cached_resources,
    pull_updates_into_cache,
)
from offline_cache.vault import Vault
from tests.integration.fhir_proxy import CorruptingProxy
from tests.integration.regional_sim_process import RunningSim
from tests.integration.sync.counting import observation_copies
from tests.unit.offline_cache.units import measurement_bundle, measurement_unit

pytestmark = pytest.mark.integration

FAST = RetryPolicy(base_delay_s=0.0, max_delay_s=0.0, offline_max_delay_s=0.0)
CFS = ["RSSMRA80A01H501U", "RSSMRA85T10A562S", "MRTMTT25D09F205Z"]


def _worker(vault: Vault, client: FhirClient, events: list[Event] | None = None) -> SyncWorker:
    return SyncWorker(
        outbox=vault.outbox,
        client=client,
        publish=events.append if events is not None else None,
        policy=FAST,
        rng=random.Random(4),
    )


async def test_units_reach_the_server_once_in_patient_order(vault: Vault, sim: RunningSim) -> None:
    idents = [f"seq-{uuid.uuid4()}" for _ in range(12)]
    for i, ident in enumerate(idents):
        await vault.outbox.enqueue(measurement_unit(identifier=ident, patient_cf=CFS[i % 3]))
    events: list[Event] = []
    async with FhirClient(sim.fhir, backoff_s=0.01) as client:
        report = await _worker(vault, client, events).drain()
        assert (report.sent, report.remaining, report.dead) == (12, 0, 0)
        assert await observation_copies(client, idents) == dict.fromkeys(idents, 1)
        # Per patient, the server saw the observations in enqueue order.
        for p in range(3):
            found = [
                (
                    await client.search(
                        "Observation", {"identifier": f"urn:telemed:test:observation|{i}"}
                    )
                ).matches[0]
                for i in idents[p::3]
            ]
            stamps = [o["meta"]["lastUpdated"] for o in found]
            assert stamps == sorted(stamps)
        again = await _worker(vault, client).drain()
        assert again.sent == 0
    queue_events = [e for e in events if isinstance(e, SyncQueueDidChange)]
    assert queue_events[0].pending == 12 and queue_events[0].draining
    assert queue_events[-1].pending == 0 and not queue_events[-1].draining
    assert queue_events[-1].last_success_utc is not None
    counts = await vault.outbox.counts()
    assert (counts.pending, counts.done) == (0, 12)


async def test_lost_answers_are_resent_without_duplicates(vault: Vault, sim: RunningSim) -> None:
    idents = [f"lost-{uuid.uuid4()}" for _ in range(3)]
    for ident in idents:
        await vault.outbox.enqueue(measurement_unit(identifier=ident, patient_key=ident))
    async with CorruptingProxy(sim.fhir) as proxy:
        for mode in ("truncate", "html", "truncate"):
            proxy.corrupt_next(mode)  # the server commits, the client gets garbage
        async with FhirClient(proxy.fhir_base, max_attempts=1) as client:
            worker = SyncWorker(outbox=vault.outbox, client=client, policy=FAST, concurrency=1)
            first = await worker.drain()
            assert first.retried == 3 and first.sent == 0
            second = await worker.drain()
            assert second.sent == 3
    async with FhirClient(sim.fhir) as direct:
        assert await observation_copies(direct, idents) == dict.fromkeys(idents, 1)


async def test_refused_unit_becomes_a_dead_letter_with_the_servers_reason(
    vault: Vault, sim: RunningSim
) -> None:
    bad = measurement_bundle(identifier=f"bad-{uuid.uuid4()}", patient_cf=CFS[0]).replace(
        b'"status": "final"', b'"status": "final", "bogusElement": true'
    )
    good_ident = f"good-{uuid.uuid4()}"
    bad_unit = measurement_unit(bundle_json=bad)
    await vault.outbox.enqueue(bad_unit)
    await vault.outbox.enqueue(measurement_unit(identifier=good_ident))
    async with FhirClient(sim.fhir) as client:
        report = await _worker(vault, client).drain()
        assert (report.sent, report.dead_lettered, report.dead) == (1, 1, 1)
        assert await observation_copies(client, [good_ident]) == {good_ident: 1}
    (dead,) = await vault.outbox.units(state="dead")
    assert dead.unit_id == str(bad_unit.unit_id)
    assert dead.last_status == 400
    assert dead.last_error is not None and "bogusElement" in dead.last_error


async def test_attachment_streamed_and_update_reapplied_after_412(
    vault: Vault, sim: RunningSim, tmp_path: Path
) -> None:
    content = os.urandom(300_000)
    (tmp_path / "report.pdf").write_bytes(content)
    binary_id = f"rep-{uuid.uuid4().hex[:16]}"
    async with FhirClient(sim.fhir) as client:
        created = await client.update(
            {
                "resourceType": "Appointment",
                "id": f"ap-{uuid.uuid4().hex[:12]}",
                "status": "booked",
                "participant": [{"status": "accepted", "actor": {"display": "Dr"}}],
                "comment": "first",
            }
        )
        appointment_id = created.resource_id
        assert appointment_id is not None and created.etag is not None
        stale_etag = created.etag
        # Someone else changes the appointment after the user saw it: our If-Match is stale.
        await client.read_modify_write(
            "Appointment", appointment_id, lambda r: {**r, "comment": "changed elsewhere"}
        )
        unit = measurement_unit(
            attachments=(
                BinaryAttachment(binary_id, "application/pdf", source_path=tmp_path / "report.pdf"),
            ),
            updates=(
                ResourceUpdate(
                    "Appointment", appointment_id, {"status": "fulfilled"}, if_match=stale_etag
                ),
            ),
        )
        await vault.outbox.enqueue(unit)
        report = await _worker(vault, client).drain()
        assert report.sent == 1
        current = await client.read("Appointment", appointment_id)
        assert current.resource is not None
        assert current.resource["status"] == "fulfilled"
        assert current.resource["comment"] == "changed elsewhere"  # their change is kept
    async with httpx.AsyncClient() as plain:
        raw = await plain.get(f"{sim.fhir}/Binary/{binary_id}", headers={"Accept": "*/*"})
    assert raw.status_code == 200 and raw.content == content
    stored = await vault.outbox.response_json(str(unit.unit_id))
    assert stored is not None and fhirjson.loads(stored)["type"] == "transaction-response"


async def test_pull_fills_the_cache_for_offline_use(vault: Vault, sim: RunningSim) -> None:
    async with FhirClient(sim.fhir) as client:
        first = await pull_updates_into_cache(client, vault.cache)
        assert first.stored["Appointment"] > 0 and first.stored["Patient"] > 0
        second = await pull_updates_into_cache(client, vault.cache)
        assert sum(second.stored.values()) == 0  # nothing new since the watermarks
    patients = await cached_resources(vault.cache, "Patient")
    assert len(patients) == first.stored["Patient"]
    ref = f"Patient/{patients[0]['id']}"
    assert await vault.cache.watermark("Patient") is not None
    for appointment in await cached_resources(vault.cache, "Appointment", patient_ref=ref):
        actors = [p.get("actor", {}).get("reference") for p in appointment["participant"]]
        assert ref in actors


async def test_service_pulls_for_offline_use_while_it_sends(vault: Vault, sim: RunningSim) -> None:
    ident = f"svc-{uuid.uuid4()}"
    await vault.outbox.enqueue(measurement_unit(identifier=ident))
    changed = asyncio.Event()
    vault.outbox.add_listener(changed.set)
    async with FhirClient(sim.fhir) as client:

        async def client_source() -> FhirClient:
            return client

        service = SyncService(publish=lambda e: None, client_source=client_source)
        await service.attach(vault, subject="gp")
        try:
            for _ in range(60):  # bounded: the first pull runs right after the start
                counts = await vault.cache.counts()
                if counts.get("Appointment") and (counts.get("Flag") or counts.get("Task")):
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), 0.5)
                changed.clear()
            assert await vault.cache.last_pulled_utc() is not None
            while (await vault.outbox.counts()).done < 1:
                await asyncio.wait_for(changed.wait(), 10)
                changed.clear()
            flags = await cached_resources(vault.cache, "Flag")
            tasks = await cached_resources(vault.cache, "Task")
            assert flags or tasks  # the agenda's offline sources are there too
        finally:
            vault.outbox.remove_listener(changed.set)
            await service.close()
        assert await observation_copies(client, [ident]) == {ident: 1}
