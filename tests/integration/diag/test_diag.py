"""``telemed-workstation diag`` offline and against real servers (coturn), and its bundle."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.config import Paths, Settings
from app.logs import configure_logging
from app.services.diagnostics import (
    Status,
    check_bluetooth,
    check_turn,
    run_diagnostics,
    write_bundle,
)

SEEDED = ("Mario Rossi", "RSSMRA80A01H501U", "Giulia Bianchi", "BNCGLI85T50F205X")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_report_is_complete_and_names_no_network(telemed_home: Path) -> None:
    exe = Path(sys.executable).parent / "telemed-workstation"
    out = subprocess.run(
        [str(exe), "diag", "--offline", "--json"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode in (0, 1), out.stderr
    assert '"name": "versions"' in out.stdout
    assert '"name": "secret store"' in out.stdout
    assert '"status": "skipped"' in out.stdout


def test_bluetooth_check_explains_a_missing_adapter(tmp_path: Path) -> None:
    check = check_bluetooth(tmp_path / "none")
    if sys.platform.startswith("linux"):
        assert check.status is Status.WARNING and "adapter" in check.detail


async def test_unreachable_backend_is_a_clear_error() -> None:
    port = _free_udp_port()  # nothing listens on TCP there either
    report = await run_diagnostics(Settings(backend_url=f"http://127.0.0.1:{port}"))
    backend = next(c for c in report.checks if c.name == "regional backend")
    assert backend.status is Status.ERROR and "offline" in backend.detail


@pytest.mark.integration
async def test_turn_check_against_real_coturn(tmp_path: Path) -> None:
    turnserver = shutil.which("turnserver")
    assert turnserver, "coturn is installed by ./dev setup (apt package coturn)"
    port = _free_udp_port()
    proc = await asyncio.create_subprocess_exec(
        turnserver,
        "-n",
        "--listening-ip=127.0.0.1",
        f"--listening-port={port}",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--use-auth-secret",
        "--static-auth-secret=diag-test",
        "--realm=test",
        "--allow-loopback-peers",
        f"--pidfile={tmp_path / 'turn.pid'}",
        "--log-file=stdout",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        check = None
        for _ in range(50):  # coturn takes a moment to bind; bounded
            check = await check_turn(f"turn:127.0.0.1:{port}", timeout_s=0.2)
            if check.status is Status.OK:
                break
            await asyncio.sleep(0.1)
        assert check is not None and check.status is Status.OK, check
        assert float(check.figures["rtt_ms"]) >= 0
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
    # And with the server gone: a clear error, bounded.
    gone = await check_turn(f"turn:127.0.0.1:{port}", timeout_s=0.3)
    assert gone.status is Status.ERROR


async def test_bundle_holds_no_patient_data(telemed_home: Path, tmp_path: Path) -> None:
    paths = Paths.default().ensure()
    handler = configure_logging(paths.log_dir)
    try:
        log = logging.getLogger("app.services.visit")
        for value in SEEDED:
            log.info("opened record of %s", value)
        for cf in SEEDED[1::2]:  # a codice fiscale pasted into a template is scrubbed too
            log.warning(f"lookup failed for {cf}")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    report = await run_diagnostics(Settings(), offline=True)
    bundle = write_bundle(report, paths, tmp_path / "diag.zip")
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        blob = b"".join(zf.read(n) for n in names)
    assert "report.json" in names and "logs/workstation.log" in names
    assert b"opened record of <redacted>" in blob
    assert b"lookup failed for <redacted>" in blob
    for value in SEEDED:
        assert value.encode() not in blob
