"""``telemed-workstation sync`` as the help desk runs it: a real process, the real keyring, a real
vault and the real regional_sim."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest

from app.config import Paths, Settings, save_settings
from offline_cache.keys import SecretStore
from offline_cache.vault import VaultId, open_vault
from tests.fixtures.secret_service import SecretServiceSession
from tests.integration.regional_sim_process import RunningSim
from tests.integration.sync.kill_rounds import CLI
from tests.unit.offline_cache.units import measurement_bundle, measurement_unit

pytestmark = pytest.mark.integration

USER = "help-desk-case"


async def _cli(
    *args: str, env: dict[str, str] | None = None, stdin_text: str | None = None
) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *CLI,
        "sync",
        "--user",
        USER,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    data = stdin_text.encode() if stdin_text is not None else b""
    out, err = await asyncio.wait_for(proc.communicate(data), 90)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_status_drain_dead_letters_and_retry(
    sim: RunningSim, secret_service: SecretServiceSession
) -> None:
    paths = Paths.default().ensure()
    save_settings(paths, Settings(backend_url=sim.url))
    opened = await open_vault(
        data_dir=paths.data_dir,
        vault_id=VaultId("lombardia", USER),
        secrets=SecretStore(secret_service.backend),
    )
    bad = measurement_bundle(identifier=f"cli-{uuid.uuid4()}", patient_cf="RSSMRA80A01H501U")
    bad = bad.replace(b'"status": "final"', b'"status": "final", "bogusElement": 1')
    await opened.vault.outbox.enqueue(measurement_unit(bundle_json=bad))
    await opened.vault.outbox.enqueue(measurement_unit(patient_cf="RSSMRA85T10A562S"))
    await opened.vault.close()

    code, out, _ = await _cli("--json", "status")
    assert code == 0 and json.loads(out)["pending"] == 2
    code, out, err = await _cli("--json", "drain", "--timeout", "30")
    assert code == 0, err
    assert json.loads(out) == {
        "sent": 1,
        "retried": 0,
        "dead_lettered": 1,
        "pending": 0,
        "dead_letters": 1,
    }
    code, out, _ = await _cli("--json", "dead-letters")
    (dead,) = json.loads(out)
    assert dead["http_status"] == 400 and "bogusElement" in dead["reason"]
    assert "RSSMRA80A01H501U" not in out  # no payload, no health data
    code, out, _ = await _cli("retry")
    assert code == 0 and out.strip() == "1 item(s) back in line"
    code, out, _ = await _cli("--json", "status")
    status = json.loads(out)
    assert (status["pending"], status["dead_letters"], status["sent"]) == (1, 0, 1)
    code, _, err = await _cli("retry", str(uuid.uuid4()))
    assert code == 1 and "no such item" in err


async def test_without_a_secret_store_it_says_what_to_install(sim: RunningSim) -> None:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    code, out, err = await _cli("status", env=env)
    assert code == 1 and out == ""
    assert "gnome-keyring" in err and "Traceback" not in err


async def test_lost_keyring_entry_is_recovered_from_the_command_line(
    secret_service: SecretServiceSession,
) -> None:
    paths = Paths.default().ensure()
    store = SecretStore(secret_service.backend)
    opened = await open_vault(
        data_dir=paths.data_dir, vault_id=VaultId("lombardia", USER), secrets=store
    )
    await opened.vault.outbox.enqueue(measurement_unit())
    await opened.vault.close()
    assert opened.recovery_key is not None
    store.delete(VaultId("lombardia", USER).account)

    code, _, err = await _cli("status")
    assert code == 1 and "recovery key" in err
    code, _, err = await _cli("recover", stdin_text="AAAA-BBBB\n")
    assert code == 1 and "recovery key" in err
    code, out, err = await _cli("recover", stdin_text=opened.recovery_key + "\n")
    assert code == 0, err
    assert out.strip() == "offline store recovered: 1 item(s) waiting, 0 dead letter(s)"
    assert opened.recovery_key not in out + err
    code, out, _ = await _cli("--json", "status")
    assert code == 0 and json.loads(out)["pending"] == 1
