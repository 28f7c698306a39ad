"""The audit trail's cost: appending audited acts and verifying the chain at login.

A real SQLCipher vault (raw key, as after login). (1) ``AuditTrail.record`` (canonical JSON, chain
append, AuditEvent built and queued in the outbox, durable on return) vs the peer: the vault's
bare ``outbox.enqueue`` of the same AuditEvent units (what any queued write costs). (2)
``AuditTrail.verify`` over N entries vs the peer: recomputing the same SHA-256 chain over the same
bytes in memory. Prints medians/totals and ratios.

Usage: .venv/bin/python bench/audit_trail.py [--entries 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.domain.audit import AuditAction  # noqa: E402
from app.services.audit import AuditTrail  # noqa: E402
from tests.unit.offline_cache.conftest import open_test_vault  # noqa: E402


async def run(entries: int, tmp: Path) -> None:
    vault = await open_test_vault(tmp / "bench.vault", os.urandom(32))
    trail = AuditTrail(
        chain=vault.audit,
        outbox=vault.outbox,
        publish=lambda e: None,
        chain_id="bench",
        actor="prac-ifec-colombo",
        station="bench",
    )
    record_s = []
    for i in range(entries):
        t = time.perf_counter()
        await trail.record(AuditAction.OPEN_RECORD, patient_id=f"pat-{i % 32:03d}")
        record_s.append(time.perf_counter() - t)
    # Peer: the same kind of unit (another id) through the outbox alone.
    units = [
        trail._unit(entry, record)  # same builder, so the same bytes per unit
        for entry, record in await _entries(trail, vault)
    ]
    peer_vault = await open_test_vault(tmp / "peer.vault", os.urandom(32))
    enqueue_s = []
    for unit in units:
        t = time.perf_counter()
        await peer_vault.outbox.enqueue(unit)
        enqueue_s.append(time.perf_counter() - t)
    rec, enq = statistics.median(record_s) * 1000, statistics.median(enqueue_s) * 1000
    print(f"record one audited act (chain + outbox): {rec:.2f} ms median")
    print(f"peer outbox.enqueue of the same unit: {enq:.2f} ms median")
    print(f"ratio record/enqueue: {rec / enq:.2f}x")

    t = time.perf_counter()
    assert await trail.verify()
    verify = time.perf_counter() - t
    rows = await vault.audit.entries(limit=entries + 1)
    t = time.perf_counter()
    prev = "0" * 64
    for r in rows:
        d = hashlib.sha256()
        d.update(prev.encode())
        d.update(b"\n%d\n" % r.seq)
        d.update(r.recorded_at_utc.isoformat().encode())
        d.update(b"\n")
        d.update(r.entry_json)
        prev = d.hexdigest()
    peer = time.perf_counter() - t
    print(f"verify {entries} entries at login: {verify * 1000:.1f} ms")
    print(f"peer in-memory SHA-256 chain over the same bytes: {peer * 1000:.1f} ms")
    print(f"ratio verify/in-memory: {verify / peer:.1f}x")
    await vault.close()
    await peer_vault.close()


async def _entries(trail: AuditTrail, vault: object) -> list[tuple[object, object]]:
    from app.domain.audit import AuditEntry

    rows = await vault.audit.entries(limit=100_000)  # type: ignore[attr-defined]
    return [(AuditEntry.from_json(r.entry_json), r) for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.entries, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
