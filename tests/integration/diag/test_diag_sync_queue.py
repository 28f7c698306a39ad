"""diag reports a clinician's sync queue from a real SQLCipher vault (key in a real keyring)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.backend import fhirjson
from app.config import Paths
from app.domain.outbox import OutboxUnit, UnitKind
from app.services.diagnostics import Status, check_sync_queue
from app.services.sync import open_user_vault
from tests.fixtures.secret_service import SecretServiceSession
from tests.fixtures.secret_service import secret_service as secret_service

pytestmark = pytest.mark.integration


def _unit(n: int) -> OutboxUnit:
    obs = {"resourceType": "Observation", "id": f"o{n}", "status": "final"}
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"resource": obs, "request": {"method": "PUT", "url": f"Observation/o{n}"}}],
    }
    return OutboxUnit(uuid.uuid4(), UnitKind.MEASUREMENT, "pat-001", fhirjson.dumps(bundle))


async def test_queue_depth_and_dead_letters_of_a_real_vault(
    secret_service: SecretServiceSession, telemed_home: Path
) -> None:
    paths = Paths.default().ensure()
    await _fill_and_check(paths)


async def _fill_and_check(paths: Paths) -> None:
    opened = await open_user_vault(
        data_dir=paths.data_dir, tenant="lombardia", subject="prac-ifec-colombo"
    )
    units = [_unit(n) for n in range(3)]
    try:
        for unit in units:
            await opened.vault.outbox.enqueue(unit)
        await opened.vault.outbox.record_failure(
            str(units[0].unit_id), reason="invalid resource", status=422, retry_in_s=None
        )
    finally:
        await opened.vault.close()

    nobody = await check_sync_queue(paths, "lombardia")
    assert nobody.status is Status.SKIPPED and nobody.figures["stores"] == 1

    check = await check_sync_queue(paths, "lombardia", subject="prac-ifec-colombo")
    assert check.status is Status.WARNING, check
    assert (check.figures["pending"], check.figures["dead_letters"]) == (2, 1)
    assert "sync dead-letters" in check.detail

    # A clinician with no store on this station: a clear error, and no store is created.
    stranger = await check_sync_queue(paths, "lombardia", subject="prac-card-romano")
    assert stranger.status is Status.ERROR and "store not readable" in stranger.detail
    assert len(list((paths.data_dir / "vaults" / "lombardia").glob("*.vault"))) == 1

    # The same through the console command a help-desk operator runs (a child process).
    out = await asyncio.to_thread(
        subprocess.run,
        [
            str(Path(sys.executable).parent / "telemed-workstation"),
            "diag",
            "--offline",
            "--user",
            "prac-ifec-colombo",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "sync queue: 1 item(s) refused by the backend" in out.stdout, out.stderr
