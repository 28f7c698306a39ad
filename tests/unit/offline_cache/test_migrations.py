"""One test per schema migration, each upgrading a fixture vault written by the previous release."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlcipher3

from offline_cache import migrations
from offline_cache.errors import MigrationError, VaultTooNew
from offline_cache.vault import open_connection
from tests.fixtures.offline_cache.make_fixtures import FIXTURE_KEY, HERE, connect_with_fixture_key
from tests.unit.offline_cache.conftest import open_test_vault


def _fixture(version: int, tmp_path: Path) -> Path:
    target = tmp_path / f"v{version}.vault"
    shutil.copyfile(HERE / f"schema_v{version}.vault", target)
    return target


def _tables(conn: sqlcipher3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migration_files_are_numbered_without_gaps() -> None:
    versions = [m.version for m in migrations.available()]
    assert versions == list(range(1, migrations.LATEST + 1))
    assert migrations.LATEST == 5


def test_0001_creates_the_outbox_on_an_empty_vault(tmp_path: Path) -> None:
    conn = connect_with_fixture_key(tmp_path / "new.vault")
    assert migrations.migrate(conn, target=1) == [1]
    assert migrations.schema_version(conn) == 1
    assert {"outbox", "outbox_attachment", "outbox_chunk"} <= _tables(conn)
    conn.close()


async def test_0002_adds_the_audit_chain_and_keeps_v1_outbox_rows(tmp_path: Path) -> None:
    path = _fixture(1, tmp_path)
    conn = connect_with_fixture_key(path)
    assert migrations.schema_version(conn) == 1
    assert migrations.migrate(conn, target=2) == [2]
    assert "audit_chain" in _tables(conn)
    conn.close()
    vault = await open_test_vault(path, FIXTURE_KEY)  # and on to the latest
    try:
        assert await vault.schema_version() == migrations.LATEST
        dead = await vault.outbox.units(state="dead")
        assert [(d.label, d.last_status, d.attempts) for d in dead] == [("Televisita", 422, 8)]
        (pending,) = await vault.outbox.ready(limit=5)
        assert pending.attempts == 2 and pending.patient_key == "RSSMRA80A01H501U"
        await vault.outbox.retry(dead[0].unit_id)
        units = await vault.outbox.ready(limit=5, exclude={pending.unit_id})
        assert units == []  # same patient: the retried visit waits behind the measurement
        await vault.outbox.mark_bundle_done(pending.unit_id, response_json=b"{}")
        (visit,) = await vault.outbox.ready(limit=5)
        assert visit.bundle_done and visit.updates[0].merge_patch == {"status": "fulfilled"}
        chunks = [c async for c in vault.outbox.attachment_chunks(visit.unit_id, "report-1")]
        assert chunks == [b"abc"]
    finally:
        await vault.close()


async def test_0003_adds_the_pull_cache_and_keeps_the_v2_audit_chain(tmp_path: Path) -> None:
    path = _fixture(2, tmp_path)
    conn = connect_with_fixture_key(path)
    assert migrations.migrate(conn, target=3) == [3]
    assert {"cached_resource", "pull_watermark"} <= _tables(conn)
    conn.close()
    vault = await open_test_vault(path, FIXTURE_KEY)
    try:
        report = await vault.audit.verify()
        assert (report.ok, report.entries_checked) == (True, 1)
        appended = await vault.audit.append(b'{"action":"logout"}')
        assert appended.seq == 2
        assert await vault.cache.watermark("Appointment") is None
    finally:
        await vault.close()


async def test_0004_indexes_pending_units_and_keeps_v3_data(tmp_path: Path) -> None:
    path = _fixture(3, tmp_path)
    conn = connect_with_fixture_key(path)
    assert migrations.migrate(conn, target=4) == [4]
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "outbox_pending" in indexes
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT seq FROM outbox INDEXED BY outbox_pending"
            " WHERE state = 'pending' ORDER BY seq LIMIT 5"
        )
    )
    assert "outbox_pending" in plan and "TEMP B-TREE" not in plan
    conn.close()
    vault = await open_test_vault(path, FIXTURE_KEY)
    try:
        assert await vault.cache.watermark("Patient") == "2026-01-01T07:00:00+00:00"
        assert await vault.cache.get("Patient", "pat-1") is not None
        (pending,) = await vault.outbox.ready(limit=5)
        assert pending.unit_id == "00000000-0000-4000-8000-000000000001"
    finally:
        await vault.close()


async def test_0005_indexes_sent_units_and_keeps_v4_data(tmp_path: Path) -> None:
    path = _fixture(4, tmp_path)
    conn = open_connection(path, FIXTURE_KEY, key_verified=True)  # migrates 4 -> 5
    assert migrations.schema_version(conn) == 5
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT MAX(done_at_utc) FROM outbox INDEXED BY outbox_done_at"
            " WHERE state = 'done'"
        )
    )
    assert "outbox_done_at" in plan
    conn.close()
    vault = await open_test_vault(path, FIXTURE_KEY)
    try:
        counts = await vault.outbox.counts()
        assert (counts.pending, counts.dead, counts.done) == (0, 1, 1)
        assert counts.last_success_utc is not None
        assert counts.last_success_utc.isoformat() == "2026-01-01T09:00:00+00:00"
    finally:
        await vault.close()


def test_a_failing_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _fixture(2, tmp_path)
    broken = [
        *migrations.available()[:2],
        migrations.Migration(3, "0003_broken.sql", "CREATE TABLE cached_resource (x);\nBOGUS;"),
    ]
    monkeypatch.setattr(migrations, "available", lambda: broken)
    conn = connect_with_fixture_key(path)
    with pytest.raises(MigrationError, match="0003_broken"):
        migrations.migrate(conn)
    assert migrations.schema_version(conn) == 2
    assert "cached_resource" not in _tables(conn)
    conn.close()


def test_a_vault_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = _fixture(2, tmp_path)
    conn = connect_with_fixture_key(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(VaultTooNew, match="update the workstation"):
        open_connection(path, FIXTURE_KEY, key_verified=True)
