"""Agenda: today's televisits and teleassistance, teleconsults to answer, alerts.

Enter (or double-click) on a row opens the patient. When the backend cannot be reached the
last saved agenda is shown with a banner saying when it was fetched.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.domain.workflows import Agenda, AgendaItem, AgendaItemKind
from app.services.agenda import CallDidRequest
from app.services.clinical import DEMO_PRACTITIONERS, ClinicalServices
from app.services.telemonitoring import TeleassistanceDidRequest
from app.session.events import SessionDidChange, SessionState
from ui.clinical import (
    BusyRunner,
    clinical_services,
    kind_label,
    label_controls,
    local_time,
    open_patient,
    show_area,
    status_label,
)
from ui.context import UiContext
from ui.error_text import reason_text
from ui.pages.base import Page


def role_label(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "gp": QCoreApplication.translate("Workflows", "General practitioner (Bianchi)"),
        "nurse": QCoreApplication.translate("Workflows", "Community nurse (Colombo)"),
        "pharmacist": QCoreApplication.translate("Workflows", "Pharmacist (Ferrari)"),
        "specialist": QCoreApplication.translate("Workflows", "Cardiologist (Romano)"),
    }[role]


class AgendaPage(Page):
    AREA = "agenda"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Agenda"))

    patient_opened = Signal(str)
    practitioner_changed = Signal(str)
    call_requested = Signal(object)

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        services: ClinicalServices | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.services = services or clinical_services(ctx)
        self.agenda: Agenda | None = None
        self.runner = BusyRunner(ctx, self._update_actions)

        top = QHBoxLayout()
        self.acting_label = QLabel(self)
        self.acting = QComboBox(self)
        self.acting.setObjectName("actingPractitioner")
        self.acting_label.setBuddy(self.acting)
        for ref, _role in DEMO_PRACTITIONERS:
            self.acting.addItem("", ref)
        self.acting.setCurrentIndex(max(0, self.acting.findData(self.services.practitioner_ref)))
        self.acting_label.setVisible(ctx.workstation.settings.demo)
        self.acting.setVisible(ctx.workstation.settings.demo)
        top.addWidget(self.acting_label)
        top.addWidget(self.acting)
        top.addStretch(1)
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("refreshAgenda")
        self.refresh_button.setShortcut(QKeySequence(Qt.Key.Key_F5))
        top.addWidget(self.refresh_button)
        self.layout_.addLayout(top)

        self.banner = QLabel(self)
        self.banner.setObjectName("agendaOfflineBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff3cd;color:#664d03;padding:4px;")
        self.banner.hide()
        self.layout_.addWidget(self.banner)

        self.list = QTreeWidget(self)
        self.list.setObjectName("agendaList")
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setColumnCount(5)
        self.list.setUniformRowHeights(True)
        self.layout_.addWidget(self.list, 1)

        actions = QHBoxLayout()
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("agendaOpenPatient")
        self.consult_button = QPushButton(self)
        self.consult_button.setObjectName("agendaOpenTeleconsult")
        self.ack_button = QPushButton(self)
        self.ack_button.setObjectName("agendaAcknowledge")
        self.call_button = QPushButton(self)
        self.call_button.setObjectName("agendaStartCall")
        for b in (self.open_button, self.consult_button, self.ack_button, self.call_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.layout_.addLayout(actions)

        self.refresh_button.clicked.connect(self.refresh)
        self.acting.currentIndexChanged.connect(self._on_acting)
        self.list.itemActivated.connect(lambda *_: self.open_selected())
        self.list.currentItemChanged.connect(lambda *_: self._update_actions())
        self.open_button.clicked.connect(self.open_selected)
        self.consult_button.clicked.connect(self.open_selected_teleconsult)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.call_button.clicked.connect(self.start_call)
        self.message = QLabel(self)
        self.message.setObjectName("agendaMessage")
        self.layout_.addWidget(self.message)
        self.timer = QTimer(self)
        self.timer.setInterval(120_000)
        self.timer.timeout.connect(self._auto_refresh)
        self.timer.start()
        ctx.bridge.on(SessionDidChange, self._on_session)
        self.retranslate()
        self._update_actions()
        self.refresh()

    def _on_session(self, event: SessionDidChange) -> None:
        """A new clinician (login, user switch): show their agenda (or nothing if signed out)."""
        if event.state is SessionState.SIGNED_OUT:
            self.runner.discard_pending()  # a load still running was the previous clinician's
            self.agenda = None
            self._render()
            return
        if event.state is SessionState.ACTIVE:
            self.runner.discard_pending()
            self.acting.blockSignals(True)
            self.acting.setCurrentIndex(
                max(0, self.acting.findData(self.services.practitioner_ref))
            )
            self.acting.blockSignals(False)
            self.refresh()

    # -- i18n ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.acting_label.setText(self.tr("&Acting as:"))
        self.acting.setAccessibleName(self.tr("Demo practitioner"))
        for i, (_ref, role) in enumerate(DEMO_PRACTITIONERS):
            self.acting.setItemText(i, role_label(role))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Refresh the agenda (F5)"))
        self.list.setHeaderLabels(
            [self.tr("Time"), self.tr("Service"), self.tr("Patient"), self.tr("Details"),
             self.tr("Status")]
        )  # fmt: skip
        self.list.setAccessibleName(self.tr("Today's agenda"))
        self.list.setAccessibleDescription(self.tr("Enter opens the patient"))
        label_controls(
            (
                self.open_button,
                self.tr("&Open patient"),
                self.tr("Open the patient of the selected item"),
            ),
            (
                self.consult_button,
                self.tr("Open &teleconsult"),
                self.tr("Open the selected teleconsult request"),
            ),
            (
                self.ack_button,
                self.tr("Ac&knowledge alert"),
                self.tr("Acknowledge the selected alert"),
            ),
            (
                self.call_button,
                self.tr("Start &call"),
                self.tr("Start the televisit or teleassistance call of the selected item"),
            ),
        )
        self.message.setAccessibleName(self.tr("Agenda message"))
        self._render()

    # -- data ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runner.pending > 0

    def _auto_refresh(self) -> None:
        if self.isVisible() and not self.busy:
            self.refresh()

    def _on_acting(self) -> None:
        ref = self.acting.currentData()
        if ref and ref != self.services.practitioner_ref:
            self.services.practitioner_ref = str(ref)
            self.practitioner_changed.emit(str(ref))
            self.refresh()

    def refresh(self) -> None:
        self.runner.run(
            self.services.agenda.load(self.services.practitioner_ref),
            name=self.tr("Loading the agenda"),
            on_success=self._on_agenda,
            on_error=self._on_error,
        )

    def _on_agenda(self, agenda: Agenda) -> None:
        self.agenda = agenda
        if agenda.from_cache:
            self.banner.setText(
                self.tr(
                    "Offline: showing the agenda saved at %1. It may not be up to date."
                ).replace("%1", local_time(agenda.fetched_at_utc, with_date=True))
            )
            self.banner.setAccessibleName(self.banner.text())
            self.banner.show()
        else:
            self.banner.hide()
        self._render()

    def _on_error(self, exc: BaseException) -> None:
        if (
            self.agenda is not None
            and self.agenda.practitioner_ref != self.services.practitioner_ref
        ):
            self.agenda = None  # never show someone else's day under this clinician's name
            self._render()
        self.banner.setText(
            self.tr("The agenda cannot be loaded and no saved copy is available (%1).").replace(
                "%1", reason_text(exc)
            )
        )
        self.banner.setAccessibleName(self.banner.text())
        self.banner.show()

    def _render(self) -> None:
        current = self.selected_item()
        self.list.clear()
        if self.agenda is None:
            return
        for item in self.agenda.items:
            when = local_time(
                item.start_utc,
                with_date=item.kind in (AgendaItemKind.ALERT, AgendaItemKind.TELECONSULT),
            )
            row = QTreeWidgetItem(
                [when, kind_label(item.kind), item.patient_name, item.description,
                 status_label(item.status)]
            )  # fmt: skip
            row.setData(0, Qt.ItemDataRole.UserRole, item)
            if item.kind is AgendaItemKind.ALERT or item.priority in ("urgent", "stat", "asap"):
                for col in range(5):
                    row.setForeground(col, QBrush(QColor("#b02a37")))
            self.list.addTopLevelItem(row)
            if current is not None and current.resource_ref == item.resource_ref:
                self.list.setCurrentItem(row)
        for col in range(4):
            self.list.resizeColumnToContents(col)
        first = self.list.topLevelItem(0)
        if self.list.currentItem() is None and first is not None:
            self.list.setCurrentItem(first)

    def selected_item(self) -> AgendaItem | None:
        row = self.list.currentItem()
        return None if row is None else row.data(0, Qt.ItemDataRole.UserRole)

    def _update_actions(self) -> None:
        item = self.selected_item()
        self.refresh_button.setEnabled(not self.busy)
        self.open_button.setEnabled(item is not None and item.patient_id is not None)
        self.consult_button.setEnabled(item is not None and item.kind is AgendaItemKind.TELECONSULT)
        self.ack_button.setEnabled(
            not self.busy and item is not None and item.kind is AgendaItemKind.ALERT
        )
        self.call_button.setEnabled(
            item is not None
            and item.patient_id is not None
            and item.kind
            in (AgendaItemKind.TELEVISIT, AgendaItemKind.TELEASSISTANCE, AgendaItemKind.ALERT)
        )

    def open_selected(self) -> None:
        item = self.selected_item()
        if item is None or item.patient_id is None:
            return
        self.patient_opened.emit(item.patient_id)
        open_patient(self, item.patient_id)

    def open_selected_teleconsult(self) -> None:
        item = self.selected_item()
        if item is None or item.kind is not AgendaItemKind.TELECONSULT:
            return
        page = show_area(self, "teleconsults")
        if page is not None:
            page.open_task(item.resource_ref.split("/", 1)[1])  # type: ignore[attr-defined]

    def acknowledge_selected(self) -> None:
        item = self.selected_item()
        if item is None or item.kind is not AgendaItemKind.ALERT:
            return
        self.runner.run(
            self.services.agenda.acknowledge(item, practitioner_ref=self.services.practitioner_ref),
            name=self.tr("Acknowledging the alert"),
            on_success=lambda _u: self._acknowledged(),
            on_error=lambda exc: self.message.setText(
                self.tr("The alert was not acknowledged (%1).").replace("%1", reason_text(exc))
            ),
        )

    def _acknowledged(self) -> None:
        self.message.setText(self.tr("Alert acknowledged."))
        self.refresh()

    def start_call(self) -> None:
        """Ask the calls area to start the item's call (teleassistance for an alert)."""
        item = self.selected_item()
        if item is None or item.patient_id is None:
            return
        event: CallDidRequest | TeleassistanceDidRequest
        if item.kind is AgendaItemKind.ALERT:
            # Teleassistance started by a threshold alarm (the same event as telemonitoring's).
            event = TeleassistanceDidRequest(item.patient_id, item.resource_ref)
        else:
            event = CallDidRequest(item.kind, item.patient_id, item.resource_ref)
        self.ctx.workstation.bus.publish(event)
        self.call_requested.emit(event)
        self.message.setText(self.tr("Call requested: the Calls area opens it."))
        show_area(self, "calls")
