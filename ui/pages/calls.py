"""The Calls area: technical pre-check, start a televisit or teleassistance, the patient's link.

A call requested from the agenda (:class:`app.services.agenda.CallDidRequest`) or from
telemonitoring (:class:`app.services.telemonitoring.TeleassistanceDidRequest`) fills the form.
The page is a ``CallGuard`` of the shell lock: a running call postpones the auto-lock and
its window stays visible when the station is locked.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.backend.errors import Gone, NotFound
from app.domain.audit import AuditAction
from app.domain.outbox import OutboxUnit
from app.domain.workflows import AgendaItemKind
from app.services.agenda import CallDidRequest
from app.services.calls import SYNTHETIC, CallRequest, CallService, RoomInvite
from app.services.clinical import ClinicalServices
from app.services.clinical_data import display_name
from app.services.diagnostics import Check, Status
from app.services.telemonitoring import TeleassistanceDidRequest
from app.workstation import Workstation
from ui.audit_banner import record_audited_act
from ui.call_window import CallWindow
from ui.clinical import clinical_services
from ui.consent_dialog import ensure_televisit_consents
from ui.context import UiContext
from ui.error_text import reason_text
from ui.lock_screen import ShellLock
from ui.pages.base import Page

_SERVICES: weakref.WeakKeyDictionary[Workstation, CallService] = weakref.WeakKeyDictionary()


class _SessionWriter:
    """Queues through the clinical services' writer, read at enqueue time: the logged-in
    clinician's encrypted outbox, or direct sending before a vault is open."""

    def __init__(self, services: ClinicalServices) -> None:
        self._services = services

    async def enqueue(self, unit: OutboxUnit) -> None:
        await self._services.writer.enqueue(unit)


def call_service(ctx: UiContext) -> CallService:
    """The workstation's call service (one per process; GUI thread)."""
    ws = ctx.workstation
    service = _SERVICES.get(ws)
    if service is None:
        service = CallService(
            publish=ws.bus.publish,
            backend_url=lambda: ws.settings.backend_url,
            writer=_SessionWriter(clinical_services(ctx)),
        )
        _SERVICES[ws] = service
        # Quitting during a call hangs up cleanly and queues the Encounter (hooks are added
        # on the core loop).
        ws.runtime.call_soon_threadsafe(ws.runtime.add_shutdown_hook, service.shutdown)
    return service


def use_call_service(ctx: UiContext, service: CallService) -> None:
    """Make ``service`` the workstation's call service (tests)."""
    _SERVICES[ctx.workstation] = service


class PrecheckDialog(QDialog):
    """Runs the technical pre-check and shows one row per check (progress while it runs)."""

    def __init__(
        self,
        ctx: UiContext,
        service: CallService,
        *,
        camera: str,
        microphone: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("precheckDialog")
        self.setWindowTitle(self.tr("Technical pre-check"))
        self.setAccessibleName(self.tr("Technical pre-check"))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName(self.tr("Pre-check in progress"))
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Check"), self.tr("Result"), self.tr("Detail")]
        )
        self.table.setAccessibleName(self.tr("Pre-check results"))
        self.verdict = QLabel(self)
        self.verdict.setObjectName("precheckVerdict")
        self.verdict.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.progress, self.table, self.verdict, buttons):
            layout.addWidget(w)
        self.checks: list[Check] | None = None
        ctx.bridge.submit(
            service.precheck(camera=camera, microphone=microphone),
            name="call-precheck",
            on_success=self._show,
            on_error=self._failed,
        )
        self.resize(560, 300)

    def _show(self, checks: list[Check]) -> None:
        self.checks = checks
        self.progress.hide()
        names = {
            "camera": self.tr("Camera"),
            "microphone": self.tr("Microphone"),
            "signaling": self.tr("Connection to the video service"),
            "TURN relay": self.tr("Relay server (TURN)"),
        }
        results = {
            Status.OK: self.tr("OK"),
            Status.WARNING: self.tr("Warning"),
            Status.ERROR: self.tr("Problem"),
            Status.SKIPPED: self.tr("Not run"),
        }
        self.table.setRowCount(len(checks))
        for row, check in enumerate(checks):
            self.table.setItem(row, 0, QTableWidgetItem(names.get(check.name, check.name)))
            self.table.setItem(row, 1, QTableWidgetItem(results[check.status]))
            figures = ", ".join(f"{k}={v}" for k, v in check.figures.items())
            self.table.setItem(
                row, 2, QTableWidgetItem(check.detail + (f" ({figures})" if figures else ""))
            )
        self.table.resizeColumnsToContents()
        if all(c.status is Status.OK for c in checks):
            self.verdict.setText(self.tr("Everything works: the televisit can start."))
        else:
            self.verdict.setText(
                self.tr(
                    "The link is not adequate: fix the problems or reschedule the visit (or convert it to in person)."
                )
            )

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.verdict.setText(self.tr("The pre-check could not run: %1").replace("%1", str(exc)))


