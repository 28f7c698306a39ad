"""Kill -9 the syncing process at random points, then check nothing was lost or duplicated.

Shared by the CI test (a few rounds) and ``bench/sync_kill_soak.py`` (the full 200 rounds).
The syncing process is the real ``telemed-workstation sync drain`` command, opening the vault
with its key from the (test) Secret Service.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
import uuid
from dataclasses import dataclass, field

from app.backend.client import FhirClient
from app.config import Paths, Settings, save_settings
from app.domain.outbox import BinaryAttachment
from offline_cache.keys import SecretStore
from offline_cache.vault import Vault, VaultId, open_vault
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
    #: Per round: (units sent in the round, units waiting at its start). 0 < sent < waiting
    #: means the kill hit in the middle of draining.
    progress: list[tuple[int, int]] = field(default_factory=list)

    @property
    def cut_mid_drain(self) -> int:
        return sum(1 for done, total in self.progress if 0 < done < total)


async def _enqueue(vault: Vault, n: int, rng: random.Random) -> list[str]:
    idents = []
    for i in range(n):
        ident = f"kill-{uuid.uuid4()}"
        attachments: tuple[BinaryAttachment, ...] = ()
        if rng.random() < 0.2:
            attachments = (
                BinaryAttachment(
                    f"b{uuid.uuid4().hex[:20]}", "application/pdf", data=os.urandom(150_000)
                ),
            )
        await vault.outbox.enqueue(
            measurement_unit(identifier=ident, patient_cf=CFS[i % 3], attachments=attachments)
        )
        idents.append(ident)
    return idents


async def _drain_and_kill(
    args: list[str], vault: Vault, *, kill_delay_s: float | None, timeout_s: float = 120
) -> bool:
    """Run the CLI drain. With ``kill_delay_s``: once the child has sent a unit (seen through
    a concurrent WAL reader on the same vault), wait that long and SIGKILL it. True if killed."""
    done_before = (await vault.outbox.counts()).done
    proc = await asyncio.create_subprocess_exec(
        *CLI, *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        if kill_delay_s is None:
            _, err = await asyncio.wait_for(proc.communicate(), timeout_s)
            if proc.returncode != 0:
                raise RuntimeError(f"sync drain failed ({proc.returncode}): {err.decode()[-2000:]}")
            return False
        deadline = asyncio.get_running_loop().time() + timeout_s
        while proc.returncode is None and (await vault.outbox.counts()).done == done_before:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the drain process sent nothing")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), 0.02)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), kill_delay_s)
        if proc.returncode is not None:
            return False
        proc.kill()  # SIGKILL: no cleanup, no WAL checkpoint, no close
        await proc.wait()
        return True
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        if proc.stderr is not None:
            await proc.stderr.read()


async def kill_rounds(
    *,
    fhir_url: str,
    store: SecretStore,
    rounds: int,
    units_per_round: int,
    seed: int = 7,
    kill_delay_s: tuple[float, float] = (0.0, 0.3),
) -> KillReport:
    """Enqueue, start a drain, kill -9 it at a random point; repeat; then drain fully and check.

    Needs ``TELEMED_HOME`` (settings and vaults go there) and a Secret Service in the env.
    """
    rng = random.Random(seed)
    paths = Paths.default().ensure()
    save_settings(paths, Settings(backend_url=fhir_url.removesuffix("/fhir")))
    report = KillReport()
    cli = ["sync", "--user", SUBJECT, "drain", "--fast-retry", "--timeout", "60"]
    opened = await open_vault(
        data_dir=paths.data_dir, vault_id=VaultId("lombardia", SUBJECT), secrets=store
    )
    vault = opened.vault
    try:
        for _ in range(rounds):
            report.identifiers += await _enqueue(vault, units_per_round, rng)
            done_before = (await vault.outbox.counts()).done
            if await _drain_and_kill(cli, vault, kill_delay_s=rng.uniform(*kill_delay_s)):
                report.killed_mid_run += 1
            report.progress.append(
                (
                    (await vault.outbox.counts()).done - done_before,
                    len(report.identifiers) - done_before,
                )
            )
            report.rounds += 1
        await _drain_and_kill(cli, vault, kill_delay_s=None)
        report.integrity = await vault.integrity_check()
        counts = await vault.outbox.counts()
        report.pending_after, report.done_after = counts.pending, counts.done
    finally:
        await vault.close()
    async with FhirClient(fhir_url) as client:
        report.copies = await observation_copies(client, report.identifiers)
    return report
