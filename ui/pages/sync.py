"""Sync status: online/offline, items waiting, dead letters, last success, draining progress.

The items that need attention (dead letters) are listed with what the regional server said, in
words a clinician can act on, and can be retried one by one or all together. "Sync now" sends
what is waiting and refreshes the local copy of worklists and care plans. On the first login on
this computer, the recovery key of the new encrypted store is shown once; when the keyring has
lost the store's key, the recovery key opens it again (:mod:`ui.recovery_restore`).
"""

from __future__ import annotations

import html
import socket
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, QLocale, QTimer
from PySide6.QtGui import QGuiApplication, QShowEvent, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.events import BackendConnectionDidChange, ConnectionState, SyncQueueDidChange
from app.services.sync import SyncService, SyncStoreDidChange, UnitSummary
from ui.clinical import show_area
from ui.context import UiContext
from ui.pages.base import Page
from ui.recovery_restore import RecoveryKeyRestore

#: What the clinician should know and do, per kind of store problem (the core's own message,
#: in English, stays in the notice's tooltip for the help desk).
STORE_PROBLEMS: dict[str, str] = {
    "KeyringUnavailable": str(
        QT_TRANSLATE_NOOP(
            "SyncPage",
            "No system keyring is available, and health data is stored only encrypted with its "
            "key there. On Linux install and unlock a Secret Service provider (gnome-keyring or "
            "KeePassXC); on Windows use a normal user session; on macOS unlock the login "
            "Keychain.",
        )
    ),
    "VaultKeyMissing": str(
        QT_TRANSLATE_NOOP(
            "SyncPage",
            "The system keyring no longer holds the key of your offline data. Nothing is lost: "
            "open it with your recovery key.",
        )
    ),
    "WrongKey": str(
        QT_TRANSLATE_NOOP(
            "SyncPage",
            "The key in the system keyring does not open your offline data. Nothing is lost: "
            "open it with your recovery key.",
        )
    ),
    "VaultCorrupted": str(
        QT_TRANSLATE_NOOP(
            "SyncPage",
            "Your offline data file is damaged. It is kept untouched: call the help desk "
            "(Settings, Diagnostics).",
        )
    ),
    "PlaintextDatabase": str(
        QT_TRANSLATE_NOOP(
            "SyncPage",
            "The offline data file is not encrypted and was refused. It is kept untouched: call "
            "the help desk (Settings, Diagnostics).",
        )
    ),
    "VaultTooNew": str(
        QT_TRANSLATE_NOOP(
            "SyncPage",
            "Your offline data was written by a newer version of the workstation: update it.",
        )
    ),
    "MigrationError": str(
        QT_TRANSLATE_NOOP(
            "SyncPage",
            "Your offline data could not be upgraded to this version and was not changed: call "
            "the help desk (Settings, Diagnostics).",
        )
    ),
}

KIND_NAMES: dict[str, str] = {
    "measurement": str(QT_TRANSLATE_NOOP("SyncPage", "Measurement")),
    "visit": str(QT_TRANSLATE_NOOP("SyncPage", "Visit")),
    "consent": str(QT_TRANSLATE_NOOP("SyncPage", "Consent")),
    "audit": str(QT_TRANSLATE_NOOP("SyncPage", "Audit record")),
    "teleconsult": str(QT_TRANSLATE_NOOP("SyncPage", "Teleconsult")),
    "device-association": str(QT_TRANSLATE_NOOP("SyncPage", "Device assignment")),
}


