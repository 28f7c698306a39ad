"""The UI side of the audit trail.

:class:`AuditBanner` reports a broken audit log at the top of the main window; it is never hidden
automatically (the clinician can only acknowledge it; the break stays recorded and is synced).
:func:`record_audited_act` is what pages call when the clinician opens a record, exports or
prints.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QToolBar, QWidget

from app.domain.audit import AuditAction
from app.logs import safe
from app.services.audit import AuditChainDidBreak
from ui.bridge import Bridge
from ui.context import UiContext

_log = logging.getLogger(__name__)


class AuditBanner(QToolBar):
    """Red, fixed bar under the title; appears on :class:`AuditChainDidBreak`."""

    def __init__(self, window: QMainWindow, bridge: Bridge) -> None:
        super().__init__(window)
        self.setObjectName("auditBanner")
        self.setMovable(False)
        self.setFloatable(False)
        body = QWidget(self)
        row = QHBoxLayout(body)
        row.setContentsMargins(8, 4, 8, 4)
        self.message = QLabel(body)
        self.message.setObjectName("auditBannerMessage")
        self.message.setWordWrap(True)
        self.acknowledge = QPushButton(body)
        self.acknowledge.setObjectName("auditBannerAcknowledge")
        row.addWidget(self.message, 1)
        row.addWidget(self.acknowledge)
        self.addWidget(body)
        self.setStyleSheet("QToolBar#auditBanner { background: #b00020; color: white; }")
        self.acknowledge.clicked.connect(self.hide)
        self._event: AuditChainDidBreak | None = None
        window.addToolBar(self)
        self.hide()
        bridge.on(AuditChainDidBreak, self._on_break)
        self.retranslate()

    def _on_break(self, event: AuditChainDidBreak) -> None:
        self._event = event
        self.retranslate()
        self.show()

    def retranslate(self) -> None:
        event = self._event
        if event is None:
            text = ""
        elif event.first_break_seq is None:
            text = self.tr(
                "The local audit log cannot be read: it may have been tampered with. "
                "Tell the data protection officer."
            )
        else:
            text = self.tr(
                "The local audit log was altered at entry %1: it may have been tampered "
                "with. Tell the data protection officer."
            ).replace("%1", str(event.first_break_seq))
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.setAccessibleName(self.tr("Audit log warning"))
        self.acknowledge.setText(self.tr("&Acknowledge"))
        self.acknowledge.setAccessibleName(self.tr("Acknowledge the audit log warning"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def record_audited_act(
    ctx: UiContext,
    action: AuditAction,
    *,
    patient_id: str | None = None,
    what: str | None = None,
) -> None:
    """Append an audited act (record opened, export, print...) to the clinician's audit trail.

    Fire and forget from the GUI thread: the entry is written on the core loop; a failure goes
    to the error presenter. Without an open vault (nobody logged in, no secret store) the act
    cannot be kept and nothing happens.
    """
    session = ctx.workstation.session
    audit = session.audit if session is not None else None
    if audit is None:
        return

    def failed(error: BaseException) -> None:
        # Logged, not a modal box in the middle of the clinician's work; the store reports its
        # own failures on the sync page.
        _log.error("audit entry not written: %s", safe(type(error).__name__))

    ctx.bridge.submit(
        audit.record(action, patient_id=patient_id, what=what),
        name=QCoreApplication.translate("AuditBanner", "Audit log"),
        on_error=failed,
    )
