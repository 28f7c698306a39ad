"""Start-up time of regional_sim against a bare aiohttp hello-world (target: < 2 s).

Measures process spawn -> "listening" line on stdout, median of N runs, for:
a bare aiohttp app (the peer), regional_sim on an existing database, and
regional_sim creating a new database with ``--seed demo``.

Usage: .venv/bin/python bench/regional_sim_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HELLO = """
import asyncio
from aiohttp import web

async def hello(request):
    return web.Response(text="hello")

async def main():
    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print("listening on", runner.addresses[0][1], flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def _time_to_listen(cmd: list[str], marker: str, timeout_s: float = 30.0) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout_s
        for line in proc.stdout:
            if marker in line:
                return time.perf_counter() - start
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"no {marker!r} line from {cmd}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    sim = [py, "-m", "regional_sim", "--host", "127.0.0.1", "--port", "0"]
    with tempfile.TemporaryDirectory() as tmp:
        hello = [_time_to_listen([py, "-c", HELLO], "listening on") for _ in range(args.runs)]
        seeded = []
        for n in range(args.runs):
            db = Path(tmp) / f"seed-{n}.db"
            seeded.append(
                _time_to_listen([*sim, "--db", str(db), "--seed", "demo"], "regional_sim listening")
            )
        warm_db = Path(tmp) / "seed-0.db"
        warm = [
            _time_to_listen(
                [*sim, "--db", str(warm_db), "--seed", "demo"], "regional_sim listening"
            )
            for _ in range(args.runs)
        ]
    peer = statistics.median(hello)
    rows = [
        ("aiohttp hello-world (peer)", peer),
        ("regional_sim, existing database", statistics.median(warm)),
        ("regional_sim, new database + demo seed", statistics.median(seeded)),
    ]
    print(f"start-up to listening line, median of {args.runs} runs")
    for label, value in rows:
        print(f"  {label:42s} {value:7.3f} s   ratio vs peer {value / peer:5.2f}x")
    worst = max(value for _, value in rows[1:])
    print(f"target < 2 s: {'met' if worst < 2.0 else 'NOT met'} (worst median {worst:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
