"""Sync fixtures: one real regional_sim process for the package (tests use their own
identifiers), a real SQLCipher vault per test, and the real Secret Service (gnome-keyring under
dbus-run-session)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from offline_cache.vault import Vault
from tests.fixtures.secret_service import secret_service as secret_service
from tests.integration.regional_sim_process import RunningSim, regional_sim
from tests.unit.offline_cache.conftest import open_test_vault

__all__ = ["secret_service"]


@pytest.fixture(scope="package")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    db = Path(tmp_path_factory.mktemp("regional_sim")) / "sim.db"
    with regional_sim(db, extra_args=["--seed", "demo"]) as running:
        yield running


@pytest.fixture
async def vault(tmp_path: Path) -> AsyncIterator[Vault]:
    opened = await open_test_vault(tmp_path / "sync.vault", os.urandom(32))
    yield opened
    await opened.close()
