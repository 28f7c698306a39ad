"""The real main window, started through the users' entry point, driven by keyboard only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QWidget,
)

from app.backend.errors import ConnectionFailed
from app.config import Paths, Settings, save_settings
from app.events import BackendConnectionDidChange, ConnectionState, SyncQueueDidChange
from tests.ui.workstation_context import workstation_context
from ui.entry import GuiSession, launch
from ui.main_window import SHORTCUT_ROLE, MainWindow

STATION_BACKEND = "https://fhir.regione.example"


@pytest.fixture
def session(qtbot):
    # The station has its own regional backend configured; the demo must leave it alone.
    save_settings(Paths.default().ensure(), Settings(backend_url=STATION_BACKEND))
    s = launch(["--demo", "--language", "en"])
    qtbot.waitExposed(s.window)
    yield s
    s.close()


def _controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QListWidget, QProgressBar)
    # Qt-internal children (the line edit inside a spin box) are named "qt_*" and inherit the name.
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, kinds) and not w.objectName().startswith("qt_")
    ]


def test_navigate_every_area_by_keyboard_switch_language_and_screenshot(
    session: GuiSession, qtbot, tmp_path: Path
) -> None:
    w = session.window
    w.activateWindow()
    assert w.windowTitle() == "Telemedicine workstation - DEMO"

    # Ctrl+1..8 reach every area.
    for i, page in enumerate(w.pages):
        QTest.keyClick(w, Qt.Key(Qt.Key.Key_1.value + i), Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda page=page: w.current_area() == page.AREA, timeout=2000)
    # Arrow keys in the navigation list too.
    w.nav.setFocus()
    QTest.keyClick(w.nav, Qt.Key.Key_Home)
    assert w.current_area() == "agenda"
    QTest.keyClick(w.nav, Qt.Key.Key_Down)
    assert w.current_area() == "patient"
    QTest.keyClick(w.nav, Qt.Key.Key_End)
    assert w.current_area() == "settings"

    # Every control has an accessible name.
    unnamed = [c.objectName() or type(c).__name__ for c in _controls(w) if not c.accessibleName()]
    assert unnamed == []

    # Switch to Italian from the Settings page, by keyboard.
    settings = w.pages[-1]
    settings.language.setFocus()
    assert settings.selected_language() == "en"
    QTest.keyClick(settings.language, Qt.Key.Key_Up)  # "English" -> "Italiano"
    assert settings.selected_language() == "it"
    settings.apply_button.setFocus()
    QTest.keyClick(settings.apply_button, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: w.windowTitle() == "Postazione di telemedicina - DIMOSTRAZIONE", timeout=5000
    )
    assert w.nav.item(2).text() == "Telemonitoraggio"
    assert settings.apply_button.text() == "&Applica"
    assert session.workstation.settings.language == "it"
    saved = json.loads(session.workstation.paths.settings_file.read_text())
    assert saved["language"] == "it"
    # A demo session never saves demo mode or its bundled backend's address for the station:
    # the station's own address (here set before the demo started) is kept.
    assert saved["demo"] is False
    assert saved["backend_url"] == STATION_BACKEND
    demo = session.workstation.demo_backend
    qtbot.waitUntil(lambda: demo.base_url is not None, timeout=30_000)
    qtbot.waitUntil(lambda: session.workstation.settings.backend_url == demo.base_url)

    # The status bar speaks Italian too (its exact figures follow the demo's real queue, which
    # the opened records feed; test_status_bar_follows_core_events checks them exactly).
    qtbot.waitUntil(lambda: w.connection_label.text() == "In linea", timeout=30_000)
    assert w.queue_label.text().startswith("Da inviare: ")

    shot = tmp_path / "main_window_it.png"
    assert w.grab().save(str(shot))
    assert shot.stat().st_size > 5_000

    # And back to English.
    QTest.keyClick(settings.language, Qt.Key.Key_Down)  # -> "English"
    QTest.keyClick(settings.apply_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.windowTitle() == "Telemedicine workstation - DEMO", timeout=5000)
    assert w.nav.item(2).text() == "Telemonitoring"  # the shortcut is drawn, not in the text
    assert w.nav.item(2).data(SHORTCUT_ROLE) == "Ctrl+3"
    assert w.nav.item(2).data(Qt.ItemDataRole.AccessibleDescriptionRole) == "Ctrl+3"
    assert w.nav.item(2).toolTip() == "Telemonitoring (Ctrl+3)"
    assert w.queue_label.text().startswith("To send: ")


def test_status_bar_follows_core_events(qtbot) -> None:
    """Outside demo mode (no store, no backend): only the events published here reach it."""
    with workstation_context(Settings(backend_url="http://127.0.0.1:9"), language="it") as ctx:
        try:
            w = MainWindow(ctx, defer_pages=True)
            qtbot.addWidget(w)
            ws = ctx.workstation
            ws.bus.publish(BackendConnectionDidChange(ConnectionState.ONLINE))
            ws.bus.publish(SyncQueueDidChange(pending=7))
            qtbot.waitUntil(lambda: w.queue_label.text() == "Da inviare: 7", timeout=3000)
            assert w.connection_label.text() == "In linea"
            ctx.translations.apply("en")
            qtbot.waitUntil(lambda: w.queue_label.text() == "To send: 7", timeout=3000)
            assert w.connection_label.text() == "Online"
            ws.bus.publish(BackendConnectionDidChange(ConnectionState.OFFLINE))
            ws.bus.publish(SyncQueueDidChange(pending=0))
            qtbot.waitUntil(lambda: w.queue_label.text() == "To send: 0", timeout=3000)
            assert w.connection_label.text() == "Offline"
        finally:
            ctx.translations.uninstall()


def test_operation_failures_are_reported_without_blocking_the_gui(session: GuiSession) -> None:
    w = session.window
    down = ConnectionFailed("connect to 127.0.0.1:9 refused", request_sent=False)
    session.bridge.error_occurred.emit("Loading the worklist", down)
    session.bridge.error_occurred.emit("Saving", RuntimeError("disk full"))  # no nested loops
    boxes = [b for b in w.findChildren(QMessageBox) if b.objectName() == "operationFailed"]
    assert len(boxes) == 2 and all(b.isVisible() for b in boxes)
    # The reason in the clinician's words; the core's own words in the details (help desk).
    assert boxes[0].text() == (
        "Loading the worklist did not complete: the regional server cannot be reached."
    )
    assert boxes[0].detailedText() == "connect to 127.0.0.1:9 refused"
    assert boxes[1].text() == "Saving did not complete: RuntimeError."  # unknown: its type
    assert boxes[1].detailedText() == "disk full"
    for b in boxes:
        b.close()


def test_area_registry_matches_the_pages_it_builds() -> None:
    from ui.main_window import AREAS

    for area in AREAS:
        page_type = area.page_type()
        assert (page_type.AREA, page_type.TITLE) == (area.key, area.title)
