"""Shared-station privacy: auto-lock after inactivity with a warning, a lock screen that replaces
the main window's content, unlock with the PIN and fast user switching.

:class:`ShellLock` watches user input application-wide. ``warning_s`` before the configured
``Settings.auto_lock_s`` it shows a countdown bar; any input cancels it. At the limit it locks:
the main window's central widget (every page, hence every patient datum) is *taken out* of the
window and replaced by :class:`LockScreen`, other top-level windows are hidden, shortcuts are
disabled and the title shows no data. Unlocking puts the same widgets back.

Calls: a running call is never dropped by a lock. Video code registers a :class:`CallGuard`;
while one reports an active call, auto-lock is postponed (a clinician talking is not idle), and a
manual lock keeps only the guard's call windows visible.

Time comes from an injectable monotonic clock and the check runs on :meth:`ShellLock.tick`
(driven by a 1 s QTimer), so tests use a fake clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.logs import safe
from app.session.errors import SessionError, UnlockThrottled, WrongPin
from app.session.events import SessionDidChange, SessionDidExpire, SessionState
from app.session.manager import SessionManager
from app.session.offline import Identity
from app.session.oidc import BrowserOpener, open_system_browser
from ui.bridge import Bridge
from ui.login_dialog import PinSetupDialog

WARNING_S = 30
_log = logging.getLogger(__name__)


def _logged(what: str) -> Callable[[BaseException], None]:
    """Error callback of a background step: logged, never a modal box over the lock screen."""

    def report(error: BaseException) -> None:
        _log.error("%s failed: %s", safe(what), safe(type(error).__name__))

    return report


_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class CallGuard(Protocol):
    """What the lock asks of the video UI. Register with :meth:`ShellLock.add_call_guard`."""

    def call_active(self) -> bool:
        """True while a call is connected or connecting."""
        ...

    def call_windows(self) -> list[QWidget]:
        """Top-level windows that must stay visible during a lock (the call only, no records)."""
        ...


class LockScreen(QWidget):
    """What a locked station shows: who locked it, a user choice, PIN, unlock."""

    unlock_requested = Signal(str, str)  # subject, PIN
    online_login_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.title = QLabel(self)
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.user = QComboBox(self)
        self.user.setObjectName("lockUser")
        self.pin = QLineEdit(self)
        self.pin.setObjectName("lockPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.unlock_button = QPushButton(self)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.login_button = QPushButton(self)
        self.login_button.setObjectName("onlineLoginButton")
        self.message = QLabel(self)
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.syncing = QLabel(self)
        self.syncing.setObjectName("lockSyncing")
        self.syncing.setWordWrap(True)
        self._syncing_names: list[str] = []
        self.user_label = QLabel(self)
        self.pin_label = QLabel(self)
        self.user_label.setBuddy(self.user)
        self.pin_label.setBuddy(self.pin)
        self.first_use = QLabel(self)
        self.first_use.setObjectName("lockFirstUse")
        self.first_use.setWordWrap(True)
        self.first_use.hide()  # until the enrolled users are known
        form = QFormLayout()
        form.addRow(self.user_label, self.user)
        form.addRow(self.pin_label, self.pin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.login_button)
        # A card of reading width in the middle of the window, whatever its size.
        self.card = QFrame(self)
        self.card.setObjectName("lockCard")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.card.setMaximumWidth(480)
        self.card.setMinimumWidth(360)
        card = QVBoxLayout(self.card)
        card.setContentsMargins(24, 20, 24, 20)
        card.setSpacing(12)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        card.addWidget(self.title)
        card.addWidget(self.first_use)
        card.addLayout(form)
        card.addLayout(buttons)
        card.addWidget(self.message)
        card.addWidget(self.syncing)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addLayout(row)
        box.addStretch(2)
        self.unlock_button.clicked.connect(self._submit)
        self.pin.returnPressed.connect(self._submit)
        self.login_button.clicked.connect(self.online_login_requested)
        self._locked_by = ""
        self._sign_in = False
        self.retranslate()

    def set_sign_in(self, sign_in: bool) -> None:
        """Nobody is logged in: the screen invites a login rather than an unlock."""
        self._sign_in = sign_in
        self.retranslate()

    def set_users(self, users: list[Identity], current: str | None) -> None:
        """Clinicians who can unlock here with their PIN. None yet (first use of this computer):
        only the browser login is offered, and it is the default button."""
        self.user.clear()
        for identity in users:
            self.user.addItem(identity.display_name or identity.subject, identity.subject)
        index = self.user.findData(current) if current else -1
        self.user.setCurrentIndex(max(0, index))
        offline = bool(users)
        for widget in (self.user_label, self.user, self.pin_label, self.pin, self.unlock_button):
            widget.setVisible(offline)
        self.first_use.setVisible(not offline)
        self.unlock_button.setDefault(offline)
        self.login_button.setDefault(not offline)
        (self.pin if offline else self.login_button).setFocus()

    def set_locked_by(self, name: str) -> None:
        self._locked_by = name
        self.retranslate()

    def set_syncing(self, names: list[str]) -> None:
        """Earlier users whose queued work is still being sent (under their own identity)."""
        self._syncing_names = names
        self.retranslate()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.setVisible(bool(text))

    def set_busy(self, busy: bool) -> None:
        for w in (self.unlock_button, self.pin, self.user, self.login_button):
            w.setEnabled(not busy)

    def _submit(self) -> None:
        subject = self.user.currentData()
        if subject is None or not self.pin.text():
            self.show_message(self.tr("Choose your name and type your PIN."))
            return
        pin = self.pin.text()
        self.pin.clear()
        self.unlock_requested.emit(str(subject), pin)

    def retranslate(self) -> None:
        if self._sign_in:
            self.title.setText(self.tr("Log in to the telemedicine workstation"))
        elif self._locked_by:
            self.title.setText(self.tr("Workstation locked by %1").replace("%1", self._locked_by))
        else:
            self.title.setText(self.tr("Workstation locked"))
        self.user_label.setText(self.tr("&User"))
        self.pin_label.setText(self.tr("&PIN"))
        self.user.setAccessibleName(self.tr("User"))
        self.pin.setAccessibleName(self.tr("PIN or passphrase"))
        self.unlock_button.setText(self.tr("&Unlock"))
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.first_use.setText(
            self.tr(
                "No one has signed in on this computer yet. Sign in with your regional account "
                "(SPID, CIE or CNS) in the browser; then you can also unlock with a PIN, even "
                "offline."
            )
        )
        self.login_button.setText(self.tr("Log in with the &browser"))
        self.login_button.setAccessibleName(self.tr("Log in with the browser"))
        self.setAccessibleName(self.title.text())
        text = (
            self.tr("Still sending the queued work of: %1").replace(
                "%1", ", ".join(self._syncing_names)
            )
            if self._syncing_names
            else ""
        )
        self.syncing.setText(text)
        self.syncing.setAccessibleName(text)
        self.syncing.setVisible(bool(text))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ShellLock(QObject):
    """Auto-lock, lock and unlock of one main window."""

    locked_changed = Signal(bool)
    warning_changed = Signal(int)  # seconds left; -1 when the warning is withdrawn

    def __init__(
        self,
        window: QMainWindow,
        *,
        bridge: Bridge,
        session: SessionManager | None,
        auto_lock_s: Callable[[], int],
        clock: Callable[[], float] = time.monotonic,
        warning_s: int = WARNING_S,
        timer_interval_ms: int = 1000,
        opener: BrowserOpener = open_system_browser,
        start_locked: bool = False,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._bridge = bridge
        self._session = session
        self._auto_lock_s = auto_lock_s
        self._clock = clock
        self._warning_s = warning_s
        self._opener = opener
        self._last_input = clock()
        self._guards: list[CallGuard] = []
        self._held: QWidget | None = None
        self._hidden: list[QWidget] = []
        self._title = ""
        self.lock_screen: LockScreen | None = None
        self.warning = QProgressBar(window)
        self.warning.setObjectName("autoLockWarning")
        self.warning.setTextVisible(True)
        self.warning.setAccessibleName(self.tr("Automatic lock countdown"))
        self.warning.hide()
        window.statusBar().addWidget(self.warning, 1)
        self.user_label = QLabel(window)
        self.user_label.setObjectName("sessionUser")
        window.statusBar().addPermanentWidget(self.user_label)
        self._user_event: SessionDidChange | None = None
        self._render_user()
        self._lock_shortcut = QShortcut(QKeySequence("Ctrl+L"), window)
        self._lock_shortcut.activated.connect(self.lock)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(timer_interval_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        bridge.on(SessionDidChange, self._on_session)
        bridge.on(SessionDidExpire, self._on_expired)
        self.pin_dialog: PinSetupDialog | None = None
        if start_locked:
            self.lock()

    # -- public ---------------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self._held is not None

    def use_clock(self, clock: Callable[[], float], *, timer: bool = True) -> None:
        """Replace the monotonic clock (tests); ``timer=False`` leaves ticking to the caller."""
        self._clock = clock
        self._last_input = clock()
        if not timer:
            self._timer.stop()

    def use_opener(self, opener: BrowserOpener) -> None:
        """Replace the system browser (tests, kiosk set-ups with an embedded browser)."""
        self._opener = opener

    def add_call_guard(self, guard: CallGuard) -> None:
        self._guards.append(guard)

    def remove_call_guard(self, guard: CallGuard) -> None:
        if guard in self._guards:
            self._guards.remove(guard)

    def call_active(self) -> bool:
        return any(g.call_active() for g in self._guards)

    def tick(self) -> None:
        """Check inactivity (called by the timer every second; tests call it directly)."""
        if self.locked:
            return
        if self.call_active():
            self._last_input = self._clock()  # talking is not being idle
            self._set_warning(-1)
            return
        idle = self._clock() - self._last_input
        limit = self._auto_lock_s()
        warning = self._warning_for(limit)
        if idle >= limit:
            self.lock()
        elif idle >= limit - warning:
            self._set_warning(int(limit - idle + 0.999))
        else:
            self._set_warning(-1)

    def _warning_for(self, limit: int) -> int:
        """The countdown length: ``warning_s``, but at most half the inactivity limit."""
        return max(1, min(self._warning_s, limit // 2))

    def lock(self) -> None:
        """Hide every patient datum now (idempotent)."""
        if self.locked:
            return
        self._set_warning(-1)
        keep: set[int] = set()
        for guard in self._guards:
            if guard.call_active():
                keep.update(id(w) for w in guard.call_windows())
        self._hidden = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self._window and w.isVisible() and id(w) not in keep
        ]
        for w in self._hidden:
            w.hide()
        self._held = self._window.takeCentralWidget()
        screen = LockScreen()
        screen.unlock_requested.connect(self._unlock)
        screen.online_login_requested.connect(self._online_login)
        self.lock_screen = screen
        self._window.setCentralWidget(screen)
        for shortcut in self._window.findChildren(QShortcut):
            if shortcut is not self._lock_shortcut:
                shortcut.setEnabled(False)
        self._title = self._window.windowTitle()
        self._set_locked_title()
        self._fill_users()
        screen.pin.setFocus()
        self.locked_changed.emit(True)
        if self._session is not None:
            self._bridge.submit(
                self._session.lock(), name=self.tr("Lock"), on_error=_logged("session lock")
            )

    # -- internals ------------------------------------------------------------------------------
    def _fill_users(self) -> None:
        session = self._session
        screen = self.lock_screen
        if session is None or screen is None:
            return
        current = session.identity.subject if session.identity else None
        if session.identity is not None:
            screen.set_locked_by(session.identity.display_name or session.identity.subject)
        else:
            screen.set_sign_in(True)

        def show(users: list[Identity]) -> None:
            if self.lock_screen is screen:
                screen.set_users(users, current)
                names = {u.subject: u.display_name or u.subject for u in users}
                syncing = self._user_event.syncing_for if self._user_event else ()
                screen.set_syncing([names.get(s, s) for s in syncing])

        self._bridge.submit(
            session.offline.enrolled(),
            name=self.tr("Users"),
            on_success=show,
            on_error=_logged("offline users"),
        )

    def _unlock(self, subject: str, pin: str) -> None:
        session = self._session
        screen = self.lock_screen
        if session is None or screen is None:
            return
        screen.set_busy(True)
        same = session.identity is not None and session.identity.subject == subject
        coro = session.unlock(pin) if same else session.unlock_offline(subject, pin)

        def failed(error: BaseException) -> None:
            screen.set_busy(False)
            screen.pin.setFocus()
            if isinstance(error, WrongPin):
                text = self.tr("Wrong PIN.")
                if error.retry_after_s > 0:
                    text += " " + self.tr("Try again in %1 s.").replace(
                        "%1", str(int(error.retry_after_s))
                    )
            elif isinstance(error, UnlockThrottled):
                text = self.tr("Too many wrong attempts. Try again in %1 s.").replace(
                    "%1", str(int(error.retry_after_s + 0.999))
                )
            elif isinstance(error, SessionError):
                text = self.tr("Cannot unlock: %1").replace("%1", str(error))
            else:
                text = self.tr("Cannot unlock.")
            screen.show_message(text)

        self._bridge.submit(
            coro, name=self.tr("Unlock"), on_success=lambda _: self._restore(), on_error=failed
        )

    def _online_login(self) -> None:
        """Log in (as anyone) in the system browser; a different clinician takes over."""
        session = self._session
        screen = self.lock_screen
        if session is None or screen is None:
            return
        screen.set_busy(True)
        screen.show_message(self.tr("Complete the login in the browser window..."))

        def failed(error: BaseException) -> None:
            screen.set_busy(False)
            screen.show_message(self.tr("Login failed: %1").replace("%1", str(error)))

        def logged_in(identity: Identity) -> None:
            self._restore()
            self._bridge.submit(
                session.offline.is_enrolled(identity.subject),
                name=self.tr("Login"),
                on_success=lambda enrolled: None if enrolled else self._ask_pin(session),
                on_error=_logged("PIN enrolment check"),
            )

        self._bridge.submit(
            session.login(self._opener),
            name=self.tr("Login"),
            on_success=logged_in,
            on_error=failed,
        )

    def _ask_pin(self, session: SessionManager) -> None:
        dialog = PinSetupDialog(bridge=self._bridge, session=session, parent=self._window)
        self.pin_dialog = dialog
        dialog.open()

    def _restore(self) -> None:
        if self._held is None:
            return
        # A window started locked builds its areas only now (the login screen came first).
        ensure_pages = getattr(self._window, "ensure_pages", None)
        if ensure_pages is not None:
            ensure_pages()
        screen = self._window.takeCentralWidget()
        self._window.setCentralWidget(self._held)
        self._held.show()
        self._held = None
        if screen is not None:
            screen.deleteLater()
        self.lock_screen = None
        for shortcut in self._window.findChildren(QShortcut):
            shortcut.setEnabled(True)
        for w in self._hidden:
            w.show()
        self._hidden = []
        self._window.setWindowTitle(self._title)
        self._last_input = self._clock()
        self.locked_changed.emit(False)

    def _on_expired(self, event: SessionDidExpire) -> None:
        """The regional login expired: lock and say why (the PIN still unlocks, offline)."""
        self.lock()
        if self.lock_screen is not None:
            self.lock_screen.show_message(
                self.tr(
                    "Your regional login has expired: log in again with the browser, or unlock "
                    "with your PIN to keep working offline."
                )
            )

    def _set_locked_title(self) -> None:
        if self.locked:
            self._window.setWindowTitle(self.tr("Telemedicine workstation - locked"))

    def _render_user(self) -> None:
        event = self._user_event
        if event is None or event.subject is None:
            text = self.tr("Nobody logged in")
        else:
            text = event.display_name or event.subject
            if event.offline:
                text = self.tr("%1 (offline unlock)").replace("%1", text)
        self.user_label.setText(text)
        self.user_label.setAccessibleName(self.tr("Logged in: %1").replace("%1", text))

    def _on_session(self, event: SessionDidChange) -> None:
        self._user_event = event
        self._render_user()
        if event.state in (SessionState.LOCKED, SessionState.SIGNED_OUT) and not self.locked:
            self.lock()

    def _set_warning(self, seconds_left: int) -> None:
        if seconds_left < 0:
            if self.warning.isVisible():
                self.warning.hide()
                self.warning_changed.emit(-1)
            return
        text = self.tr("Locking in %1 s: move the mouse or press a key to stay").replace(
            "%1", str(seconds_left)
        )
        self.warning.setRange(0, self._warning_for(self._auto_lock_s()))
        self.warning.setValue(seconds_left)
        self.warning.setFormat(text)
        self.warning.setAccessibleName(text)
        self.warning.show()
        self.warning_changed.emit(seconds_left)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange and watched is self._window:
            self._render_user()
            self.warning.setAccessibleName(self.tr("Automatic lock countdown"))
            if self.locked:  # after the window's own retranslation has set its normal title
                QTimer.singleShot(0, self._set_locked_title)
        if event.type() in _INPUT_EVENTS and not self.locked:
            self._last_input = self._clock()
            if self.warning.isVisible():
                self._set_warning(-1)
        return False

    def dispose(self) -> Any:
        """Stop watching (window closing)."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
