"""Pushing Observations to regional_sim: transaction Bundles vs one POST each.

Starts a fresh regional_sim (new database in a temp dir, loopback, free port), then pushes
``--count`` Observations twice through ``app.backend.FhirClient``: as transaction Bundles of
``--bundle-size`` entries (each a conditional create on its identifier, as the sync queue sends
them), and as one conditional-create POST each. Each pass uses its own patient and identifiers.
Prints both times, the rate, and the ratio single/transaction.

With ``--outbox N`` it also measures the offline outbox end to end: N measurements, each its own
unit (one transaction Bundle: conditional Patient + conditional Observation), enqueued into a real
SQLCipher vault and drained by ``app.services.sync.SyncWorker`` (4 in flight), against the peer:
the same N Bundles POSTed straight to the server with the same concurrency (what the server alone
needs to ingest them). Prints enqueue time, drain time, direct time and drain/direct (target 2x).

Usage: .venv/bin/python bench/sync_transactions_vs_single.py [--count 10000] [--bundle-size 100]
       [--outbox 10000] [--skip-bundles]

Measured, outbox pass (2-core machine shared with other jobs, load average 2-6, 2026-12-02),
each pass on a fresh regional_sim: ``--outbox 10000 --rounds 1``: enqueue 36.1 s (277 units/s),
drain 149.3 s (67 units/s) vs the same Bundles POSTed directly 79.3 s (126 units/s): 1.88x
(before migration 0005 the queue counts read every row: 2.97x). ``--outbox 2000``: 0.96x.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.backend import FhirClient, fhirjson  # noqa: E402
from app.domain.outbox import OutboxUnit  # noqa: E402
from app.services.sync import SyncWorker  # noqa: E402
from tests.integration.contract.servers import regional_sim_server  # noqa: E402
from tests.unit.offline_cache.conftest import open_test_vault  # noqa: E402
from tests.unit.offline_cache.units import measurement_unit  # noqa: E402

ID_SYSTEM = "urn:ietf:rfc:3986"


def observation(patient_id: str, index: int) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "identifier": [{"system": ID_SYSTEM, "value": f"urn:uuid:{uuid.uuid4()}"}],
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": f"2026-03-10T{(index // 3600) % 24:02d}:{(index // 60) % 60:02d}:{index % 60:02d}Z",
        "valueQuantity": {
            "value": Decimal(60 + index % 40),
            "unit": "/min",
            "system": "http://unitsofmeasure.org",
            "code": "/min",
        },
    }


def condition(resource: dict[str, Any]) -> str:
    return f"identifier={ID_SYSTEM}|{resource['identifier'][0]['value']}"


async def push_transactions(
    client: FhirClient, observations: list[dict[str, Any]], size: int
) -> None:
    for start in range(0, len(observations), size):
        chunk = observations[start : start + size]
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                    "resource": obs,
                    "request": {
                        "method": "POST",
                        "url": "Observation",
                        "ifNoneExist": condition(obs),
                    },
                }
                for obs in chunk
            ],
        }
        result = await client.transaction(bundle)
        assert len(result.entries) == len(chunk)


async def push_single(client: FhirClient, observations: list[dict[str, Any]]) -> None:
    for obs in observations:
        result = await client.create(obs, if_none_exist=condition(obs))
        assert result.created


def outbox_units(count: int, tag: str) -> list[OutboxUnit]:
    cfs = ["RSSMRA80A01H501U", "RSSMRA85T10A562S", "MRTMTT25D09F205Z", "BNCLRA85T50F205X"]
    return [
        measurement_unit(
            identifier=f"{tag}-{i}", patient_cf=cfs[i % 4], patient_key=f"{tag}{i % 4}"
        )
        for i in range(count)
    ]


async def push_direct(client: FhirClient, units: list[OutboxUnit], concurrency: int) -> None:
    """The peer: the same transaction Bundles straight to the server, same concurrency."""
    queue = list(reversed(units))

    async def lane() -> None:
        while queue:
            unit = queue.pop()
            await client.transaction(fhirjson.loads(unit.bundle_json))

    await asyncio.gather(*(lane() for _ in range(concurrency)))


async def run_outbox(count: int, tmp: Path, rounds: int = 2) -> None:
    """``rounds`` x (direct, drain), each on its own fresh regional_sim (the server's cost grows
    with its database, so sharing one would favour whoever goes first); medians compared."""
    enqueue_s: list[float] = []
    drain_s: list[float] = []
    direct_s: list[float] = []
    for r in range(rounds):
        direct_units = outbox_units(count, f"direct-{uuid.uuid4().hex[:8]}")
        queued_units = outbox_units(count, f"outbox-{uuid.uuid4().hex[:8]}")
        vault = await open_test_vault(tmp / f"bench-{r}.vault", os.urandom(32))
        try:
            started = time.perf_counter()
            for unit in queued_units:
                await vault.outbox.enqueue(unit)
            enqueue_s.append(time.perf_counter() - started)
            with regional_sim_server(tmp / f"direct-{r}.db") as sim:
                async with FhirClient(sim.fhir_base) as client:
                    started = time.perf_counter()
                    await push_direct(client, direct_units, 4)
                    direct_s.append(time.perf_counter() - started)
            with regional_sim_server(tmp / f"drain-{r}.db") as sim:
                async with FhirClient(sim.fhir_base) as client:
                    worker = SyncWorker(outbox=vault.outbox, client=client, concurrency=4)
                    started = time.perf_counter()
                    report = await worker.drain()
                    drain_s.append(time.perf_counter() - started)
                    assert (report.sent, report.remaining, report.dead) == (count, 0, 0), report
        finally:
            await vault.close()
    enq, dra, dir_ = (statistics.median(x) for x in (enqueue_s, drain_s, direct_s))
    print(f"outbox: {count} measurement units (1 transaction each), 4 in flight, SQLCipher vault,")
    print(f"median of {rounds} rounds, each pass on a fresh regional_sim")
    print(f"enqueue (durable, one commit each): {enq:8.2f} s  ({count / enq:8.0f} units/s)")
    print(f"drain through the outbox:           {dra:8.2f} s  ({count / dra:8.0f} units/s)")
    print(f"peer: same Bundles POSTed directly: {dir_:8.2f} s  ({count / dir_:8.0f} units/s)")
    print(f"ratio drain/direct: {dra / dir_:.2f}x  (target <= 2x)")


async def run(
    count: int, bundle_size: int, outbox: int = 0, skip_bundles: bool = False, rounds: int = 2
) -> None:
    if skip_bundles:
        with tempfile.TemporaryDirectory() as tmp:
            await run_outbox(outbox, Path(tmp), rounds)
        return
    with tempfile.TemporaryDirectory() as tmp, regional_sim_server(Path(tmp) / "bench.db") as sim:
        async with FhirClient(sim.fhir_base) as client:
            patients = [
                (await client.create({"resourceType": "Patient"})).resource_id for _ in range(2)
            ]
            assert all(patients)
            batch = [observation(str(patients[0]), i) for i in range(count)]
            single = [observation(str(patients[1]), i) for i in range(count)]

            started = time.perf_counter()
            await push_transactions(client, batch, bundle_size)
            tx_s = time.perf_counter() - started

            started = time.perf_counter()
            await push_single(client, single)
            single_s = time.perf_counter() - started

            for pid in patients:
                found = await client.search(
                    "Observation", {"subject": f"Patient/{pid}", "_summary": "count"}
                )
                assert found.total == count, (pid, found.total)

    print(f"regional_sim, {count} Observations (conditional create on identifier), loopback")
    print(f"transaction Bundles of {bundle_size}: {tx_s:8.2f} s  ({count / tx_s:8.0f} resources/s)")
    print(f"one POST each:            {single_s:8.2f} s  ({count / single_s:8.0f} resources/s)")
    print(f"ratio single/transaction: {single_s / tx_s:.1f}x")
    if outbox:
        await run(0, bundle_size, outbox, skip_bundles=True, rounds=rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--bundle-size", type=int, default=100)
    parser.add_argument("--outbox", type=int, default=0, help="also drain N outbox units")
    parser.add_argument("--skip-bundles", action="store_true", help="only the outbox pass")
    parser.add_argument("--rounds", type=int, default=2, help="outbox pass: rounds (median)")
    args = parser.parse_args()
    asyncio.run(run(args.count, args.bundle_size, args.outbox, args.skip_bundles, args.rounds))


if __name__ == "__main__":
    main()
