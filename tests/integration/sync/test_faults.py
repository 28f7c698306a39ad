"""Injected network and server faults between the sync worker and the real regional_sim.

Every kind of fault (before the server sees the request, and after it committed with the answer
lost) is injected a few hundred times here; ``bench/sync_fault_soak.py`` runs 1,000+.
"""

from __future__ import annotations

import pytest

from offline_cache.vault import Vault
from tests.integration.fhir_proxy import FAULTS
from tests.integration.regional_sim_process import RunningSim
from tests.integration.sync.fault_proxy import fault_soak

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_injected_faults_lose_and_duplicate_nothing(vault: Vault, sim: RunningSim) -> None:
    report = await fault_soak(fhir_url=sim.fhir, vault=vault, faults=150)
    assert sum(report.faults.values()) >= 150
    assert set(report.faults) == set(FAULTS)  # every kind was exercised
    assert (report.pending_after, report.dead_after) == (0, 0)
    assert len(report.copies) == report.units > 0
    assert report.copies == dict.fromkeys(report.copies, 1)
