"""Demo mode starts the bundled reference backend (a real child process) and goes online."""

from __future__ import annotations

import os

import keyring
import keyring.backends.fail
import pytest

from app.config import Paths
from offline_cache.keys import SessionMemoryKeyring
from ui.entry import launch


def test_demo_mode_connects_to_the_bundled_backend(qtbot) -> None:
    session = launch(["--demo", "--language", "en"])
    try:
        w = session.window
        qtbot.waitUntil(lambda: w.connection_label.text() == "Online", timeout=30_000)
        backend = session.workstation.demo_backend
        assert backend is not None and backend.base_url is not None
        assert session.workstation.settings.backend_url == backend.base_url
        assert backend.base_url.startswith("http://127.0.0.1:")
        pid = backend.pid
        assert pid is not None

        async def read_seeded_patient() -> str:
            client = await session.workstation.backend_client(timeout_s=10)
            assert client is await session.workstation.backend_client()  # one client per process
            return str((await client.read("Patient", "pat-001")).resource["id"])

        got = session.workstation.runtime.submit(read_seeded_patient()).result(timeout=15)
        assert got == "pat-001"
    finally:
        session.close()
    # The awaited shutdown stopped and reaped the child.
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_demo_without_a_secret_store_keeps_an_encrypted_store_for_the_session(qtbot) -> None:
    """No OS secret store here (tests select keyring's ``fail`` backend): the demo still gets
    its encrypted store, keyed in memory, in a directory deleted at exit; a store left by a demo
    process that was killed is removed at start; outside demo nothing changes."""
    stale = Paths.default().ensure().data_dir / "demo-session" / "999999999"
    stale.mkdir(parents=True)
    (stale / "left-behind.vault").write_bytes(os.urandom(64))
    session = launch(["--demo", "--language", "en"])
    try:
        ws = session.workstation
        assert ws.ephemeral_store
        assert not stale.exists()
        qtbot.waitUntil(lambda: ws.sync is not None and ws.sync.vault is not None, timeout=40_000)
        vault = ws.sync.vault
        assert vault.path.is_relative_to(ws.vault_dir)
        assert ws.vault_dir.name == str(os.getpid())
        assert vault.path.read_bytes()[:16] != b"SQLite format 3\x00"  # encrypted on disk
        # Nothing to write down for a store that dies with the process.
        sync_page = next(p for p in session.window.pages if p.AREA == "sync")
        session.window.show_area("sync")
        qtbot.waitUntil(
            lambda: sync_page.notice.text().startswith("Demo without a system keyring"),
            timeout=10_000,
        )
        assert not sync_page.recovery_box.isVisible()
        assert isinstance(keyring.get_keyring(), SessionMemoryKeyring)
        vault_dir = ws.vault_dir
    finally:
        session.close()
    assert not vault_dir.exists()
    assert isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring)
