"""Test helpers: a real SQLCipher outbox on a temporary file, and reading back its bundles."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from app.backend import fhirjson
from offline_cache.db import Database
from offline_cache.outbox import Outbox
from offline_cache.vault import open_connection


async def open_outbox(path: Path) -> tuple[Database, Outbox]:
    """A fresh encrypted store at ``path`` (random key) and its outbox; close the database."""
    key = os.urandom(32)
    db = await Database.open(
        lambda: open_connection(path, key, key_verified=True), name="devices-test", path=path
    )
    return db, Outbox(db)


async def stored_bundles(outbox: Outbox) -> list[dict[str, Any]]:
    """Every queued bundle in order, taken as the sync worker does (one per patient at a
    time, marked sent after reading)."""
    bundles = []
    while units := await outbox.ready(limit=50):
        for unit in units:
            bundles.append(fhirjson.loads(unit.bundle_json))
            await outbox.mark_bundle_done(unit.unit_id, response_json=b"{}")
    return bundles
