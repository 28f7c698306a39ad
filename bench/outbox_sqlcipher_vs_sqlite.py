"""Outbox enqueue cost: SQLCipher 4 vault vs the same store unencrypted (plain SQLite).

Both runs use the same code path (``offline_cache`` DB thread, migrations, ``Outbox.enqueue``,
WAL, ``synchronous=FULL``), on the same disk, with the same units (a measurement transaction
Bundle of ~1.3 KB each; every 20th unit also carries a 200 KB PDF attachment). The only difference
is ``PRAGMA key`` (raw 256-bit key). Prints both times and the ratio (target <= 1.5x).

Usage: .venv/bin/python bench/outbox_sqlcipher_vs_sqlite.py [--count 2000] [--repeat 3]

Measured (2-core CI-class machine, shared with other jobs, 2026-12-02), 2000 units x 3 runs:
SQLCipher 1.40 s (1427 units/s) vs plain 0.99 s (2020 units/s): 1.42x median, 1.26x best;
a quieter run of 500 units x 5: 1.26x. The cost is dominated by the per-commit fsync, which both
pay; SQLCipher adds page encryption + HMAC.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlcipher3  # noqa: E402

from app.domain.outbox import BinaryAttachment, OutboxUnit  # noqa: E402
from offline_cache import migrations  # noqa: E402
from offline_cache.db import Connection, Database  # noqa: E402
from offline_cache.outbox import Outbox  # noqa: E402
from offline_cache.vault import open_connection  # noqa: E402
from tests.unit.offline_cache.units import measurement_unit  # noqa: E402


def plain_connection(path: Path) -> Connection:
    """The vault's configuration without a key: an ordinary SQLite file."""
    conn: Connection = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.migrate(conn)
    return conn


def units(count: int) -> list[OutboxUnit]:
    pdf = os.urandom(200_000)
    result = []
    for i in range(count):
        attachments = (
            (BinaryAttachment(f"pdf-{i}", "application/pdf", data=pdf),) if i % 20 == 0 else ()
        )
        result.append(measurement_unit(identifier=f"bench-{i}", attachments=attachments))
    return result


async def enqueue_all(path: Path, *, encrypted: bool, batch: list[OutboxUnit]) -> float:
    key = os.urandom(32)
    db = await Database.open(
        (lambda: open_connection(path, key, key_verified=True))
        if encrypted
        else (lambda: plain_connection(path)),
        name="bench",
        path=path,
    )
    outbox = Outbox(db)
    started = time.perf_counter()
    for unit in batch:
        await outbox.enqueue(unit)
    elapsed = time.perf_counter() - started
    counts = await outbox.counts()
    assert counts.pending == len(batch)
    await db.close()
    header = (await asyncio.to_thread(path.read_bytes))[:16]
    assert header.startswith(b"SQLite format 3") != encrypted
    return elapsed


async def run(count: int, repeat: int) -> None:
    batch = units(count)
    times: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeat):
            # Alternate the order so disk cache warm-up favours neither side.
            for encrypted in (r % 2 == 0, r % 2 != 0):
                path = Path(tmp) / f"{'enc' if encrypted else 'plain'}-{r}.db"
                times[encrypted].append(await enqueue_all(path, encrypted=encrypted, batch=batch))
    enc, plain = statistics.median(times[True]), statistics.median(times[False])
    print(f"outbox enqueue of {count} units (WAL, synchronous=FULL), median of {repeat} runs")
    print(
        f"SQLCipher 4 (raw key): {enc:7.2f} s  ({count / enc:7.0f} units/s)  runs {_fmt(times[True])}"
    )
    print(
        f"plain SQLite:          {plain:7.2f} s  ({count / plain:7.0f} units/s)  runs {_fmt(times[False])}"
    )
    print(
        f"ratio SQLCipher/plain: {enc / plain:.2f}x median, {min(times[True]) / min(times[False]):.2f}x best  (target <= 1.5x)"
    )


def _fmt(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.count, args.repeat))


if __name__ == "__main__":
    main()
