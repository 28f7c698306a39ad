"""Real peers for the video integration tests: regional_sim rooms, coturn, headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from app.services.diagnostics import stun_binding_request
from tests.integration.processes import free_port, running_process, wait_until_ready

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream=fps=30",
    "--use-fake-ui-for-media-stream",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Keep host candidates as plain 127.0.0.1 (no mDNS .local names) so aiortc can use them.
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]


@dataclass(frozen=True)
class Room:
    room: str
    clinician_token: str
    patient_token: str
    ws_url: str
    join_url: str


async def create_room(base_url: str) -> Room:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base_url}/rtc/rooms", json={"ttl_s": 600}) as r:
            assert r.status == 201, await r.text()
            body: dict[str, Any] = await r.json()
    ws = base_url.replace("http://", "ws://") + body["wsPath"]
    return Room(
        room=body["room"],
        clinician_token=body["clinicianToken"],
        patient_token=body["patientToken"],
        ws_url=ws,
        join_url=base_url + body["joinPath"],
    )


@contextmanager
def coturn(tmp_path: Path, *, secret: str) -> Iterator[int]:
    """Run coturn on a free loopback UDP port (loopback peers allowed); yields the port."""
    turnserver = shutil.which("turnserver")
    assert turnserver, "coturn is installed by ./dev setup (apt package coturn)"
    port = free_port(socket.SOCK_DGRAM)
    relay_low = 40000 + (port % 5000) * 4
    cmd = [
        turnserver,
        "-n",
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        f"--listening-port={port}",
        f"--min-port={relay_low}",
        f"--max-port={relay_low + 200}",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--no-tcp-relay",
        "--use-auth-secret",
        f"--static-auth-secret={secret}",
        "--realm=telemed.test",
        "--allow-loopback-peers",
        f"--pidfile={tmp_path / 'turn.pid'}",
        "--log-file=stdout",
        "--simple-log",
    ]
    with (
        running_process(cmd) as proc,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe,
    ):
        probe.settimeout(0.1)

        def answers_stun() -> bool:
            """One STUN binding request; the 0.1 s receive timeout paces the polling."""
            tid = os.urandom(12)
            probe.sendto(stun_binding_request(tid), ("127.0.0.1", port))
            try:
                return probe.recv(2048)[8:20] == tid
            except OSError:
                return False

        wait_until_ready(proc, name="coturn", ready=answers_stun, timeout_s=10.0, interval_s=0)
        yield port


@asynccontextmanager
async def patient_browser(
    *, executable: str = CHROMIUM, extra_args: Sequence[str] = ()
) -> AsyncIterator[Any]:
    """A headless Debian Chromium page (Playwright drives /usr/bin/chromium; never installs)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=executable,
            args=[*CHROMIUM_ARGS, *extra_args],
            headless=True,
            timeout=30_000,
        )
        try:
            context = await browser.new_context()
            page = await context.new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            await browser.close()


async def join_as_patient(page: Any, join_url: str) -> None:
    """Open the join page, wait for the preview, tick the consent reminder, join."""
    await page.goto(join_url)
    await page.wait_for_function(
        "document.getElementById('preview').videoWidth > 0", timeout=15_000
    )
    await page.check("#consent")
    await page.click("#join")
