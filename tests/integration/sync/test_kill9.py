"""kill -9 of the real ``telemed-workstation sync drain`` process mid-sync: nothing lost or doubled.

A few rounds here; ``bench/sync_kill_soak.py`` runs the full 200.
"""

from __future__ import annotations

import pytest

from offline_cache.keys import SecretStore
from tests.fixtures.secret_service import SecretServiceSession
from tests.integration.regional_sim_process import RunningSim
from tests.integration.sync.kill_rounds import kill_rounds

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_kill_minus_nine_mid_sync_loses_and_duplicates_nothing(
    sim: RunningSim, secret_service: SecretServiceSession
) -> None:
    report = await kill_rounds(
        fhir_url=sim.fhir,
        store=SecretStore(secret_service.backend),
        rounds=5,
        units_per_round=40,
        kill_delay_s=(0.0, 0.2),
    )
    # Kills land 0-0.2 s after the child's first sent unit: mostly in the middle of a drain.
    assert report.cut_mid_drain >= 2, report.progress
    assert report.integrity == ["ok"]
    assert (report.pending_after, report.done_after) == (0, len(report.identifiers))
    assert report.copies == dict.fromkeys(report.identifiers, 1)
