"""After an online login: choose the PIN or passphrase used to unlock this station (also offline).

The dialog checks that both fields match; strength rules live in the core
(:func:`app.session.offline.check_pin_strength`) and their error is shown here. The clinician may
skip it: then only the browser login unlocks, and offline work is impossible until a PIN is set.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.session.errors import SessionError, WeakPin
from app.session.manager import SessionManager
from ui.bridge import Bridge


class PinSetupDialog(QDialog):
    """Set the offline PIN of the clinician who just logged in."""

    def __init__(self, *, bridge: Bridge, session: SessionManager, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("pinSetupDialog")
        self._bridge = bridge
        self._session = session
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("newPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("repeatPin")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setObjectName("pinSetupMessage")
        self.message.setWordWrap(True)
        self.pin_label = QLabel(self)
        self.pin_label.setBuddy(self.pin)
        self.repeat_label = QLabel(self)
        self.repeat_label.setBuddy(self.repeat)
        form = QFormLayout()
        form.addRow(self.pin_label, self.pin)
        form.addRow(self.repeat_label, self.repeat)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.intro)
        box.addLayout(form)
        box.addWidget(self.message)
        box.addWidget(self.buttons)
        self.retranslate()

    def _submit(self) -> None:
        pin = self.pin.text()
        if pin != self.repeat.text():
            self._show(self.tr("The two entries differ."))
            return
        self.pin.clear()
        self.repeat.clear()
        self.buttons.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            if isinstance(error, WeakPin):
                text = self.tr(
                    "use at least 6 characters, not all the same and not a sequence of digits"
                )
            else:
                text = str(error) if isinstance(error, SessionError) else type(error).__name__
            self._show(self.tr("PIN not accepted: %1").replace("%1", text))
            self.pin.setFocus()

        self._bridge.submit(
            self._session.set_pin(pin),
            name=self.tr("Set PIN"),
            on_success=lambda _: self.accept(),
            on_error=failed,
        )

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Choose your unlock PIN"))
        self.intro.setText(
            self.tr(
                "Choose a PIN or passphrase (at least 6 characters). It unlocks this station "
                "after an automatic lock, and lets you work when the network is down."
            )
        )
        self.pin_label.setText(self.tr("&PIN or passphrase"))
        self.repeat_label.setText(self.tr("&Repeat"))
        self.pin.setAccessibleName(self.tr("New PIN or passphrase"))
        self.repeat.setAccessibleName(self.tr("Repeat the PIN or passphrase"))
        self.buttons.setAccessibleName(self.tr("Confirm or skip"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
