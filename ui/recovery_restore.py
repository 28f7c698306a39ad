"""Opening the offline store with the recovery key, when the keyring lost its key.

After a reinstall, a password reset or a new user profile, the OS secret store may no longer hold
the key of a clinician's encrypted store. Nothing is lost: the recovery key shown at their first
sign-in on this computer unwraps it. This box takes that key, restores it to the secret store
and opens the store (``Workstation.recover_offline_store``); a wrong key is said plainly, and the
store file is never touched.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.sync import KeyringUnavailable, WrongKey
from ui.context import UiContext


class RecoveryKeyRestore(QGroupBox):
    """Recovery-key entry with its explanation, progress and outcome."""

    #: The store is open again.
    restored = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("syncRestoreWithRecoveryKey")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.key_label = QLabel(self)
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("restoreRecoveryKey")
        self.key_label.setBuddy(self.key_edit)
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("restoreOpen")
        self.status = QLabel(self)
        self.status.setObjectName("restoreStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.key_label)
        row.addWidget(self.key_edit, 1)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.busy = False
        self.key_edit.textChanged.connect(self._update)
        self.key_edit.returnPressed.connect(self.restore)
        self.open_button.clicked.connect(self.restore)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Open your offline data with the recovery key"))
        self.text.setText(
            self.tr(
                "This computer's keyring no longer holds the key of your offline data (for "
                "example after a reinstall or a password reset). Nothing is lost: type the "
                "recovery key you saved at your first sign-in on this computer."
            )
        )
        self.key_label.setText(self.tr("Recovery &key:"))
        self.key_edit.setPlaceholderText("ABCD-EFGH-IJKL-...")
        self.key_edit.setAccessibleName(self.tr("Recovery key"))
        self.open_button.setText(self.tr("&Open offline data"))
        self.open_button.setAccessibleName(self.tr("Open the offline data with the recovery key"))
        self.status.setAccessibleName(self.tr("Recovery message"))

    def _update(self) -> None:
        self.key_edit.setEnabled(not self.busy)
        self.open_button.setEnabled(not self.busy and bool(self.key_edit.text().strip()))

    def restore(self) -> None:
        key = self.key_edit.text().strip()
        if self.busy or not key:
            return
        self.busy = True
        self.status.setText(self.tr("Opening your offline data..."))
        self._update()
        self.ctx.bridge.submit(
            self.ctx.workstation.recover_offline_store(key),
            name="sync.recover",
            on_success=self._restored,
            on_error=self._failed,
        )

    def _restored(self, _result: object) -> None:
        self.busy = False
        self.key_edit.clear()
        self.status.setText(self.tr("Your offline data is open again."))
        self._update()
        self.restored.emit()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        if isinstance(error, WrongKey):
            text = self.tr(
                "This is not the recovery key of your offline data: check the letters and digits "
                "and try again."
            )
        elif isinstance(error, KeyringUnavailable):
            text = self.tr("The system keyring is not available: %1").replace("%1", str(error))
        elif isinstance(error, FileNotFoundError):
            text = self.tr("There is no offline data of yours on this computer to open.")
        else:
            text = self.tr("The offline data could not be opened: %1").replace(
                "%1", str(error) or type(error).__name__
            )
        self.status.setText(text)
        self._update()
        self.key_edit.setFocus()
        self.key_edit.selectAll()