class SyncPage(Page):
    AREA = "sync"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Sync status"))

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._state = ConnectionState.OFFLINE
        self._queue = SyncQueueDidChange(pending=0)
        self._drain_start = 0
        self._dead: list[UnitSummary] = []
        service = self._service()
        # The store may have failed before this page was built (areas are built after login).
        self._problem = service.problem if service is not None else ""
        self._problem_kind = service.problem_kind if service is not None else ""
        self._busy = False
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
        self.notice = QLabel(self)
        self.notice.setObjectName("syncNotice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        buttons = QHBoxLayout()
        self.sync_now_button = QPushButton(self)
        self.sync_now_button.setObjectName("syncNow")
        self.retry_selected_button = QPushButton(self)
        self.retry_selected_button.setObjectName("syncRetrySelected")
        self.retry_all_button = QPushButton(self)
        self.retry_all_button.setObjectName("syncRetryAll")
        for button in (self.sync_now_button, self.retry_selected_button, self.retry_all_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.sync_now_button.clicked.connect(self._sync_now)
        self.retry_selected_button.clicked.connect(self._retry_selected)
        self.retry_all_button.clicked.connect(self._retry_all)

        self.dead_table = QTableWidget(0, 4, self)
        self.dead_table.setObjectName("syncDeadLetters")
        self.dead_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dead_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.dead_table.verticalHeader().setVisible(False)
        for column in range(3):  # the headers must read whole in every language
            self.dead_table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.dead_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.dead_table.itemSelectionChanged.connect(self._update_buttons)
        self.dead_heading = QLabel(self)
        self.dead_heading.setBuddy(self.dead_table)
        self.waiting_heading = QLabel(self)
        self.waiting_table = QTableWidget(0, 5, self)
        self.waiting_table.setObjectName("syncWaiting")
        self.waiting_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.waiting_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.waiting_table.verticalHeader().setVisible(False)
        for column in range(4):
            self.waiting_table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.waiting_table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch
        )
        self.waiting_heading.setBuddy(self.waiting_table)
        self._waiting: list[UnitSummary] = []
        self._waiting_loading = False
        self._waiting_stale = False

        self.recovery_box = QGroupBox(self)
        self.recovery_box.setObjectName("syncRecoveryKey")
        self.recovery_text = QLabel(self.recovery_box)
        self.recovery_text.setWordWrap(True)
        self.recovery_key = QLineEdit(self.recovery_box)
        self.recovery_key.setReadOnly(True)
        self.recovery_copy = QPushButton(self.recovery_box)
        self.recovery_print = QPushButton(self.recovery_box)
        self.recovery_done = QPushButton(self.recovery_box)
        box_layout = QVBoxLayout(self.recovery_box)
        box_layout.addWidget(self.recovery_text)
        box_layout.addWidget(self.recovery_key)
        row = QHBoxLayout()
        row.addWidget(self.recovery_copy)
        row.addWidget(self.recovery_print)
        row.addWidget(self.recovery_done)
        row.addStretch(1)
        box_layout.addLayout(row)
        self.recovery_box.setVisible(False)
        self.recovery_copy.clicked.connect(self._copy_recovery_key)
        self.recovery_print.clicked.connect(self._ask_print_recovery_key)
        self.recovery_done.clicked.connect(self._hide_recovery_key)

        self.restore_box = RecoveryKeyRestore(ctx, self)
        self.restore_box.setVisible(service is not None and service.recoverable)
        self.restore_box.restored.connect(self._on_restored)
        if self.restore_box.isVisibleTo(self):
            # Built after a login whose store did not open: lead the clinician here.
            QTimer.singleShot(0, lambda: show_area(self, "sync"))

        self.layout_.addWidget(self.recovery_box)
        self.layout_.addWidget(self.restore_box)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.progress)
        self.layout_.addWidget(self.notice)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.dead_heading)
        self.layout_.addWidget(self.dead_table, 1)
        self.layout_.addWidget(self.waiting_heading)
        self.layout_.addWidget(self.waiting_table, 1)
        ctx.bridge.on(BackendConnectionDidChange, self._on_connection)
        ctx.bridge.on(SyncQueueDidChange, self._on_queue)
        ctx.bridge.on(SyncStoreDidChange, self._on_store)
        self.retranslate()

    # ------------------------------------------------------------------ events

    def _service(self) -> SyncService | None:
        return self.ctx.workstation.sync

    def _on_connection(self, event: BackendConnectionDidChange) -> None:
        self._state = event.state
        self._render()

    def _on_queue(self, event: SyncQueueDidChange) -> None:
        if event.draining and not self._queue.draining:
            self._drain_start = event.pending
        dead_changed = event.dead != self._queue.dead
        self._queue = event
        self._render()
        if dead_changed or (event.dead and not self._dead):
            self.refresh_dead_letters()
        self.refresh_waiting()

    def _on_store(self, event: SyncStoreDidChange) -> None:
        self._problem = event.problem
        self._problem_kind = event.problem_kind
        if event.recoverable and not self.restore_box.isVisibleTo(self):
            self.restore_box.setVisible(True)
            show_area(self, "sync")  # the clinician's offline work waits for their recovery key
            self.restore_box.key_edit.setFocus()
        elif event.open:
            self.restore_box.setVisible(False)
        if event.recovery_key_issued:
            self._fetch_recovery_key()
        if event.open:
            self.refresh_dead_letters()
            self.refresh_waiting()
        else:
            self._dead = []
            self._waiting = []
            self._fill_table()
            self._fill_waiting()
        self._render()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_dead_letters()
        self.refresh_waiting()
        service = self._service()
        if service is not None and service.recovery_key is not None:
            self._fetch_recovery_key()  # issued while this page was never shown

    # ----------------------------------------------------------------- actions

    def refresh_dead_letters(self) -> None:
        service = self._service()
        if service is None or service.vault is None:
            return

        async def load() -> list[UnitSummary]:
            return await service.units(state="dead")

        self.ctx.bridge.submit(load(), name="sync.dead-letters", on_success=self._on_dead_loaded)

    def refresh_waiting(self) -> None:
        """Reload the waiting items (at most one load in flight; a change meanwhile reloads)."""
        service = self._service()
        if service is None or service.vault is None or not self.isVisible():
            return
        if self._waiting_loading:
            self._waiting_stale = True
            return
        self._waiting_loading = True

        async def load() -> list[UnitSummary]:
            return await service.units(state="pending", limit=200)

        self.ctx.bridge.submit(
            load(),
            name="sync.waiting",
            on_success=self._on_waiting_loaded,
            on_error=lambda _e: self._on_waiting_loaded(self._waiting),
        )

    def _on_waiting_loaded(self, units: list[UnitSummary]) -> None:
        self._waiting_loading = False
        self._waiting = units
        self._fill_waiting()
        if self._waiting_stale:
            self._waiting_stale = False
            self.refresh_waiting()

    def _on_dead_loaded(self, units: list[UnitSummary]) -> None:
        self._dead = units
        self._fill_table()
        self._update_buttons()

    def _run(self, coro: Any, name: str) -> None:
        self._busy = True
        self._update_buttons()
        self.ctx.bridge.submit(coro, name=name, on_success=self._done, on_error=self._failed)

    def _done(self, _result: object) -> None:
        self._busy = False
        self._problem = ""
        self._problem_kind = ""
        self._update_buttons()
        self.refresh_dead_letters()
        self._render()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._problem = str(error) or type(error).__name__
        self._problem_kind = ""
        self._update_buttons()
        self._render()

    def _sync_now(self) -> None:
        service = self._service()
        if service is not None and service.vault is not None:
            self._run(service.sync_now(), "sync.now")

    def _retry_selected(self) -> None:
        service = self._service()
        rows = sorted({index.row() for index in self.dead_table.selectedIndexes()})
        ids = [self._dead[r].unit_id for r in rows if r < len(self._dead)]
        if service is not None and ids:
            self._run(service.retry(ids), "sync.retry")

    def _retry_all(self) -> None:
        service = self._service()
        if service is not None and self._dead:
            self._run(service.retry_all_dead(), "sync.retry-all")

    def _fetch_recovery_key(self) -> None:
        service = self._service()
        if service is None:
            return

        async def take() -> str | None:
            return service.take_recovery_key()

        self.ctx.bridge.submit(take(), name="sync.recovery-key", on_success=self._show_recovery_key)

    def _show_recovery_key(self, key: str | None) -> None:
        if not key:
            return
        self.recovery_key.setText(key)
        self.recovery_box.setVisible(True)
        self.recovery_key.setFocus()
        self.recovery_key.selectAll()

    def _copy_recovery_key(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key.text())

    def _ask_print_recovery_key(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_recovery_key(printer)

    def print_recovery_key(self, printer: QPrinter) -> None:
        """One sheet: whose key it is, for which station, when, the key, and how to keep it."""
        session = self.ctx.workstation.session
        identity = session.identity if session is not None else None
        who = (identity.display_name or identity.subject) if identity is not None else ""
        when = QLocale().toString(QDateTime.currentDateTime(), QLocale.FormatType.LongFormat)
        doc = QTextDocument()
        doc.setHtml(
            f"<h2>{html.escape(self.tr('Recovery key of your offline data'))}</h2>"
            f"<p>{html.escape(who)}<br>{html.escape(socket.gethostname())}<br>"
            f"{html.escape(when)}</p>"
            f"<p style='font-family:monospace; font-size:16pt'>"
            f"{html.escape(self.recovery_key.text())}</p>"
            f"<p>{html.escape(self._keep_safe_text())}</p>"
        )
        doc.print_(printer)

    def _keep_safe_text(self) -> str:
        return self.tr(
            "Keep this sheet in a safe place, away from the computer. With it, the offline data "
            "of this clinician on this computer can be opened if the system keyring loses its key."
        )

    def _hide_recovery_key(self) -> None:
        self.recovery_key.clear()
        self.recovery_box.setVisible(False)

    def _on_restored(self) -> None:
        self.restore_box.setVisible(False)
        self._problem = ""
        self._problem_kind = ""
        self._render()

    # ------------------------------------------------------------------ texts

    def retranslate(self) -> None:
        super().retranslate()
        self.state_label.setText(self.tr("Regional backend"))
        self.pending_label.setText(self.tr("Items waiting to be sent"))
        self.dead_label.setText(self.tr("Items that need attention"))
        self.last_label.setText(self.tr("Last successful sync"))
        self.progress.setAccessibleName(self.tr("Sending progress"))
        self.sync_now_button.setText(self.tr("&Sync now"))
        self.sync_now_button.setAccessibleName(self.tr("Send waiting items now"))
        self.retry_selected_button.setText(self.tr("&Retry selected"))
        self.retry_selected_button.setAccessibleName(self.tr("Retry the selected items"))
        self.retry_all_button.setText(self.tr("Retry &all"))
        self.retry_all_button.setAccessibleName(self.tr("Retry every item that needs attention"))
        self.dead_table.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Saved"),
                self.tr("Attempts"),
                self.tr("What the server said"),
            ]
        )
        self.dead_table.setAccessibleName(self.tr("Items that need attention"))
        self.dead_heading.setText(self.tr("Items that need attention"))
        self.waiting_heading.setText(self.tr("Waiting to be sent"))
        self.waiting_table.setAccessibleName(self.tr("Waiting to be sent"))
        self.waiting_table.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Saved"),
                self.tr("Attempts"),
                self.tr("Next try"),
                self.tr("Last problem"),
            ]
        )
        self.recovery_box.setTitle(self.tr("Recovery key of your offline data"))
        self.recovery_text.setText(
            self.tr(
                "Your work on this computer is stored encrypted. Write down or print this "
                "recovery key and keep it safe: it is shown only now, and it is the only way to "
                "open your offline data if the system keyring is lost."
            )
        )
        self.recovery_key.setAccessibleName(self.tr("Recovery key"))
        self.recovery_copy.setText(self.tr("&Copy"))
        self.recovery_copy.setAccessibleName(self.tr("Copy the recovery key"))
        self.recovery_print.setText(self.tr("&Print..."))
        self.recovery_print.setAccessibleName(self.tr("Print the recovery key"))
        self.recovery_done.setText(self.tr("I have saved it"))
        self.recovery_done.setAccessibleName(self.tr("I have saved the recovery key"))
        self.notice.setAccessibleName(self.tr("Sync message"))
        self.restore_box.retranslate()
        self._fill_table()
        self._fill_waiting()
        self._render()

    def state_text(self) -> str:
        return {
            ConnectionState.ONLINE: self.tr("Online"),
            ConnectionState.CONNECTING: self.tr("Connecting..."),
            ConnectionState.OFFLINE: self.tr("Offline: work is saved on this computer"),
        }[self._state]

    def reason_text(self, unit: UnitSummary) -> str:
        """What went wrong, for a clinician: our explanation plus the server's own words."""
        status = unit.last_status
        server = unit.last_error or ""
        if status is None:
            text = self.tr("The regional server could not be reached or answered badly.")
        elif status in (400, 422):
            text = self.tr("The regional server did not accept the data.")
        elif status == 401:
            text = self.tr("Your sign-in has expired: sign in again, then retry.")
        elif status == 403:
            text = self.tr("Your account is not allowed to send this item.")
        elif status in (404, 410):
            text = self.tr("Something this item refers to no longer exists on the server.")
        elif status in (409, 412):
            text = self.tr("It conflicts with a change made elsewhere.")
        elif status == 429 or status >= 500:
            text = self.tr("The regional server had a problem; retry later.")
        else:
            text = self.tr("The regional server refused the item (HTTP %1).").replace(
                "%1", str(status)
            )
        # Only the server's own words are appended (they start with the HTTP status); our
        # internal notes are already said, translated, by the sentence above.
        return f"{text} {server}" if server.startswith("HTTP ") else text

    def kind_text(self, unit: UnitSummary) -> str:
        source = KIND_NAMES.get(unit.kind)
        kind = self.tr(source) if source else unit.kind
        return f"{kind}: {unit.label}" if unit.label else kind

    def _fill_table(self) -> None:
        self.dead_table.setRowCount(len(self._dead))
        for row, unit in enumerate(self._dead):
            saved = QLocale().toString(
                QDateTime.fromSecsSinceEpoch(int(unit.created_at_utc.timestamp())),
                QLocale.FormatType.ShortFormat,
            )
            cells = (self.kind_text(unit), saved, QLocale().toString(unit.attempts))
            for column, text in enumerate((*cells, self.reason_text(unit))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.dead_table.setItem(row, column, item)

    def _fill_waiting(self) -> None:
        self.waiting_table.setRowCount(len(self._waiting))
        for row, unit in enumerate(self._waiting):
            next_try = (
                QLocale().toString(
                    QDateTime.fromSecsSinceEpoch(int(unit.next_attempt_at_utc.timestamp())),
                    QLocale.FormatType.ShortFormat,
                )
                if unit.next_attempt_at_utc
                else self.tr("now")
            )
            problem = self.reason_text(unit) if unit.last_error else ""
            cells = (
                self.kind_text(unit),
                _short_time(unit.created_at_utc.timestamp()),
                QLocale().toString(unit.attempts),
                next_try,
                problem,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.waiting_table.setItem(row, column, item)

    def _update_buttons(self) -> None:
        service = self._service()
        store_open = service is not None and service.vault is not None
        self.sync_now_button.setEnabled(store_open and not self._busy)
        self.retry_all_button.setEnabled(store_open and not self._busy and bool(self._dead))
        self.retry_selected_button.setEnabled(
            store_open and not self._busy and bool(self.dead_table.selectedIndexes())
        )

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
        service = self._service()
        self.notice.setToolTip(self._problem)  # the core's own words, for the help desk
        known = STORE_PROBLEMS.get(self._problem_kind)
        if known is not None:
            notice = self.tr(known)
        elif self._problem:
            notice = self.tr("The offline store is not available: %1").replace("%1", self._problem)
        elif service is None or service.vault is None:
            notice = self.tr("Sign in to see and send the work saved on this computer.")
        elif self.ctx.workstation.ephemeral_store:
            notice = self.tr(
                "Demo without a system keyring: this session's work is stored encrypted with a "
                "key kept in memory, and deleted when you quit."
            )
        else:
            notice = ""
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.progress.setVisible(q.draining)
        if q.draining:
            total = max(self._drain_start, q.pending, 1)
            self.progress.setRange(0, total)
            self.progress.setValue(total - q.pending)
        self._update_buttons()


def _short_time(seconds: float) -> str:
    return QLocale().toString(
        QDateTime.fromSecsSinceEpoch(int(seconds)), QLocale.FormatType.ShortFormat
    )
