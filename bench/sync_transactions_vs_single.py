"""Pushing Observations to regional_sim: transaction Bundles vs one POST each.

Starts a fresh regional_sim (new database in a temp dir, loopback, free port), then pushes
``--count`` Observations twice through ``app.backend.FhirClient``: as transaction Bundles of
``--bundle-size`` entries (each a conditional create on its identifier, as the sync queue sends
them), and as one conditional-create POST each. Each pass uses its own patient and identifiers.
Prints both times, the rate, and the ratio single/transaction.

Usage: .venv/bin/python bench/sync_transactions_vs_single.py [--count 10000] [--bundle-size 100]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.backend import FhirClient  # noqa: E402
from tests.integration.contract.servers import regional_sim_server  # noqa: E402

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


async def run(count: int, bundle_size: int) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--bundle-size", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.count, args.bundle_size))


if __name__ == "__main__":
    main()
