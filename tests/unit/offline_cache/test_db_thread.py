"""The DB thread: results on the caller's loop, transactions, closed store."""

from __future__ import annotations

import asyncio
import threading

import pytest

from offline_cache.db import Connection
from offline_cache.errors import StoreClosed
from offline_cache.vault import Vault


async def test_work_runs_on_the_db_thread_and_resolves_on_the_callers_loop(vault: Vault) -> None:
    caller = threading.get_ident()
    seen: list[int] = []

    def work(conn: Connection) -> int:
        seen.append(threading.get_ident())
        return int(conn.execute("SELECT 41 + 1").fetchone()[0])

    results = await asyncio.gather(*(vault.db.read(work) for _ in range(20)))
    assert results == [42] * 20
    assert len(set(seen)) == 1 and seen[0] != caller
    assert threading.get_ident() == caller


async def test_write_rolls_back_when_the_callable_fails(vault: Vault) -> None:
    def failing(conn: Connection) -> None:
        conn.execute("INSERT INTO pull_watermark VALUES ('x', 'w', 'now')")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await vault.db.write(failing)
    assert await vault.cache.watermark("x") is None
    # The connection is usable afterwards (no transaction left open).
    await vault.cache.store("x", [], watermark="w2")
    assert await vault.cache.watermark("x") == "w2"


async def test_closed_store_refuses_work(vault: Vault) -> None:
    await vault.close()
    with pytest.raises(StoreClosed):
        await vault.outbox.counts()
    await vault.close()  # idempotent
