"""Opening the agenda: online through AgendaService vs the same four FHIR searches done raw,
and offline from the SQLCipher vault's saved copy.

Starts a fresh regional_sim (demo seed, loopback, free port). For each demo practitioner, loads
the agenda ``--rounds`` times (a) through ``AgendaService`` over a caching reader that saves each
answer in a real vault, (b) as the four raw ``FhirClient`` searches the service issues (the peer:
what the network and server alone cost), and (c) offline: the backend address points at a closed
port and the agenda comes from the vault. Prints the median per load and the ratios.

Usage: .venv/bin/python bench/agenda_load.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.backend import FhirClient  # noqa: E402
from app.domain.workflows import SERVICE_SYSTEM  # noqa: E402
from app.services.agenda import ITALY, OPEN_TASK_STATUSES  # noqa: E402
from app.services.clinical import DEMO_PRACTITIONERS, ClinicalServices  # noqa: E402
from app.services.clinical_vault import VaultSnapshotStore  # noqa: E402
from tests.integration.regional_sim_process import regional_sim  # noqa: E402
from tests.unit.offline_cache.conftest import open_test_vault  # noqa: E402


async def raw_searches(client: FhirClient, practitioner: str, day_start: str, day_end: str) -> int:
    a = await client.search(
        "Appointment",
        {"actor": practitioner, "date": [f"ge{day_start}", f"lt{day_end}"], "_sort": "date"},
        include=["Appointment:patient"],
    )
    t = await client.search(
        "Task",
        {"owner": practitioner, "status": ",".join(OPEN_TASK_STATUSES),
         "code": f"{SERVICE_SYSTEM}|teleconsulto"},
        include=["Task:patient", "Task:focus"],
    )  # fmt: skip
    f = await client.search("Flag", {"status": "active"}, include=["Flag:patient"])
    c = await client.search("CarePlan", {"status": "active"})
    return len(a.matches) + len(t.matches) + len(f.matches) + len(c.matches)


async def run(fhir: str, rounds: int, tmp: Path) -> None:
    from datetime import datetime, timedelta
    from datetime import time as dtime

    vault = await open_test_vault(tmp / "bench.vault", os.urandom(32))
    service_ms: list[float] = []
    raw_ms: list[float] = []
    offline_ms: list[float] = []
    try:
        async with (
            FhirClient(fhir) as client,
            FhirClient("http://127.0.0.1:9/fhir", max_attempts=1) as dead,
        ):
            current = {"c": client}

            async def provide() -> FhirClient:
                return current["c"]

            services = ClinicalServices(
                client=provide, snapshots=VaultSnapshotStore(vault.cache), writer=None
            )
            day = services.agenda.today()
            start = datetime.combine(day, dtime.min, ITALY)
            end = start + timedelta(days=1)
            for ref, _role in DEMO_PRACTITIONERS:  # warm up both paths
                await services.agenda.load(ref)
                await raw_searches(client, ref, start.isoformat(), end.isoformat())
            for _ in range(rounds):
                for ref, _role in DEMO_PRACTITIONERS:
                    t0 = time.perf_counter()
                    await services.agenda.load(ref)
                    service_ms.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    await raw_searches(client, ref, start.isoformat(), end.isoformat())
                    raw_ms.append((time.perf_counter() - t0) * 1000)
            current["c"] = dead
            for _ in range(rounds):
                for ref, _role in DEMO_PRACTITIONERS:
                    t0 = time.perf_counter()
                    agenda = await services.agenda.load(ref, day)
                    offline_ms.append((time.perf_counter() - t0) * 1000)
                    assert agenda.from_cache
    finally:
        await vault.close()
    s, r, o = (statistics.median(x) for x in (service_ms, raw_ms, offline_ms))
    print(f"agenda online via AgendaService + vault copy: median {s:.1f} ms per load")
    print(f"peer: the same 4 raw FhirClient searches:      median {r:.1f} ms per load")
    print(f"agenda offline from the vault copy:            median {o:.1f} ms per load")
    print(f"ratio service/raw: {s / r:.2f}x   offline/online: {o / s:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        with regional_sim(Path(d) / "sim.db", extra_args=["--seed", "demo"]) as sim:
            asyncio.run(run(sim.fhir, args.rounds, Path(d)))


if __name__ == "__main__":
    main()
