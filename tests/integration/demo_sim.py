"""The ``sim`` fixture: one real regional_sim process, seeded with the demo data, per test module.

Use it with ``from tests.integration.demo_sim import sim as sim`` in a test module or conftest.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.regional_sim_process import RunningSim, regional_sim


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    """A regional_sim started with ``--seed demo`` on its own database, for one test module."""
    db = tmp_path_factory.mktemp("sim") / "sim.sqlite3"
    with regional_sim(db, extra_args=["--seed", "demo"]) as running:
        yield running
