"""The audit chain: sequence numbers, previous-hash links and tamper detection."""

from __future__ import annotations

from datetime import UTC, datetime

from offline_cache.audit_chain import GENESIS_HASH, entry_hash
from offline_cache.vault import Vault


async def _fill(vault: Vault, n: int) -> None:
    for i in range(n):
        await vault.audit.append(
            b'{"resourceType":"AuditEvent","n":%d}' % i,
            recorded_at_utc=datetime(2026, 1, 1, 8, i, tzinfo=UTC),
        )


async def test_append_links_each_entry_to_the_previous(vault: Vault) -> None:
    first = await vault.audit.append(b"{}")
    second = await vault.audit.append(b'{"a":1}')
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert second.hash == entry_hash(
        seq=2,
        recorded_at_utc=second.recorded_at_utc.isoformat(),
        entry_json=b'{"a":1}',
        prev_hash=first.hash,
    )
    assert await vault.audit.head() == second
    report = await vault.audit.verify()
    assert (report.ok, report.entries_checked) == (True, 2)


async def test_verify_reports_the_first_edited_entry(vault: Vault) -> None:
    await _fill(vault, 6)
    await vault.db.write(
        lambda c: c.execute("UPDATE audit_chain SET entry_json = x'7b7d' WHERE seq = 4")
    )
    report = await vault.audit.verify()
    assert (report.ok, report.first_break_seq, report.entries_checked) == (False, 4, 3)
    assert report.reason == "entry content does not match its hash"


async def test_verify_reports_a_deleted_entry(vault: Vault) -> None:
    await _fill(vault, 5)
    await vault.db.write(lambda c: c.execute("DELETE FROM audit_chain WHERE seq = 2"))
    report = await vault.audit.verify()
    assert (report.ok, report.first_break_seq) == (False, 2)
    assert report.reason == "entry 2 is missing"


async def test_verify_reports_a_rewritten_tail(vault: Vault) -> None:
    # Recomputing an entry's own hash after editing it still breaks the next link.
    await _fill(vault, 4)

    def forge(conn):  # type: ignore[no-untyped-def]
        seq, at, prev = conn.execute(
            "SELECT seq, recorded_at_utc, prev_hash FROM audit_chain WHERE seq = 2"
        ).fetchone()
        forged = entry_hash(seq=seq, recorded_at_utc=at, entry_json=b"{}", prev_hash=prev)
        conn.execute(
            "UPDATE audit_chain SET entry_json = x'7b7d', hash = ? WHERE seq = 2", (forged,)
        )

    await vault.db.write(forge)
    report = await vault.audit.verify()
    assert (report.ok, report.first_break_seq) == (False, 3)
    assert report.reason == "previous-hash link does not match"
