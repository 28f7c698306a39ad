"""The teleconsult's video room from the Teleconsults page: the cardiologist at this workstation
sees the GP and the nurse (two other aiortc parties) through a real loopback janus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.config import Paths, Settings
from app.services.teleconsult_room import TeleconsultRoom
from app.workstation import Workstation
from tests.integration.regional_sim_process import RunningSim, regional_sim
from tests.integration.workflows.janus_process import janus_server
from ui.bridge import Bridge
from ui.clinical import clinical_services
from ui.context import UiContext
from ui.i18n import Translations
from ui.pages.teleconsults import TeleconsultsPage

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningSim, str]]:
    with regional_sim(
        tmp_path_factory.mktemp("sim") / "sim.db", extra_args=["--seed", "demo"]
    ) as s:
        with janus_server(tmp_path_factory.mktemp("janus")) as janus:
            yield s, janus


def test_cardiologist_joins_the_video_room_of_a_teleconsult(
    qapp: QApplication, qtbot: Any, servers: tuple[RunningSim, str], tmp_path: Path
) -> None:
    sim, janus = servers
    ws = Workstation(
        settings=Settings(backend_url=sim.url, janus_url=janus), paths=Paths.default().ensure()
    )
    ws.start()
    others = [TeleconsultRoom(janus_url=lambda: janus) for _ in range(2)]
    try:
        ctx = UiContext(ws, Bridge(ws.runtime, ws.bus), Translations(QApplication.instance()))
        clinical_services(ctx).practitioner_ref = "Practitioner/prac-card-romano"
        page = TeleconsultsPage(ctx)
        qtbot.addWidget(page)
        page.show()
        page.open_task("task-teleconsulto-001")
        qtbot.waitUntil(
            lambda: page.current is not None and page.current.task_id == "task-teleconsulto-001",
            timeout=15_000,
        )
        qtbot.waitUntil(lambda: page.room_button.isEnabled(), timeout=5_000)
        window = page.open_video_room()
        assert window is not None
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.joined, timeout=30_000)
        assert not page.room_button.isEnabled()  # one room at a time
        for room, name in zip(others, ["Dott.ssa Bianchi", "Marco Colombo"], strict=True):
            ws.runtime.submit(room.join("task-teleconsulto-001", display=name)).result(60)
        window.refresh()
        qtbot.waitUntil(lambda: len(window.tiles) == 2, timeout=15_000)
        assert set(window.tiles) == {"Dott.ssa Bianchi", "Marco Colombo"}
        qtbot.waitUntil(
            lambda: all(t.frames_painted > 5 for t in window.tiles.values()), timeout=45_000
        )
        assert all(t.current_size() == (640, 480) for t in window.tiles.values())
        assert window.status.text() == "In the room with 2 other participant(s)."
        assert window.grab().save(str(tmp_path / "teleconsult_room.png"))
        # The others see the cardiologist too.
        for room in others:
            ws.runtime.submit(room.refresh()).result(30)
            assert any("Romano" in n for n in room.feeds())
        # Locking and unlocking as the same clinician keeps the room; signing out leaves it.
        from app.session.events import SessionDidChange, SessionState

        ws.bus.publish(SessionDidChange(SessionState.ACTIVE, "prac-card-romano"))
        qtbot.wait(300)
        assert page.room_window is window
        ws.bus.publish(SessionDidChange(SessionState.SIGNED_OUT))
        qtbot.waitUntil(lambda: page.room_window is None, timeout=5_000)
    finally:
        for room in others:
            ws.runtime.submit(room.leave()).result(20)
        ws.stop()
