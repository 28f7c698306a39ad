"""Demo mode starts the bundled reference backend (a real child process) and goes online."""

from __future__ import annotations

import os

import pytest

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
