"""Kill -9 the syncing process at random points, then check nothing was lost or duplicated.

Shared by the CI test (a few rounds) and ``bench/sync_kill_soak.py`` (the full 200 rounds).
The syncing process is the real ``telemed-workstation sync drain`` command, opening the vault
with its key from the (test) Secret Service.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.backend.client import FhirClient
from app.config import Paths, Settings, save_settings
from app.domain.outbox import BinaryAttachment
from offline_cache.keys import SecretStore
from offline_cache.vault import VaultId, open_vault
from tests.integration.sync.counting import observation_copies
from tests.unit.offline_cache.units import measurement_unit

SUBJECT = "nurse-kill-test"
CFS = ["RSSMRA80A01H501U", "RSSMRA85T10A562S", "MRTMTT25D09F205Z"]
CLI = [sys.executable, "-c", "from ui.entry import main; raise SystemExit(main())"]


@dataclass
class KillReport:
    rounds: int = 0
    killed_mid_run: int = 0
    identifiers: list[str] = field(default_factory=list)
    copies: dict[str, int] = field(default_factory=dict)
    integrity: list[str] = field(default_factory=list)
    pending_after: int = -1
    done_after: int = -1
    #: Per round: (units sent before the kill, units enqueued so far). 0 < sent < total means the
    #: kill hit in the middle of draining.
    progress: list[tuple[int, int]] = field(default_factory=list)

    @property
    def cut_mid_drain(self) -> int:
        return sum(1 for done, total in self.progress if 0 < done < total)


async def _enqueue(
    store: SecretStore, data_dir: Path, n: int, rng: random.Random
) -> tuple[list[str], int]:
    """Enqueue ``n`` units; returns their identifiers and how many units were done before."""
    opened = await open_vault(
        data_dir=data_dir, vault_id=VaultId("lombardia", SUBJECT), secrets=store
    )
    idents = []
    try:
        done_before = (await opened.vault.outbox.counts()).done
        for i in range(n):
            ident = f"kill-{uuid.uuid4()}"
            attachments = ()
            if rng.random() < 0.2:
                attachments = (
                    BinaryAttachment(
                        f"b{uuid.uuid4().hex[:20]}", "application/pdf", data=os.urandom(150_000)
                    ),
                )
            await opened.vault.outbox.enqueue(
                measurement_unit(identifier=ident, patient_cf=CFS[i % 3], attachments=attachments)
            )
            idents.append(ident)
    finally:
        await opened.vault.close()
    return idents, done_before


async def _run_cli(args: list[str], *, kill_after_s: float | None, timeout_s: float = 120) -> bool:
    """Run the CLI; kill -9 it after ``kill_after_s``. True if it was killed while running."""
    proc = await asyncio.create_subprocess_exec(
        *CLI, *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        if kill_after_s is None:
            _, err = await asyncio.wait_for(proc.communicate(), timeout_s)
            if proc.returncode != 0:
                raise RuntimeError(f"sync drain failed ({proc.returncode}): {err.decode()[-2000:]}")
            return False
        try:
            await asyncio.wait_for(proc.wait(), kill_after_s)
            return False
        except TimeoutError:
            proc.kill()  # SIGKILL: no cleanup, no WAL checkpoint, no close
            await proc.wait()
            return True
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def kill_rounds(
    *,
    fhir_url: str,
    store: SecretStore,
    rounds: int,
    units_per_round: int,
    seed: int = 7,
    kill_window_s: tuple[float, float] = (0.8, 3.0),
) -> KillReport:
    """Enqueue, start a drain, kill -9 it at a random time; repeat; then drain fully and check.

    Needs ``TELEMED_HOME`` (settings and vaults go there) and a Secret Service in the env.
    """
    rng = random.Random(seed)
    paths = Paths.default().ensure()
    save_settings(paths, Settings(backend_url=fhir_url.removesuffix("/fhir")))
    report = KillReport()
    cli = ["sync", "--user", SUBJECT, "drain", "--fast-retry", "--timeout", "60"]
    for _ in range(rounds):
        idents, done_before = await _enqueue(store, paths.data_dir, units_per_round, rng)
        if report.rounds:
            report.progress.append((done_before, len(report.identifiers)))
        report.identifiers += idents
        if await _run_cli(cli, kill_after_s=rng.uniform(*kill_window_s)):
            report.killed_mid_run += 1
        report.rounds += 1
    await _run_cli(cli, kill_after_s=None)
    opened = await open_vault(
        data_dir=paths.data_dir, vault_id=VaultId("lombardia", SUBJECT), secrets=store
    )
    try:
        report.integrity = await opened.vault.integrity_check()
        counts = await opened.vault.outbox.counts()
        report.pending_after, report.done_after = counts.pending, counts.done
    finally:
        await opened.vault.close()
    async with FhirClient(fhir_url) as client:
        report.copies = await observation_copies(client, report.identifiers)
    return report
