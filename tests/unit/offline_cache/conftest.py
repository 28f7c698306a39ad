"""Unit fixtures: a real SQLCipher vault file on the DB thread, keyed directly (no keyring)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from offline_cache.db import Database
from offline_cache.vault import Vault, VaultId, open_connection


async def open_test_vault(path: Path, key: bytes) -> Vault:
    db = await Database.open(
        lambda: open_connection(path, key, key_verified=True), name="test", path=path
    )
    return Vault(vault_id=VaultId("test", "user"), path=path, db=db)


@pytest.fixture
async def vault(tmp_path: Path) -> AsyncIterator[Vault]:
    opened = await open_test_vault(tmp_path / "unit.vault", os.urandom(32))
    yield opened
    await opened.close()
