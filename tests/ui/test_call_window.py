"""The Calls area and call window against the real regional_sim, with an aiortc patient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.services.calls import CallDidEnd, CallState, Level
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.regional_sim_process import RunningSim
from tests.ui.workstation_context import workstation_context
from ui.context import UiContext
from ui.lock_screen import ShellLock
from ui.main_window import MainWindow
from ui.pages.calls import CallsPage, PrecheckDialog
from video.call import Call, CallTimeouts, ChatDidArrive, VitalsDidArrive
from video.signaling import WebSocketSignaling

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def ctx(qapp: QApplication, sim: RunningSim) -> Iterator[UiContext]:
    with workstation_context(Settings(backend_url=sim.url), language="en") as ctx:
        yield ctx


@pytest.fixture
def window(ctx: UiContext, qtbot: Any) -> MainWindow:
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


async def _join_as_patient(join_url: str, events: list[Any]) -> Call:
    parts = urlsplit(join_url)
    room = parts.path.rsplit("/", 1)[-1]
    signaling = await WebSocketSignaling.connect(
        f"ws://{parts.netloc}/rtc/rooms/{room}/ws", token=parts.fragment.removeprefix("t=")
    )
    patient = Call(
        signaling=signaling,
        ice_servers=(),
        role="answerer",
        timeouts=CallTimeouts(peer_s=30),
        on_event=events.append,
    )
    patient.start(peer_present=True)
    return patient


def ctx_audio_samples(page: CallsPage) -> int:
    return page.service.audio_level.samples


def test_call_from_the_calls_area_with_video_chat_readings_and_hang_up(
    ctx: UiContext, window: MainWindow, qtbot: Any
) -> None:
    lock = ShellLock(window, bridge=ctx.bridge, session=None, auto_lock_s=lambda: 60)
    window.show_area("calls")
    page = next(p for p in window.pages if p.AREA == "calls")
    assert isinstance(page, CallsPage)
    page.patient.setText("pat-001")
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.call_window is not None, timeout=15_000)
    call_window = page.call_window
    assert call_window is not None
    assert page.link.text().startswith(ctx.workstation.settings.backend_url + "/rtc/join/")
    assert lock.call_active() and call_window in page.call_windows()
    assert call_window.state_label.text() == "Waiting for the patient to join"

    ended: list[CallDidEnd] = []
    ctx.bridge.on(CallDidEnd, ended.append)
    patient_events: list[Any] = []
    runtime = ctx.workstation.runtime
    patient: Call = runtime.submit(_join_as_patient(page.link.text(), patient_events)).result(10)
    try:
        qtbot.waitUntil(lambda: call_window.state_label.text() == "Connected", timeout=20_000)
        # Received audio reaches the speaker's ring; without an output device it is said so.
        qtbot.waitUntil(lambda: ctx_audio_samples(page) > 48_000, timeout=10_000)
        if not call_window.speaker.available:
            call_window.speaker.pump()  # a no-op, never a crash
            assert call_window.speaker.bytes_played == 0
        # Remote video and self-view are painted from the latest-frame slots.
        qtbot.waitUntil(lambda: call_window.remote.frames_painted > 10, timeout=10_000)
        assert call_window.remote.current_size() == (640, 480)
        qtbot.waitUntil(lambda: call_window.self_view.frames_painted > 5, timeout=5_000)
        # Chat both ways (Enter sends), a reading on both sides.
        call_window.chat_input.setFocus()
        QTest.keyClicks(call_window.chat_input, "Buongiorno")
        QTest.keyClick(call_window.chat_input, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: any(
                isinstance(e, ChatDidArrive) and e.text == "Buongiorno" for e in patient_events
            ),
            timeout=5_000,
        )
        runtime.submit(patient.send_chat("Salve dottore")).result(5)
        qtbot.waitUntil(lambda: call_window.chat_log.count() == 2, timeout=5_000)
        assert call_window.chat_log.item(1).text() == "Patient: Salve dottore"
        call_window.reading_combo.setCurrentIndex(0)
        call_window.reading_value.setValue(97)
        qtbot.mouseClick(call_window.reading_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: call_window.vitals_label.text() == "SpO2: 97 %", timeout=5_000)
        qtbot.waitUntil(
            lambda: any(isinstance(e, VitalsDidArrive) and e.value == 97 for e in patient_events),
            timeout=5_000,
        )
        # A document from disk.
        doc = Path(ctx.workstation.paths.data_dir) / "istruzioni.pdf"
        doc.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 64)
        call_window.share_document(doc)
        qtbot.waitUntil(
            lambda: "shared with the patient" in call_window.message.text(), timeout=10_000
        )
        # Keyboard: Ctrl+D mutes, the clinician forces audio only, quality and timer update.
        call_window.activateWindow()
        QTest.keySequence(call_window, "Ctrl+D")
        assert call_window.mute_button.isChecked()
        idx = call_window.level_combo.findData(Level.AUDIO_ONLY)
        call_window.level_combo.setCurrentIndex(idx)
        call_window.level_combo.activated.emit(idx)
        qtbot.waitUntil(lambda: call_window.level_label.text() == "audio only", timeout=5_000)
        qtbot.waitUntil(
            lambda: call_window.quality_label.text().startswith("Quality:"), timeout=5_000
        )
        qtbot.waitUntil(lambda: call_window.timer_label.text() != "00:00", timeout=5_000)
        # Hang up with the keyboard: the patient is told, the Encounter goes out.
        QTest.keySequence(call_window, "Ctrl+Shift+H")
        qtbot.waitUntil(lambda: call_window.state_label.text() == "Call ended", timeout=10_000)
        qtbot.waitUntil(lambda: bool(ended), timeout=10_000)
        assert ended[0].encounter_id is not None
        assert not lock.call_active()
        assert (
            runtime.submit(patient.wait_for(CallState.ENDED, timeout_s=5)).result(10)
            is CallState.ENDED
        )
    finally:
        runtime.submit(patient.hang_up()).result(10)
        call_window.close()
        lock.dispose()


def test_precheck_dialog_and_italian_texts(ctx: UiContext, window: MainWindow, qtbot: Any) -> None:
    page = next(p for p in window.pages if p.AREA == "calls")
    assert isinstance(page, CallsPage)
    dialog = page.run_precheck()
    assert isinstance(dialog, PrecheckDialog)
    qtbot.waitUntil(lambda: dialog.checks is not None, timeout=20_000)
    assert dialog.table.rowCount() == 4
    assert dialog.table.item(0, 1).text() == "OK"  # synthetic camera
    # This backend hands out no TURN server: the verdict says the link is not adequate.
    assert "not adequate" in dialog.verdict.text()
    dialog.close()
    page.start_button.click()
    assert page.status.text() == "Enter the patient first."
    ctx.translations.apply("it")
    try:
        qtbot.waitUntil(lambda: page.start_button.text() == "Avvia chiamata", timeout=3_000)
        assert page.title() == "Chiamate"
    finally:
        ctx.translations.apply("en")


def test_agenda_request_preselects_the_service_of_the_appointment(window: MainWindow) -> None:
    from app.domain.workflows import AgendaItemKind
    from app.services.agenda import CallDidRequest

    page = next(p for p in window.pages if p.AREA == "calls")
    assert isinstance(page, CallsPage)
    page._on_call_request(
        CallDidRequest(AgendaItemKind.TELEASSISTANCE, "pat-001", "Appointment/apt-1")
    )
    assert page.kind.currentData() == "teleassistenza"
    page._on_call_request(CallDidRequest(AgendaItemKind.TELEVISIT, "pat-002", "Appointment/apt-2"))
    assert page.kind.currentData() == "televisita"
