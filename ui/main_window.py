"""The main window: navigation among the areas, a status bar with connection and sync queue."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.events import BackendConnectionDidChange, ConnectionState, SyncQueueDidChange
from ui.context import UiContext
from ui.error_text import reason_text
from ui.pages.base import Page, area_title


@dataclass(frozen=True, slots=True)
class Area:
    """An area of the window; its page module is imported only when the pages are built."""

    key: str
    title: str  # QT_TRANSLATE_NOOP("Areas", ...): the same text as the page's TITLE
    module: str
    page_class: str

    def page_type(self) -> type[Page]:
        page_type: type[Page] = getattr(importlib.import_module(self.module), self.page_class)
        return page_type


AREAS: tuple[Area, ...] = (
    Area("agenda", str(QT_TRANSLATE_NOOP("Areas", "Agenda")), "ui.pages.agenda", "AgendaPage"),
    Area("patient", str(QT_TRANSLATE_NOOP("Areas", "Patient")), "ui.pages.patient", "PatientPage"),
    Area(
        "telemonitoring",
        str(QT_TRANSLATE_NOOP("Areas", "Telemonitoring")),
        "ui.pages.telemonitoring",
        "TelemonitoringPage",
    ),
    Area("devices", str(QT_TRANSLATE_NOOP("Areas", "Devices")), "ui.pages.devices", "DevicesPage"),
    Area("calls", str(QT_TRANSLATE_NOOP("Areas", "Calls")), "ui.pages.calls", "CallsPage"),
    Area(
        "teleconsults",
        str(QT_TRANSLATE_NOOP("Areas", "Teleconsults")),
        "ui.pages.teleconsults",
        "TeleconsultsPage",
    ),
    Area("sync", str(QT_TRANSLATE_NOOP("Areas", "Sync status")), "ui.pages.sync", "SyncPage"),
    Area(
        "settings", str(QT_TRANSLATE_NOOP("Areas", "Settings")), "ui.pages.settings", "SettingsPage"
    ),
)


#: Item data role of the navigation list: the area's keyboard shortcut, drawn right-aligned.
SHORTCUT_ROLE = Qt.ItemDataRole.UserRole + 1


class _ShortcutDelegate(QStyledItemDelegate):
    """Draws an area's shortcut right-aligned and muted after its title (any title length)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        shortcut = index.data(SHORTCUT_ROLE)
        if not shortcut:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(role))
        rect = option.rect.adjusted(0, 0, -6, 0)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, int(align), str(shortcut))
        painter.restore()


class MainWindow(QMainWindow):
    """Areas on the left (Ctrl+1..8 or arrow keys), content on the right."""

    def __init__(self, ctx: UiContext, *, defer_pages: bool = False) -> None:
        """``defer_pages``: build (and import) the areas only at :meth:`ensure_pages`, e.g. after
        login, so the login/lock screen shows without waiting for them."""
        super().__init__()
        self.ctx = ctx
        self.setObjectName("mainWindow")
        central = QWidget(self)
        layout = QHBoxLayout(central)
        self.nav = QListWidget(central)
        self.nav.setObjectName("areaNavigation")
        self.nav.setFixedWidth(210)
        self.nav.setItemDelegate(_ShortcutDelegate(self.nav))
        self.stack = QStackedWidget(central)
        self.pages: list[Page] = []
        for area in AREAS:
            item = QListWidgetItem(self.nav)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._on_row)
        self._shortcuts = []
        for i in range(len(AREAS)):
            sc = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            sc.activated.connect(lambda i=i: self.show_area_index(i))
            self._shortcuts.append(sc)
        self.connection_label = QLabel(self)
        self.connection_label.setObjectName("connectionState")
        self.queue_label = QLabel(self)
        self.queue_label.setObjectName("syncQueueDepth")
        self.statusBar().addPermanentWidget(self.connection_label)
        self.statusBar().addPermanentWidget(self.queue_label)
        self._state = ConnectionState.OFFLINE
        self._pending = 0
        ctx.bridge.on(BackendConnectionDidChange, self._on_connection)
        ctx.bridge.on(SyncQueueDidChange, self._on_queue)
        ctx.bridge.error_occurred.connect(self._present_error)
        self.resize(1100, 720)
        if not defer_pages:
            self.ensure_pages()
        self.nav.setCurrentRow(0)
        self.retranslate()
        self.nav.setFocus()

    def ensure_pages(self) -> None:
        """Build every area's page (once). Cross-area events need all of them, so all at once."""
        if self.pages:
            return
        for area in AREAS:
            page = area.page_type()(self.ctx, self.stack)
            self.pages.append(page)
            self.stack.addWidget(page)
        self.stack.setCurrentIndex(max(self.nav.currentRow(), 0))

    def _on_row(self, row: int) -> None:
        if self.pages:
            self.stack.setCurrentIndex(row)

    # -- navigation ---------------------------------------------------------------------------
    def show_area_index(self, index: int) -> None:
        self.ensure_pages()
        self.nav.setCurrentRow(index)
        self.pages[index].setFocus()

    def show_area(self, area: str) -> None:
        for i, known in enumerate(AREAS):
            if known.key == area:
                self.show_area_index(i)
                return
        raise KeyError(area)

    def current_area(self) -> str:
        return AREAS[max(self.nav.currentRow(), 0)].key

    # -- status -------------------------------------------------------------------------------
    def _on_connection(self, event: BackendConnectionDidChange) -> None:
        self._state = event.state
        self.connection_label.setToolTip(event.detail)
        self._render_status()

    def _on_queue(self, event: SyncQueueDidChange) -> None:
        self._pending = event.pending
        self._render_status()

    def _render_status(self) -> None:
        text = {
            ConnectionState.ONLINE: self.tr("Online"),
            ConnectionState.CONNECTING: self.tr("Connecting..."),
            ConnectionState.OFFLINE: self.tr("Offline"),
        }[self._state]
        self.connection_label.setText(text)
        self.connection_label.setAccessibleName(self.tr("Connection: %1").replace("%1", text))
        queue = self.tr("To send: %1").replace("%1", str(self._pending))
        self.queue_label.setText(queue)
        self.queue_label.setAccessibleName(queue)

    def _present_error(self, operation: str, error: BaseException) -> None:
        """The one error presenter for operations without their own error handling.

        Window-modal but not blocking (``open``, never ``exec``): the GUI keeps processing events
        and several failures do not stack nested event loops.
        """
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Operation failed"),
            self.tr("%1 did not complete: %2.")
            .replace("%1", operation)
            .replace("%2", reason_text(error)),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("operationFailed")
        if str(error):
            box.setDetailedText(str(error))  # the core's own words, for the help desk
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        demo = self.tr(" - DEMO") if self.ctx.workstation.settings.demo else ""
        self.setWindowTitle(self.tr("Telemedicine workstation") + demo)
        self.nav.setAccessibleName(self.tr("Areas"))
        self.nav.setAccessibleDescription(self.tr("Use the arrow keys or Ctrl+1 to Ctrl+8"))
        for i, area in enumerate(AREAS):
            item = self.nav.item(i)
            title = area_title(area.title)
            shortcut = QKeySequence(f"Ctrl+{i + 1}").toString(
                QKeySequence.SequenceFormat.NativeText
            )
            item.setText(title)
            item.setData(SHORTCUT_ROLE, shortcut)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, shortcut)
            item.setToolTip(f"{title} ({shortcut})")
        self._render_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
