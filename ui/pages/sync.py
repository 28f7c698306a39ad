"""Sync status: online/offline, items waiting, dead letters, last success, draining progress."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, QLocale
from PySide6.QtWidgets import QFormLayout, QLabel, QProgressBar, QWidget

from app.events import BackendConnectionDidChange, ConnectionState, SyncQueueDidChange
from ui.context import UiContext
from ui.pages.base import Page


class SyncPage(Page):
    AREA = "sync"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Sync status"))

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._state = ConnectionState.OFFLINE
        self._queue = SyncQueueDidChange(pending=0)
        self._drain_start = 0
        form = QFormLayout()
        self.state_label, self.state_value = QLabel(self), QLabel(self)
        self.pending_label, self.pending_value = QLabel(self), QLabel(self)
        self.dead_label, self.dead_value = QLabel(self), QLabel(self)
        self.last_label, self.last_value = QLabel(self), QLabel(self)
        for label, value in (
            (self.state_label, self.state_value),
            (self.pending_label, self.pending_value),
            (self.dead_label, self.dead_value),
            (self.last_label, self.last_value),
        ):
            form.addRow(label, value)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("syncProgress")
        self.progress.setVisible(False)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.progress)
        self.layout_.addStretch(1)
        ctx.bridge.on(BackendConnectionDidChange, self._on_connection)
        ctx.bridge.on(SyncQueueDidChange, self._on_queue)
        self.retranslate()

    def _on_connection(self, event: BackendConnectionDidChange) -> None:
        self._state = event.state
        self._render()

    def _on_queue(self, event: SyncQueueDidChange) -> None:
        if event.draining and not self._queue.draining:
            self._drain_start = event.pending
        self._queue = event
        self._render()

    def retranslate(self) -> None:
        super().retranslate()
        self.state_label.setText(self.tr("Regional backend"))
        self.pending_label.setText(self.tr("Items waiting to be sent"))
        self.dead_label.setText(self.tr("Items that need attention"))
        self.last_label.setText(self.tr("Last successful sync"))
        self.progress.setAccessibleName(self.tr("Sending progress"))
        self._render()

    def state_text(self) -> str:
        return {
            ConnectionState.ONLINE: self.tr("Online"),
            ConnectionState.CONNECTING: self.tr("Connecting..."),
            ConnectionState.OFFLINE: self.tr("Offline: work is saved on this computer"),
        }[self._state]

    def _render(self) -> None:
        q = self._queue
        self.state_value.setText(self.state_text())
        self.pending_value.setText(QLocale().toString(q.pending))
        self.dead_value.setText(QLocale().toString(q.dead))
        self.last_value.setText(
            QLocale().toString(
                QDateTime.fromSecsSinceEpoch(int(q.last_success_utc.timestamp())),
                QLocale.FormatType.ShortFormat,
            )
            if q.last_success_utc
            else self.tr("never")
        )
        for label, value in (
            (self.state_label, self.state_value),
            (self.pending_label, self.pending_value),
            (self.dead_label, self.dead_value),
            (self.last_label, self.last_value),
        ):
            value.setAccessibleName(f"{label.text()}: {value.text()}")
        self.progress.setVisible(q.draining)
        if q.draining:
            total = max(self._drain_start, q.pending, 1)
            self.progress.setRange(0, total)
            self.progress.setValue(total - q.pending)
