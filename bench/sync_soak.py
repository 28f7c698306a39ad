"""Reliability soaks of the offline outbox against the real regional_sim (the full counts the CI
tests run only a slice of).

- ``kill``: ``--rounds`` (default 200) times: enqueue units, start the real
  ``telemed-workstation sync drain`` process, SIGKILL it just after it sent something; at the end
  drain fully and check integrity_check, zero pending, exactly one server copy per identifier.
  Uses a private gnome-keyring (dbus-run-session) and a temporary TELEMED_HOME.
- ``faults``: drain units through a fault-injecting proxy until ``--faults`` (default 1000) faults
  were injected (503, 429, resets before and after commit, cut responses, timeouts); check zero
  loss and zero duplicates. Peer: the same number of units drained through the proxy with no
  faults; prints both times and the ratio.

Usage: .venv/bin/python bench/sync_soak.py kill [--rounds 200]
       .venv/bin/python bench/sync_soak.py faults [--faults 1000]

Measured (2-core machine shared with other jobs, 2026-12-02):
- kill: 200 rounds, 3000 units, 667 s; 198 runs killed while running, 186 of them in the middle
  of a drain; integrity_check ok, 0 pending, 0 lost, 0 duplicated.
- faults: 1124 faults over 1980 units (429 152, 500_after 160, 503 179, cut_after 164,
  reset_after 142, reset_before 171, timeout_after 156); 0 lost, 0 duplicated, 0 dead;
  127.7 s with faults vs 64.3 s for the same 1980 units without: 1.99x.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from offline_cache.keys import SecretStore  # noqa: E402
from tests.fixtures.secret_service import running_secret_service  # noqa: E402
from tests.integration.regional_sim_process import regional_sim  # noqa: E402
from tests.integration.sync.fault_proxy import fault_soak  # noqa: E402
from tests.integration.sync.kill_rounds import kill_rounds  # noqa: E402
from tests.unit.offline_cache.conftest import open_test_vault  # noqa: E402


def run_kill(rounds: int, units_per_round: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ["TELEMED_HOME"] = str(base / "home")
        with regional_sim(base / "sim.db") as sim, running_secret_service(base / "ss") as ss:
            os.environ.update(ss.env)
            started = time.perf_counter()
            report = asyncio.run(
                kill_rounds(
                    fhir_url=sim.fhir,
                    store=SecretStore(ss.backend),
                    rounds=rounds,
                    units_per_round=units_per_round,
                    kill_delay_s=(0.0, 0.3),
                )
            )
            elapsed = time.perf_counter() - started
    lost = sum(1 for n in report.copies.values() if n == 0)
    dup = sum(1 for n in report.copies.values() if n > 1)
    print(f"kill -9 soak: {report.rounds} rounds, {len(report.identifiers)} units, {elapsed:.0f} s")
    print(f"killed while running: {report.killed_mid_run}, cut mid-drain: {report.cut_mid_drain}")
    print(f"integrity_check: {report.integrity}, pending after: {report.pending_after}")
    print(f"lost: {lost}, duplicated: {dup}")
    ok = report.integrity == ["ok"] and report.pending_after == 0 and not lost and not dup
    return 0 if ok else 1


async def _faults(faults: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        with regional_sim(base / "sim.db") as sim:
            vault = await open_test_vault(base / "faults.vault", os.urandom(32))
            try:
                started = time.perf_counter()
                report = await fault_soak(fhir_url=sim.fhir, vault=vault, faults=faults)
                faulty_s = time.perf_counter() - started
            finally:
                await vault.close()
            peer = await open_test_vault(base / "peer.vault", os.urandom(32))
            try:
                started = time.perf_counter()
                # Same number of units, same proxy path, no faults.
                clean = await fault_soak(
                    fhir_url=sim.fhir, vault=peer, faults=0, rate=0.0, min_units=report.units
                )
                clean_s = time.perf_counter() - started
            finally:
                await peer.close()
    lost = sum(1 for n in report.copies.values() if n == 0)
    dup = sum(1 for n in report.copies.values() if n > 1)
    print(f"fault soak: {sum(report.faults.values())} faults injected over {report.units} units")
    print("  by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(report.faults.items())))
    print(
        f"lost: {lost}, duplicated: {dup}, pending after: {report.pending_after}, dead: {report.dead_after}"
    )
    print(
        f"with faults: {faulty_s:7.1f} s; peer without faults ({clean.units} units): {clean_s:7.1f} s"
    )
    print(f"ratio faulty/clean: {faulty_s / clean_s:.2f}x")
    return 0 if not lost and not dup and report.pending_after == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    kill = sub.add_parser("kill")
    kill.add_argument("--rounds", type=int, default=200)
    kill.add_argument("--units-per-round", type=int, default=15)
    faults = sub.add_parser("faults")
    faults.add_argument("--faults", type=int, default=1000)
    args = parser.parse_args()
    if args.mode == "kill":
        return run_kill(args.rounds, args.units_per_round)
    return asyncio.run(_faults(args.faults))


if __name__ == "__main__":
    sys.exit(main())
