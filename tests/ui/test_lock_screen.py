"""Shared-station mode on the real main window: auto-lock with a warning (fake clock), a lock
screen that holds no patient data, PIN unlock, fast user switch, and calls kept through a lock.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget

from app.session.events import SessionState
from app.session.offline import Identity
from tests.fixtures.secret_service import SecretServiceSession
from tests.fixtures.secret_service import secret_service as secret_service  # noqa: F401
from ui.entry import GuiSession, launch
from ui.lock_screen import LockScreen, ShellLock

NURSE = Identity("prac-ifec-colombo", "Marco Colombo", "demo")
GP = Identity("prac-mmg-bianchi", "Laura Bianchi", "demo")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeCall:
    """What the video UI registers: an active call and its window."""

    def __init__(self) -> None:
        self.active = True
        self.window = QLabel("call")
        self.window.setObjectName("callWindow")

    def call_active(self) -> bool:
        return self.active

    def call_windows(self) -> list[QWidget]:
        return [self.window]


@pytest.fixture
def gui(qtbot):
    s = launch(["--demo", "--language", "en"])
    try:
        qtbot.waitExposed(s.window)
        ws = s.workstation
        assert ws.session is not None
        # Demo mode logs in by itself (the GP, through regional_sim's demo provider).
        qtbot.waitUntil(lambda: ws.session.identity is not None, timeout=60_000)
        assert ws.session.identity.subject == "prac-mmg-bianchi"
        assert ws.session.identity.display_name == "Dott.ssa Laura Bianchi"
        for who, pin in ((NURSE, "nurse-pin-1"), (GP, "gp-pin-22")):
            ws.runtime.submit(ws.session.offline.enroll(who, pin)).result(10)
        ws.runtime.submit(ws.session.unlock_offline(NURSE.subject, "nurse-pin-1")).result(10)
        yield s
    finally:
        s.close()  # also when the set-up fails: never leave the demo backend running


def _lock(s: GuiSession) -> ShellLock:
    assert s.shell_lock is not None
    return s.shell_lock


def _type_pin(qtbot, screen: LockScreen, subject: str, pin: str) -> None:
    screen.user.setCurrentIndex(screen.user.findData(subject))
    screen.pin.setFocus()
    QTest.keyClicks(screen.pin, pin)
    QTest.keyClick(screen.pin, Qt.Key.Key_Return)


def test_auto_lock_warns_then_hides_every_page_and_unlocks_with_the_pin(gui, qtbot) -> None:
    w, lock, ws = gui.window, _lock(gui), gui.workstation
    clock = FakeClock()
    lock.use_clock(clock, timer=False)
    limit = ws.settings.auto_lock_s
    assert limit == 300
    qtbot.waitUntil(
        lambda: lock.user_label.text() == "Marco Colombo (offline unlock)", timeout=3000
    )

    clock.now += limit - 31
    lock.tick()
    assert not lock.warning.isVisible()
    clock.now += 1
    lock.tick()
    assert lock.warning.isVisible() and lock.warning.value() == 30
    assert "Locking in 30 s" in lock.warning.format()
    QTest.mouseMove(w.nav)  # any input withdraws the warning
    qtbot.waitUntil(lambda: not lock.warning.isVisible(), timeout=2000)

    clock.now += limit
    lock.tick()
    assert lock.locked
    screen = lock.lock_screen
    assert isinstance(screen, LockScreen) and w.centralWidget() is screen
    # The pages are out of the window, not merely covered.
    assert all(not p.isVisible() for p in w.pages)
    assert all(p.window() is not w for p in w.pages)
    assert w.windowTitle() == "Telemedicine workstation - locked"
    qtbot.waitUntil(lambda: ws.session.state is SessionState.LOCKED, timeout=3000)
    qtbot.waitUntil(lambda: screen.user.count() == 2, timeout=3000)
    assert screen.user.currentData() == NURSE.subject
    assert "Marco Colombo" in screen.title.text()
    assert all(c.accessibleName() for c in (screen.user, screen.pin, screen.unlock_button))
    # Navigation shortcuts do nothing while locked.
    QTest.keyClick(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert w.centralWidget() is screen

    _type_pin(qtbot, screen, NURSE.subject, "wrong-pin-0")
    qtbot.waitUntil(lambda: screen.message.text() == "Wrong PIN.", timeout=5000)
    assert lock.locked
    _type_pin(qtbot, screen, NURSE.subject, "nurse-pin-1")
    qtbot.waitUntil(lambda: not lock.locked, timeout=5000)
    assert w.centralWidget() is not screen and w.pages[0].isVisible()
    assert w.windowTitle() == "Telemedicine workstation - DEMO"
    assert ws.session.state is SessionState.ACTIVE and ws.session.identity == NURSE


def test_fast_user_switch_keeps_previous_outbox_syncing(gui, qtbot) -> None:
    w, lock, ws = gui.window, _lock(gui), gui.workstation
    w.activateWindow()
    QTest.keyClick(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # manual lock
    assert lock.locked
    screen = lock.lock_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.user.count() == 2, timeout=3000)
    _type_pin(qtbot, screen, GP.subject, "gp-pin-22")
    qtbot.waitUntil(lambda: not lock.locked, timeout=5000)
    assert ws.session.identity == GP
    assert ws.session.syncing_for() == (NURSE.subject,)
    lock.lock()  # the next lock shows whose work is still going out
    screen = lock.lock_screen
    qtbot.waitUntil(lambda: "Marco Colombo" in screen.syncing.text(), timeout=3000)
    assert screen.syncing.text() == "Still sending the queued work of: Marco Colombo"


def test_a_running_call_is_never_dropped_by_a_lock(gui, qtbot) -> None:
    w, lock = gui.window, _lock(gui)
    clock = FakeClock()
    lock.use_clock(clock, timer=False)
    call = FakeCall()
    other = QLabel("trend export")  # another window that may show patient data
    call.window.show()
    other.show()
    lock.add_call_guard(call)
    try:
        clock.now += 10 * gui.workstation.settings.auto_lock_s
        lock.tick()
        assert not lock.locked  # talking is not being idle: auto-lock waits for the call
        lock.lock()  # a manual lock keeps the call window only
        assert lock.locked
        assert call.window.isVisible() and not other.isVisible()
        call.active = False
        screen = lock.lock_screen
        assert screen is not None
        qtbot.waitUntil(lambda: screen.user.count() == 2, timeout=3000)
        _type_pin(qtbot, screen, NURSE.subject, "nurse-pin-1")
        qtbot.waitUntil(lambda: not lock.locked, timeout=5000)
        assert other.isVisible()  # what the lock hid comes back
    finally:
        lock.remove_call_guard(call)
        call.window.close()
        other.close()
    assert w.centralWidget() is not None


def test_a_broken_audit_log_is_shown_in_a_banner(gui, qtbot) -> None:
    from app.services.audit import AuditChainDidBreak
    from ui.audit_banner import AuditBanner

    banner = gui.window.findChild(AuditBanner)
    assert banner is not None and not banner.isVisible()
    gui.workstation.bus.publish(AuditChainDidBreak(3, "entry content does not match its hash", 2))
    qtbot.waitUntil(banner.isVisible, timeout=3000)
    assert "altered at entry 3" in banner.message.text()
    assert banner.acknowledge.accessibleName()
    # Locking does not hide the warning (it holds no patient data).
    lock = _lock(gui)
    lock.lock()
    assert banner.isVisible()


def test_outside_demo_mode_nothing_shows_before_login_then_pin_is_set(
    qtbot, tmp_path, telemed_home, secret_service: SecretServiceSession
) -> None:
    import json

    from app.session.demo import demo_browser
    from tests.integration.regional_sim_process import regional_sim

    with regional_sim(tmp_path / "sim.sqlite3", extra_args=["--seed", "demo"]) as sim:
        config = telemed_home / "config"
        config.mkdir(parents=True)
        (config / "settings.json").write_text(json.dumps({"backend_url": sim.url}))
        s = launch(["--language", "en"])
        try:
            w, lock, ws = s.window, _lock(s), s.workstation
            qtbot.waitExposed(w)
            assert lock.locked and all(p.window() is not w for p in w.pages)
            assert w.pages == []  # areas are built after login: the login screen comes first
            screen = lock.lock_screen
            assert screen is not None
            assert screen.title.text() == "Log in to the telemedicine workstation"
            lock.use_opener(demo_browser("prac-ifec-colombo"))  # the test plays the browser
            screen.login_button.click()
            qtbot.waitUntil(lambda: not lock.locked, timeout=20_000)
            assert ws.session.identity is not None
            assert [p.AREA for p in w.pages][:2] == ["agenda", "patient"] and w.pages[0].isVisible()
            assert ws.session.identity.display_name == "Marco Colombo"

            qtbot.waitUntil(lambda: lock.pin_dialog is not None, timeout=5000)
            dialog = lock.pin_dialog
            qtbot.waitUntil(dialog.isVisible, timeout=3000)
            dialog.pin.setText("12345")
            dialog.repeat.setText("12345")
            dialog.buttons.accepted.emit()
            qtbot.waitUntil(lambda: "PIN not accepted" in dialog.message.text(), timeout=5000)
            dialog.pin.setText("colombo-7")
            dialog.repeat.setText("colombo-8")
            dialog.buttons.accepted.emit()
            assert dialog.message.text() == "The two entries differ."
            dialog.pin.setText("colombo-7")
            dialog.repeat.setText("colombo-7")
            dialog.buttons.accepted.emit()
            qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

            lock.lock()
            screen = lock.lock_screen
            qtbot.waitUntil(lambda: screen.user.count() == 1, timeout=3000)
            _type_pin(qtbot, screen, "prac-ifec-colombo", "colombo-7")
            qtbot.waitUntil(lambda: not lock.locked, timeout=5000)

            # The vault opened at login keeps the audit trail: login, lock, unlock, and a
            # patient record opened in the Patient area.
            w.show_area("patient")
            w.pages[[p.AREA for p in w.pages].index("patient")].open_patient("pat-001")
            vault = ws.sync.vault
            assert vault is not None

            def actions() -> list[str]:
                entries = ws.runtime.submit(vault.audit.entries()).result(10)
                return [json.loads(e.entry_json)["action"] for e in entries]

            qtbot.waitUntil(lambda: "open-record" in actions(), timeout=10_000)
            assert actions() == ["login", "lock", "unlock", "open-record"]
        finally:
            s.close()
    # Neither the PIN nor the name nor any token reached the log.
    log = (telemed_home / "log" / "workstation.log").read_text()
    assert "login completed" in log
    assert "colombo-7" not in log and "Colombo" not in log and "Bearer" not in log


def test_lock_screen_speaks_italian(gui, qtbot) -> None:
    gui.translations.apply("it")
    try:
        _check_italian(gui, qtbot)
    finally:
        gui.translations.apply("en")  # translators are process-wide: leave English behind


def _check_italian(gui, qtbot) -> None:
    w, lock = gui.window, _lock(gui)
    clock = FakeClock()
    lock.use_clock(clock, timer=False)
    clock.now += gui.workstation.settings.auto_lock_s - 10
    lock.tick()
    assert lock.warning.format() == ("Blocco tra 10 s: muovi il mouse o premi un tasto per restare")
    lock.lock()
    screen = lock.lock_screen
    assert screen is not None
    assert w.windowTitle() == "Postazione di telemedicina - bloccata"
    qtbot.waitUntil(lambda: screen.user.count() == 2, timeout=3000)
    assert screen.title.text() == "Postazione bloccata da Marco Colombo"
    assert screen.unlock_button.text() == "&Sblocca"
    _type_pin(qtbot, screen, NURSE.subject, "sbagliato-1")
    qtbot.waitUntil(lambda: screen.message.text() == "PIN errato.", timeout=5000)


def test_an_expired_regional_login_locks_and_says_why(gui, qtbot) -> None:
    from app.session.events import SessionDidExpire

    lock = _lock(gui)
    gui.workstation.bus.publish(SessionDidExpire(NURSE.subject))
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    assert "regional login has expired" in lock.lock_screen.message.text()
    qtbot.waitUntil(lambda: lock.lock_screen.user.count() == 2, timeout=3000)
    _type_pin(qtbot, lock.lock_screen, NURSE.subject, "nurse-pin-1")  # offline work goes on
    qtbot.waitUntil(lambda: not lock.locked, timeout=5000)


def test_a_short_inactivity_limit_keeps_the_warning_short(gui, qtbot) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    window.setCentralWidget(QLabel("record"))
    clock = FakeClock()
    limit = 30  # the shortest Settings.auto_lock_s allows
    lock = ShellLock(window, bridge=gui.bridge, session=None, auto_lock_s=lambda: limit)
    window.show()
    qtbot.waitExposed(window)
    try:
        lock.use_clock(clock, timer=False)
        lock.tick()
        assert not lock.warning.isVisible()  # no warning the moment the limit starts
        clock.now += 14
        lock.tick()
        assert not lock.warning.isVisible()
        clock.now += 1
        lock.tick()
        assert lock.warning.isVisible() and lock.warning.maximum() == 15
        clock.now += 15
        lock.tick()
        assert lock.locked and isinstance(window.centralWidget(), LockScreen)
    finally:
        lock.dispose()
        window.close()


def test_first_use_offers_only_the_browser_login(qtbot) -> None:
    screen = LockScreen()
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.set_sign_in(True)
    screen.show()
    screen.set_users([], None)  # nobody has signed in on this computer yet
    assert screen.first_use.isVisible() and "SPID, CIE or CNS" in screen.first_use.text()
    assert not any(w.isVisible() for w in (screen.user, screen.pin, screen.unlock_button))
    assert screen.login_button.isDefault() and screen.login_button.isVisible()
    assert not screen.message.isVisible()  # no empty message line
    assert screen.card.width() <= 480  # a card of reading width, not the whole window

    screen.set_users([Identity("prac-ifec-colombo", "Marco Colombo", "https://login")], None)
    assert not screen.first_use.isVisible()
    assert all(w.isVisible() for w in (screen.user, screen.pin, screen.unlock_button))
    assert screen.unlock_button.isDefault() and not screen.login_button.isDefault()
    screen.show_message("Wrong PIN.")
    assert screen.message.isVisible()