class CallsPage(Page):
    AREA = "calls"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Calls"))

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = call_service(ctx)
        self.call_window: CallWindow | None = None
        self._appointment_ref: str | None = None
        self._guarded: ShellLock | None = None
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.patient = QLineEdit(self)
        self.patient.setObjectName("callPatient")
        self.kind = QComboBox(self)
        self.camera = QComboBox(self)
        self.microphone = QComboBox(self)
        self.relay_only = QCheckBox(self)
        self.precheck_button = QPushButton(self)
        self.start_button = QPushButton(self)
        self.start_button.setObjectName("startCall")
        self.link = QLineEdit(self)
        self.link.setReadOnly(True)
        self.link.setObjectName("patientLink")
        self.copy_button = QPushButton(self)
        self.status = QLabel(self)
        self.status.setObjectName("callStatus")
        self.status.setWordWrap(True)
        self.form = QFormLayout()
        self.patient_who = QLabel(self)
        self.patient_who.setObjectName("callPatientWho")
        self.patient_who.setWordWrap(True)
        self.form.addRow(QLabel(self), self.patient)
        self.form.addRow(QLabel(self), self.patient_who)
        self.form.addRow(QLabel(self), self.kind)
        self.form.addRow(QLabel(self), self.camera)
        self.form.addRow(QLabel(self), self.microphone)
        self.form.addRow(QLabel(self), self.relay_only)
        buttons = QHBoxLayout()
        buttons.addWidget(self.precheck_button)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link, 1)
        link_row.addWidget(self.copy_button)
        self.layout_.addWidget(self.intro)
        self.layout_.addLayout(self.form)
        self.layout_.addLayout(buttons)
        self.layout_.addLayout(link_row)
        self.layout_.addWidget(self.status)
        self.layout_.addStretch(1)
        self.precheck_button.clicked.connect(self.run_precheck)
        self.start_button.clicked.connect(self.start_call)
        self.copy_button.clicked.connect(self.copy_link)
        self.patient.returnPressed.connect(self.start_call)
        # Who the id belongs to, shown before calling (after a pause in typing).
        self._who_timer = QTimer(self)
        self._who_timer.setSingleShot(True)
        self._who_timer.setInterval(300)
        self._who_timer.timeout.connect(self._look_up_patient)
        self.patient.textChanged.connect(lambda _t: self._who_timer.start())
        ctx.bridge.on(CallDidRequest, self._on_call_request)
        ctx.bridge.on(TeleassistanceDidRequest, self._on_teleassistance_request)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(
            self.tr(
                "Run the technical pre-check, start the call, then send the patient the link. The patient joins from a browser."
            )
        )
        labels = [
            self.tr("Patient id"),
            self.tr("Patient"),
            self.tr("Service"),
            self.tr("Camera"),
            self.tr("Microphone"),
            self.tr("Network"),
        ]
        for row, text in enumerate(labels):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel):
                item.widget().setText(text)  # type: ignore[union-attr]
        self.patient.setAccessibleName(self.tr("Patient id"))
        self.patient.setPlaceholderText(self.tr("e.g. pat-001"))
        current = self.kind.currentIndex()
        self.kind.clear()
        self.kind.addItem(self.tr("Televisit"), "televisita")
        self.kind.addItem(self.tr("Teleassistance"), "teleassistenza")
        self.kind.setCurrentIndex(max(current, 0))
        self.kind.setAccessibleName(self.tr("Service"))
        current = self.camera.currentIndex()
        self.camera.clear()
        for device in self.service.cameras():
            self.camera.addItem(
                self.tr("Test picture (synthetic)") if device == SYNTHETIC else device, device
            )
        self.camera.setCurrentIndex(max(current, 0))
        self.camera.setAccessibleName(self.tr("Camera"))
        current = self.microphone.currentIndex()
        self.microphone.clear()
        self.microphone.addItem(self.tr("Test tone (synthetic)"), SYNTHETIC)
        self.microphone.addItem(self.tr("System microphone"), "default")
        self.microphone.setCurrentIndex(max(current, 0))
        self.microphone.setAccessibleName(self.tr("Microphone"))
        self.relay_only.setText(self.tr("Always through the relay server (strict firewalls)"))
        self.relay_only.setAccessibleName(self.tr("Force relay server"))
        self.precheck_button.setText(self.tr("Technical pre-check"))
        self.precheck_button.setAccessibleName(self.tr("Run the technical pre-check"))
        self.start_button.setText(self.tr("Start call"))
        self.start_button.setAccessibleName(self.tr("Start the call and create the patient's link"))
        self.link.setAccessibleName(self.tr("Patient's link"))
        self.link.setPlaceholderText(self.tr("The patient's link appears here"))
        self.copy_button.setText(self.tr("Copy link"))
        self.copy_button.setAccessibleName(self.tr("Copy the patient's link"))
        self.status.setAccessibleName(self.tr("Call status"))

    # -- who is called -------------------------------------------------------------------------
    def _look_up_patient(self) -> None:
        """Show the name and birth date of the patient id, so the right person is called."""
        patient_id = self.patient.text().strip()
        self.patient_who.setStyleSheet("")
        if not patient_id:
            self.patient_who.clear()
            return
        self.patient_who.setText(self.tr("Looking up the patient..."))

        def found(resource: dict[str, object]) -> None:
            if self.patient.text().strip() != patient_id:
                return  # typed on meanwhile
            name = display_name(resource) or patient_id
            born = str(resource.get("birthDate") or "")
            self.patient_who.setText(
                self.tr("%1, born %2").replace("%1", name).replace("%2", born) if born else name
            )
            self.patient_who.setAccessibleName(self.patient_who.text())

        def failed(error: BaseException) -> None:
            if self.patient.text().strip() != patient_id:
                return
            self.patient_who.setStyleSheet("color:#b02a37;")
            text = (
                self.tr("No patient with this id in the regional registry: check it.")
                if isinstance(error, NotFound | Gone)
                else self.tr("The patient cannot be checked (%1).").replace(
                    "%1", reason_text(error)
                )
            )
            self.patient_who.setText(text)
            self.patient_who.setAccessibleName(text)

        self.ctx.bridge.submit(
            clinical_services(self.ctx).reader.read("Patient", patient_id),
            name=self.tr("Looking up the patient"),
            on_success=found,
            on_error=failed,
        )

    # -- requests from other areas --------------------------------------------------------------
    def _on_call_request(self, event: CallDidRequest) -> None:
        self.patient.setText(event.patient_id)
        self._appointment_ref = (
            event.resource_ref if event.resource_ref.startswith("Appointment/") else None
        )
        service = (
            AgendaItemKind.TELEASSISTANCE.value
            if event.kind is AgendaItemKind.TELEASSISTANCE
            else AgendaItemKind.TELEVISIT.value
        )
        self.kind.setCurrentIndex(max(self.kind.findData(service), 0))
        self.status.setText(
            self.tr("Requested from the agenda: run the pre-check, then start the call.")
        )

    def _on_teleassistance_request(self, event: TeleassistanceDidRequest) -> None:
        self.patient.setText(event.patient_id)
        self._appointment_ref = None
        self.kind.setCurrentIndex(max(self.kind.findData("teleassistenza"), 0))
        self.status.setText(self.tr("Teleassistance requested from an alert: start the call."))

    # -- actions --------------------------------------------------------------------------------
    def run_precheck(self) -> PrecheckDialog:
        dialog = PrecheckDialog(
            self.ctx,
            self.service,
            camera=self.camera.currentData() or SYNTHETIC,
            microphone=self.microphone.currentData() or SYNTHETIC,
            parent=self,
        )
        dialog.show()
        return dialog

    def start_call(self) -> None:
        patient_id = self.patient.text().strip()
        if not patient_id:
            self.status.setText(self.tr("Enter the patient first."))
            self.patient.setFocus()
            return
        if self.service.active:
            self.status.setText(self.tr("A call is already running."))
            return
        request = CallRequest(
            patient_id=patient_id,
            service=self.kind.currentData() or "televisita",
            appointment_ref=self._appointment_ref,
            practitioner_ref=self.ctx.workstation.practitioner_reference,
        )
        # A televisit needs both consents on record; missing ones are captured first.
        ensure_televisit_consents(
            self.ctx,
            patient_id=patient_id,
            service=request.service,
            proceed=lambda: self._start(request),
            parent=self,
            on_error=self._start_failed,
        )

    def _start(self, request: CallRequest) -> None:
        if self.service.active:
            self.status.setText(self.tr("A call is already running."))
            return
        self.start_button.setEnabled(False)
        self.status.setText(self.tr("Preparing the call..."))
        self.ctx.bridge.submit(
            self.service.start(
                request,
                relay_only=self.relay_only.isChecked(),
                camera=self.camera.currentData() or SYNTHETIC,
                microphone=self.microphone.currentData() or SYNTHETIC,
            ),
            name="call-start",
            on_success=self._started,
            on_error=self._start_failed,
        )

    def _started(self, invite: RoomInvite) -> None:
        self.start_button.setEnabled(True)
        record_audited_act(
            self.ctx,
            AuditAction.CALL,
            patient_id=self.patient.text().strip(),
            what=self._appointment_ref,
        )
        self.link.setText(invite.join_url)
        self.status.setText(self.tr("Waiting for the patient: send them the link."))
        title = QCoreApplication.translate("CallsPage", "Call with %1").replace(
            "%1", self.patient.text().strip()
        )
        self.call_window = CallWindow(self.ctx, self.service, title=title)
        self.call_window.closed.connect(self._window_closed)
        self._guard_lock()
        self.call_window.show()

    def _start_failed(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        self.status.setText(self.tr("The call could not start: %1").replace("%1", str(exc)))

    def copy_link(self) -> None:
        if self.link.text():
            QGuiApplication.clipboard().setText(self.link.text())
            self.status.setText(self.tr("Link copied."))

    def _window_closed(self) -> None:
        self.call_window = None

    # -- CallGuard of the shell lock -------------------------------------------------------------
    def _guard_lock(self) -> None:
        window = self.window()
        lock = window.findChild(ShellLock) if window is not None else None
        if lock is not None and self._guarded is None:
            lock.add_call_guard(self)
            self._guarded = lock

    def call_active(self) -> bool:
        return self.service.active

    def call_windows(self) -> list[QWidget]:
        return [self.call_window] if self.call_window is not None else []

    def focusInEvent(self, event: object) -> None:  # type: ignore[override]
        self.patient.setFocus(Qt.FocusReason.OtherFocusReason)
