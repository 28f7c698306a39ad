"""The Devices area: pairing guide and point-of-care measurement from Bluetooth devices.

Flow: pick the patient, scan, pair (the guide asks for the PIN shown on the device and explains
every failure with what to do), take a measurement, see it, confirm: it is saved in the local
store (outbox) as Device + DeviceUseStatement + Observations + Provenance.

All device work runs on the core loop through :class:`app.services.devices.DeviceService`
(submitted with the bridge); PIN questions come back to the GUI thread through
:class:`UiPrompter`. Thread affinity: GUI thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.devices import (
    DeviceFailure,
    DeviceLinkDidChange,
    DeviceService,
    DeviceTransferDidProgress,
    FailureKind,
    FoundDevice,
    PatientChoice,
    PendingMeasurement,
    SavedMeasurement,
)
from ui.context import UiContext
from ui.pages.base import Page

CONTEXT = "DevicesPage"

#: Labels of measured values (DisplayValue.label), translated at display time.
VALUE_LABELS = (
    QT_TRANSLATE_NOOP("DevicesPage", "Systolic"),
    QT_TRANSLATE_NOOP("DevicesPage", "Diastolic"),
    QT_TRANSLATE_NOOP("DevicesPage", "Mean arterial pressure"),
    QT_TRANSLATE_NOOP("DevicesPage", "Pulse rate"),
    QT_TRANSLATE_NOOP("DevicesPage", "SpO2"),
    QT_TRANSLATE_NOOP("DevicesPage", "Temperature"),
    QT_TRANSLATE_NOOP("DevicesPage", "Weight"),
    QT_TRANSLATE_NOOP("DevicesPage", "Body fat"),
    QT_TRANSLATE_NOOP("DevicesPage", "Glucose"),
    QT_TRANSLATE_NOOP("DevicesPage", "Heart rate"),
    QT_TRANSLATE_NOOP("DevicesPage", "Meal"),
    QT_TRANSLATE_NOOP("DevicesPage", "Cuff pressure"),
    QT_TRANSLATE_NOOP("DevicesPage", "before a meal"),
    QT_TRANSLATE_NOOP("DevicesPage", "after a meal"),
    QT_TRANSLATE_NOOP("DevicesPage", "fasting"),
    QT_TRANSLATE_NOOP("DevicesPage", "casual"),
    QT_TRANSLATE_NOOP("DevicesPage", "bedtime"),
)

#: What the user reads for each failure: what happened, then what to do.
EXPLANATIONS: dict[FailureKind, tuple[Any, Any]] = {
    FailureKind.BLUETOOTH_OFF: (
        QT_TRANSLATE_NOOP("DevicesPage", "Bluetooth is off or missing."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "Turn Bluetooth on in the system settings (or plug in the Bluetooth adapter), then scan again.",
        ),
    ),
    FailureKind.NOT_FOUND: (
        QT_TRANSLATE_NOOP("DevicesPage", "The device is not advertising."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "Switch the device on and put it in pairing mode (see its manual: usually hold the "
            "Bluetooth or Start button until the symbol blinks), keep it within two metres, then scan again.",
        ),
    ),
    FailureKind.PAIRING_FAILED: (
        QT_TRANSLATE_NOOP("DevicesPage", "Pairing was refused."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "Check the PIN shown on the device display (or printed on its label) and try again; "
            "if the device left pairing mode, put it back in pairing mode first.",
        ),
    ),
    FailureKind.BOND_LOST: (
        QT_TRANSLATE_NOOP("DevicesPage", "The device no longer recognises this workstation."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "It was reset or paired with another phone or computer. Press 'Remove pairing', put "
            "the device in pairing mode, then press 'Pair' again.",
        ),
    ),
    FailureKind.CONNECTION_LOST: (
        QT_TRANSLATE_NOOP("DevicesPage", "The connection was lost."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "Bring the device closer, check its batteries and try again. Readings already "
            "received are not lost.",
        ),
    ),
    FailureKind.NO_READING: (
        QT_TRANSLATE_NOOP("DevicesPage", "No measurement arrived."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "Start the measurement on the device and wait for the result; for a meter, there "
            "may be no new readings since the last transfer.",
        ),
    ),
    FailureKind.MALFORMED: (
        QT_TRANSLATE_NOOP("DevicesPage", "The device sent data that cannot be read."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "Repeat the measurement. If it happens again, the device may be faulty: contact "
            "the help desk.",
        ),
    ),
    FailureKind.UNSUPPORTED: (
        QT_TRANSLATE_NOOP("DevicesPage", "This device is not supported."),
        QT_TRANSLATE_NOOP("DevicesPage", "Enter the values manually, or use a supported device."),
    ),
    FailureKind.CANCELLED: (
        QT_TRANSLATE_NOOP("DevicesPage", "Measurement cancelled."),
        QT_TRANSLATE_NOOP(
            "DevicesPage", "Press Take measurement again when the patient and the device are ready."
        ),
    ),
    FailureKind.STORE_UNAVAILABLE: (
        QT_TRANSLATE_NOOP("DevicesPage", "The local store is not open."),
        QT_TRANSLATE_NOOP(
            "DevicesPage",
            "Log in again to open your encrypted store; the measurement stays on screen until "
            "it is saved.",
        ),
    ),
}


def _tr(text: str) -> str:
    """Translate a string registered with ``QT_TRANSLATE_NOOP("DevicesPage", ...)``."""
    return QCoreApplication.translate(CONTEXT, text)


class UiPrompter(QObject):
    """The DevicePrompter the UI offers: questions asked on the core loop are shown on the
    GUI thread; the answer resolves the core loop's future.

    ``passkey_requested`` is emitted (on the GUI thread) with the device label; the page
    answers with :meth:`answer_passkey`.
    """

    passkey_requested = Signal(str)
    comparison_requested = Signal(str, int)
    _ask = Signal(str, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]] | None = None
        self._ask.connect(self._on_ask, Qt.ConnectionType.QueuedConnection)

    # ---- core loop side (DevicePrompter protocol)

    async def request_passkey(self, device: Any) -> int | None:
        answer = await self._question("passkey", device)
        return answer if isinstance(answer, int) else None

    async def confirm_passkey(self, device: Any, passkey: int) -> bool:
        return bool(await self._question(("compare", passkey), device))

    async def _question(self, kind: object, device: Any) -> object:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[object] = loop.create_future()
        self._ask.emit(
            str(getattr(device, "name", "") or getattr(device, "address", "")), kind, (loop, future)
        )
        return await future

    # ---- GUI side

    @Slot(str, object, object)
    def _on_ask(self, label: str, kind: object, waiter: object) -> None:
        self.cancel()
        self._pending = waiter  # type: ignore[assignment]
        if isinstance(kind, tuple):
            self.comparison_requested.emit(label, int(kind[1]))
        else:
            self.passkey_requested.emit(label)

    @property
    def waiting(self) -> bool:
        return self._pending is not None

    def answer(self, value: object) -> None:
        """Resolve the pending question (int passkey, bool comparison, None cancel)."""
        if self._pending is None:
            return
        loop, future = self._pending
        self._pending = None

        def resolve() -> None:
            if not future.done():
                future.set_result(value)

        loop.call_soon_threadsafe(resolve)

    def cancel(self) -> None:
        self.answer(None)


class PairingGuide(QGroupBox):
    """The pairing wizard: the current step, the PIN question, and failure explanations with
    the remedy buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pairingGuide")
        layout = QVBoxLayout(self)
        self.step = QLabel(self)
        self.step.setObjectName("pairingStep")
        self.step.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("failureTitle")
        self.problem.setWordWrap(True)
        self.remedy = QLabel(self)
        self.remedy.setObjectName("failureRemedy")
        self.remedy.setWordWrap(True)
        for label in (self.step, self.problem, self.remedy):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
            label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        pin_row = QHBoxLayout()
        self.pin_label = QLabel(self)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("pairingPin")
        self.pin.setMaxLength(6)
        self.pin.setValidator(QRegularExpressionValidator(r"\d{0,6}", self.pin))
        self.pin_label.setBuddy(self.pin)
        self.pin_ok = QPushButton(self)
        self.pin_ok.setObjectName("pairingPinOk")
        self.pin_cancel = QPushButton(self)
        self.pin_cancel.setObjectName("pairingPinCancel")
        pin_row.addWidget(self.pin_label)
        pin_row.addWidget(self.pin, 1)
        pin_row.addWidget(self.pin_ok)
        pin_row.addWidget(self.pin_cancel)
        self.compare_yes = QPushButton(self)
        self.compare_yes.setObjectName("pairingCompareYes")
        self.compare_no = QPushButton(self)
        self.compare_no.setObjectName("pairingCompareNo")
        pin_row.addWidget(self.compare_yes)
        pin_row.addWidget(self.compare_no)
        layout.addWidget(self.step)
        layout.addLayout(pin_row)
        layout.addWidget(self.problem)
        layout.addWidget(self.remedy)
        self.show_question(None)
        self.show_failure(None)

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("DevicesPage", "Pairing guide"))
        self.pin_label.setText(
            QCoreApplication.translate("DevicesPage", "&PIN shown on the device:")
        )
        self.pin.setAccessibleName(
            QCoreApplication.translate("DevicesPage", "PIN shown on the device")
        )
        self.pin_ok.setText(QCoreApplication.translate("DevicesPage", "Confirm PIN"))
        self.pin_ok.setAccessibleName(QCoreApplication.translate("DevicesPage", "Confirm PIN"))
        self.pin_cancel.setText(QCoreApplication.translate("DevicesPage", "Cancel pairing"))
        self.pin_cancel.setAccessibleName(
            QCoreApplication.translate("DevicesPage", "Cancel pairing")
        )
        self.compare_yes.setText(QCoreApplication.translate("DevicesPage", "Numbers match"))
        self.compare_yes.setAccessibleName(
            QCoreApplication.translate("DevicesPage", "Numbers match")
        )
        self.compare_no.setText(QCoreApplication.translate("DevicesPage", "Numbers differ"))
        self.compare_no.setAccessibleName(
            QCoreApplication.translate("DevicesPage", "Numbers differ")
        )

    def show_question(self, kind: str | None) -> None:
        pin = kind == "passkey"
        compare = kind == "compare"
        for w in (self.pin_label, self.pin, self.pin_ok, self.pin_cancel):
            w.setVisible(pin)
        for w in (self.compare_yes, self.compare_no):
            w.setVisible(compare)
        if pin:
            self.pin.clear()
            self.pin.setFocus()

    def show_failure(self, kind: FailureKind | None) -> None:
        if kind is None:
            self.problem.clear()
            self.remedy.clear()
            self.problem.setVisible(False)
            self.remedy.setVisible(False)
            return
        title, remedy = (str(t) for t in EXPLANATIONS[kind])
        self.problem.setText(_tr(title))
        self.remedy.setText(_tr(remedy))
        self.problem.setAccessibleName(_tr(title))
        self.remedy.setAccessibleName(_tr(remedy))
        self.problem.setVisible(True)
        self.remedy.setVisible(True)


class DevicesPage(Page):
    AREA = "devices"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Devices"))

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, service: DeviceService | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.service = service or ctx.workstation.device_service()
        self.prompter = UiPrompter(self)
        self.service.prompter = self.prompter
        self.patients: list[PatientChoice] = []
        self.devices: list[FoundDevice] = []
        self.pending: PendingMeasurement | None = None
        self.last_saved: SavedMeasurement | None = None
        self.last_failure: FailureKind | None = None
        self._busy = 0
        self._measuring: str | None = None  # address of the device being waited for

        body = QHBoxLayout()
        left = QVBoxLayout()
        form = QFormLayout()
        self.patient_label = QLabel(self)
        self.patient = QComboBox(self)
        self.patient.setObjectName("devicePatient")
        self.patient_label.setBuddy(self.patient)
        form.addRow(self.patient_label, self.patient)
        left.addLayout(form)
        self.device_list = QListWidget(self)
        self.device_list.setObjectName("deviceList")
        left.addWidget(self.device_list, 1)
        buttons = QHBoxLayout()
        self.scan_button = QPushButton(self)
        self.scan_button.setObjectName("scanDevices")
        self.pair_button = QPushButton(self)
        self.pair_button.setObjectName("pairDevice")
        self.forget_button = QPushButton(self)
        self.forget_button.setObjectName("forgetDevice")
        self.measure_button = QPushButton(self)
        self.measure_button.setObjectName("takeMeasurement")
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelMeasurement")
        for b in (
            self.scan_button,
            self.pair_button,
            self.forget_button,
            self.measure_button,
            self.cancel_button,
        ):
            buttons.addWidget(b)
        left.addLayout(buttons)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("deviceProgress")
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("deviceStatus")
        self.status.setWordWrap(True)
        self.status.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.live = QLabel(self)
        self.live.setObjectName("liveValue")
        self.live.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(250)  # ~4 Hz: a live read-out, not one signal per sample
        self.live_timer.timeout.connect(self._poll_live)
        self._live_in_flight = False
        left.addWidget(self.progress)
        left.addWidget(self.live)
        left.addWidget(self.status)
        self.guide = PairingGuide(self)
        left.addWidget(self.guide)

        right = QVBoxLayout()
        self.result_box = QGroupBox(self)
        self.result_box.setObjectName("measurementBox")
        result_layout = QVBoxLayout(self.result_box)
        self.values = QTreeWidget(self.result_box)
        self.values.setObjectName("measurementValues")
        self.values.setColumnCount(3)
        self.values.setRootIsDecorated(False)
        self.details = QLabel(self.result_box)
        self.details.setObjectName("measurementDetails")
        self.details.setWordWrap(True)
        self.details.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        confirm_row = QHBoxLayout()
        self.confirm_button = QPushButton(self.result_box)
        self.confirm_button.setObjectName("confirmMeasurement")
        self.discard_button = QPushButton(self.result_box)
        self.discard_button.setObjectName("discardMeasurement")
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.discard_button)
        result_layout.addWidget(self.values, 1)
        result_layout.addWidget(self.details)
        result_layout.addLayout(confirm_row)
        right.addWidget(self.result_box)
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        self.layout_.addLayout(body, 1)

        self.scan_button.clicked.connect(self.scan)
        self.pair_button.clicked.connect(self.pair)
        self.forget_button.clicked.connect(self.forget)
        self.measure_button.clicked.connect(self.measure)
        self.cancel_button.clicked.connect(self.cancel_measurement)
        self.confirm_button.clicked.connect(self.confirm)
        self.discard_button.clicked.connect(self.discard)
        self.device_list.currentRowChanged.connect(lambda _row: self._update_controls())
        self.patient.currentIndexChanged.connect(lambda _i: self._update_controls())
        self.prompter.passkey_requested.connect(self._on_passkey_requested)
        self.prompter.comparison_requested.connect(self._on_comparison_requested)
        self.guide.pin_ok.clicked.connect(self._answer_pin)
        self.guide.pin.returnPressed.connect(self._answer_pin)
        self.guide.pin_cancel.clicked.connect(self._cancel_pin)
        self.guide.compare_yes.clicked.connect(lambda: self._answer_compare(True))
        self.guide.compare_no.clicked.connect(lambda: self._answer_compare(False))
        ctx.bridge.on(DeviceLinkDidChange, self._on_link_changed)
        ctx.bridge.on(DeviceTransferDidProgress, self._on_transfer_progress)
        self.retranslate()
        self._update_controls()
        self._run(self.service.list_patients(), self._on_patients, name="devices.patients")

    # ------------------------------------------------------------------ text

    def retranslate(self) -> None:
        super().retranslate()
        self.patient_label.setText(QCoreApplication.translate("DevicesPage", "&Patient:"))
        self.patient.setAccessibleName(QCoreApplication.translate("DevicesPage", "Patient"))
        self.patient.setPlaceholderText(
            QCoreApplication.translate("DevicesPage", "Choose the patient first")
        )
        self.device_list.setAccessibleName(
            QCoreApplication.translate("DevicesPage", "Devices in range")
        )
        for button, text in (
            (self.scan_button, QCoreApplication.translate("DevicesPage", "&Scan")),
            (self.pair_button, QCoreApplication.translate("DevicesPage", "P&air")),
            (self.forget_button, QCoreApplication.translate("DevicesPage", "&Remove pairing")),
            (self.measure_button, QCoreApplication.translate("DevicesPage", "&Take measurement")),
            (self.cancel_button, QCoreApplication.translate("DevicesPage", "Ca&ncel measurement")),
            (self.confirm_button, QCoreApplication.translate("DevicesPage", "&Confirm and save")),
            (self.discard_button, QCoreApplication.translate("DevicesPage", "&Discard")),
        ):
            button.setText(text)
            button.setAccessibleName(text.replace("&", ""))
        self.progress.setAccessibleName(
            QCoreApplication.translate("DevicesPage", "Device operation in progress")
        )
        self.result_box.setTitle(QCoreApplication.translate("DevicesPage", "Measurement"))
        self.values.setHeaderLabels(
            [
                QCoreApplication.translate("DevicesPage", "Parameter"),
                QCoreApplication.translate("DevicesPage", "Value"),
                QCoreApplication.translate("DevicesPage", "Unit"),
            ]
        )
        self.values.setAccessibleName(QCoreApplication.translate("DevicesPage", "Measured values"))
        self.details.setAccessibleName(
            QCoreApplication.translate("DevicesPage", "Measurement details")
        )
        self.guide.retranslate()
        self.guide.show_failure(self.last_failure)
        if not self.guide.step.text():
            self.guide.step.setText(
                QCoreApplication.translate(
                    "DevicesPage",
                    "1. Switch the device on and put it in pairing mode. 2. Press Scan. 3. Select it and press Pair.",
                )
            )
        self.status.setAccessibleName(QCoreApplication.translate("DevicesPage", "Status"))
        if not self.live.text():
            self.live.setAccessibleName(QCoreApplication.translate("DevicesPage", "Live value"))
        self._fill_devices()
        self._show_pending()

    # ------------------------------------------------------------------ plumbing

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def _run(
        self,
        coro: Any,
        on_success: Callable[[Any], None],
        *,
        name: str,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._busy += 1
        self._update_controls()

        def ok(result: Any) -> None:
            self._busy -= 1
            on_success(result)
            self._update_controls()

        def failed(error: BaseException) -> None:
            self._busy -= 1
            (on_error or self._on_failure)(error)
            self._update_controls()

        self.ctx.bridge.submit(coro, name=name, on_success=ok, on_error=failed)

    def _update_controls(self) -> None:
        busy = self.busy
        selected = self._selected()
        self.progress.setVisible(busy)
        if not busy:
            self.progress.setRange(0, 0)  # back to "working" for the next operation
        self.scan_button.setEnabled(not busy)
        self.pair_button.setEnabled(not busy and selected is not None)
        self.forget_button.setEnabled(not busy and selected is not None)
        self.measure_button.setEnabled(
            not busy and selected is not None and self.patient.currentIndex() >= 0
        )
        self.confirm_button.setEnabled(
            not busy and self.pending is not None and self.patient.currentIndex() >= 0
        )
        self.discard_button.setEnabled(not busy and self.pending is not None)
        self.cancel_button.setEnabled(self._measuring is not None)

    def _selected(self) -> FoundDevice | None:
        row = self.device_list.currentRow()
        return self.devices[row] if 0 <= row < len(self.devices) else None

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    def _on_failure(self, error: BaseException) -> None:
        self.guide.show_question(None)
        kind = error.kind if isinstance(error, DeviceFailure) else FailureKind.CONNECTION_LOST
        self.last_failure = kind
        self.guide.show_failure(kind)
        self._set_status(_tr(str(EXPLANATIONS[kind][0])))

    def _clear_failure(self) -> None:
        self.last_failure = None
        self.guide.show_failure(None)

    # ------------------------------------------------------------------ patients & scan

    def _on_patients(self, patients: list[PatientChoice]) -> None:
        """Reload the patient choice, keeping the one picked; never pick one for the user (a
        measurement filed under a preselected stranger is worse than one more click)."""
        chosen = self.patient.currentData()
        self.patients = list(patients)
        self.patient.clear()
        for p in self.patients:
            self.patient.addItem(p.display_name, p.reference)
        self.patient.setCurrentIndex(self.patient.findData(chosen) if chosen else -1)

    def showEvent(self, event: QShowEvent) -> None:
        # The patient list comes from the backend, which may come up (or the clinician log
        # in) after the window was built: reload it whenever the area is shown empty.
        super().showEvent(event)
        if not self.patients and not self.busy:
            self._run(self.service.list_patients(), self._on_patients, name="devices.patients")

    def scan(self) -> None:
        self._clear_failure()
        self._set_status(QCoreApplication.translate("DevicesPage", "Scanning for devices…"))
        self._run(self.service.scan(), self._on_scanned, name="devices.scan")

    def _on_scanned(self, devices: list[FoundDevice]) -> None:
        self.devices = list(devices)
        self._fill_devices()
        if self.devices:
            self.device_list.setCurrentRow(0)
            self._set_status(
                QCoreApplication.translate(
                    "DevicesPage", "%n device(s) found.", "", len(self.devices)
                )
            )
        else:
            self._on_failure(DeviceFailure(FailureKind.NOT_FOUND))

    def _fill_devices(self) -> None:
        row = self.device_list.currentRow()
        self.device_list.clear()
        for d in self.devices:
            state = (
                QCoreApplication.translate("DevicesPage", "connected")
                if d.connected
                else (
                    QCoreApplication.translate("DevicesPage", "pairing needed")
                    if d.needs_pairing
                    else ""
                )
            )
            text = f"{d.name} — {d.kind}" + (f" ({state})" if state else "")
            item = QListWidgetItem(text, self.device_list)
            item.setData(Qt.ItemDataRole.UserRole, d.address)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        if 0 <= row < len(self.devices):
            self.device_list.setCurrentRow(row)

    def _on_transfer_progress(self, event: DeviceTransferDidProgress) -> None:
        """Stored records arriving: a determinate bar when the meter said how many."""
        if event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(min(event.received, event.total))
        self._set_status(
            QCoreApplication.translate("DevicesPage", "Receiving stored readings: %1 of %2…")
            .replace("%1", str(event.received))
            .replace("%2", str(event.total) if event.total else "?")
        )

    def _on_link_changed(self, event: DeviceLinkDidChange) -> None:
        """A link came up or dropped (GUI thread, from the bridge)."""
        changed = False
        for i, d in enumerate(self.devices):
            if d.address == event.address and d.connected != event.connected:
                self.devices[i] = dataclasses.replace(d, connected=event.connected)
                changed = True
                if not event.connected:
                    self._set_status(
                        QCoreApplication.translate("DevicesPage", "%1 disconnected.").replace(
                            "%1", d.name
                        )
                    )
        if changed:
            self._fill_devices()

    def select_device(self, name: str) -> None:
        """Select the device whose advertised name is ``name`` (keyboard helpers, tests)."""
        for i, d in enumerate(self.devices):
            if d.name == name:
                self.device_list.setCurrentRow(i)
                return
        raise KeyError(name)

    # ------------------------------------------------------------------ pairing

    def pair(self) -> None:
        device = self._selected()
        if device is None:
            return
        self._clear_failure()
        self.guide.step.setText(
            QCoreApplication.translate(
                "DevicesPage", "Pairing with %1… If the device shows a PIN, type it below."
            ).replace("%1", device.name)
        )
        self._set_status(QCoreApplication.translate("DevicesPage", "Pairing…"))
        self._run(self.service.pair(device.address), self._on_paired, name="devices.pair")

    def _on_paired(self, device: FoundDevice) -> None:
        self.guide.show_question(None)
        self.devices = [device if d.address == device.address else d for d in self.devices]
        self._fill_devices()
        self.guide.step.setText(
            QCoreApplication.translate(
                "DevicesPage", "Paired. Select the patient and press Take measurement."
            )
        )
        self._set_status(
            QCoreApplication.translate("DevicesPage", "Paired with %1.").replace("%1", device.name)
        )

    @Slot(str)
    def _on_passkey_requested(self, label: str) -> None:
        self.guide.step.setText(
            QCoreApplication.translate(
                "DevicesPage", "Type the 6-digit PIN shown on %1 (or printed on its label)."
            ).replace("%1", label)
        )
        self.guide.show_question("passkey")

    @Slot(str, int)
    def _on_comparison_requested(self, label: str, number: int) -> None:
        self.guide.step.setText(
            QCoreApplication.translate("DevicesPage", "Does %1 show the number %2?")
            .replace("%1", label)
            .replace("%2", f"{number:06d}")
        )
        self.guide.show_question("compare")

    def _answer_pin(self) -> None:
        text = self.guide.pin.text()
        if len(text) != 6:
            self._set_status(QCoreApplication.translate("DevicesPage", "The PIN has 6 digits."))
            return
        self.guide.show_question(None)
        self.prompter.answer(int(text))

    def _cancel_pin(self) -> None:
        self.guide.show_question(None)
        self.prompter.cancel()

    def _answer_compare(self, same: bool) -> None:
        self.guide.show_question(None)
        self.prompter.answer(same)

    def forget(self) -> None:
        device = self._selected()
        if device is None:
            return
        self._clear_failure()
        self._run(
            self.service.forget(device.address),
            lambda _r: self._on_forgotten(device),
            name="devices.forget",
        )

    def _on_forgotten(self, device: FoundDevice) -> None:
        self.guide.step.setText(
            QCoreApplication.translate(
                "DevicesPage", "Pairing removed. Put the device in pairing mode and press Pair."
            )
        )
        self._set_status(
            QCoreApplication.translate("DevicesPage", "Pairing with %1 removed.").replace(
                "%1", device.name
            )
        )

    # ------------------------------------------------------------------ measurement

    def measure(self) -> None:
        device = self._selected()
        if device is None:
            return
        self._clear_failure()
        self.pending = None
        self._show_pending()
        self._set_status(
            QCoreApplication.translate(
                "DevicesPage", "Waiting for the measurement from %1…"
            ).replace("%1", device.name)
        )
        self._measuring = device.address

        def measured(pending: PendingMeasurement) -> None:
            self._stop_live()
            self._on_measured(pending)

        def failed(error: BaseException) -> None:
            self._stop_live()
            self._on_failure(error)

        self.live.clear()
        self.live_timer.start()

        self._run(
            self.service.measure(device.address), measured, name="devices.measure", on_error=failed
        )

    def _stop_live(self) -> None:
        self._measuring = None
        self.live_timer.stop()
        self.live.clear()

    def _poll_live(self) -> None:
        """Show the device's live value (continuous SpO2, cuff pressure) while waiting."""
        address = self._measuring
        if address is None or self._live_in_flight:
            return
        self._live_in_flight = True
        service = self.service

        async def poll() -> tuple[Any, ...]:
            return service.live_values(address)

        def shown(values: tuple[Any, ...]) -> None:
            self._live_in_flight = False
            if values and self._measuring == address:
                text = "  ".join(f"{_tr(v.label)} {_tr(v.value)} {v.unit}".strip() for v in values)
                self.live.setText(
                    QCoreApplication.translate("DevicesPage", "Live: %1").replace("%1", text)
                )
                self.live.setAccessibleName(self.live.text())

        def lost(_error: BaseException) -> None:
            self._live_in_flight = False

        self.ctx.bridge.submit(poll(), name="devices.live", on_success=shown, on_error=lost)

    def cancel_measurement(self) -> None:
        """Stop waiting for the device (the patient is not ready, wrong device...)."""
        address = self._measuring
        if address is None:
            return
        service = self.service

        async def cancel() -> bool:
            return service.cancel_measurement(address)

        self.ctx.bridge.submit(cancel(), name="devices.cancel")

    def _on_measured(self, pending: PendingMeasurement) -> None:
        self.pending = pending
        self._show_pending()
        self._set_status(
            QCoreApplication.translate(
                "DevicesPage", "Check the values, then confirm to save them."
            )
        )
        self.confirm_button.setFocus()

    def _show_pending(self) -> None:
        self.values.clear()
        pending = self.pending
        if pending is None:
            self.details.setText("")
            return
        for v in pending.values:
            # Numbers pass through unchanged; words (meal context) are translated.
            item = QTreeWidgetItem(self.values, [_tr(v.label), _tr(v.value), v.unit])
            item.setData(
                0, Qt.ItemDataRole.AccessibleTextRole, f"{_tr(v.label)} {_tr(v.value)} {v.unit}"
            )
        when = pending.measured_at_utc.astimezone().strftime("%Y-%m-%d %H:%M")
        parts = [
            QCoreApplication.translate("DevicesPage", "Measured at %1 by %2.")
            .replace("%1", when)
            .replace("%2", pending.device_name)
        ]
        if pending.record_count > 1:
            parts.append(
                QCoreApplication.translate(
                    "DevicesPage", "%n stored reading(s) will be saved.", "", pending.record_count
                )
            )
        parts.append(
            QCoreApplication.translate("DevicesPage", "Paired link.")
            if pending.bonded
            else QCoreApplication.translate("DevicesPage", "Unpaired link.")
        )
        if pending.clock_offset_s is not None:
            parts.append(
                QCoreApplication.translate("DevicesPage", "Device clock offset: %1 s.").replace(
                    "%1", f"{pending.clock_offset_s:+.1f}"
                )
            )
        text = " ".join(parts)
        self.details.setText(text)
        self.details.setAccessibleDescription(text)

    def confirm(self) -> None:
        pending = self.pending
        index = self.patient.currentIndex()
        if pending is None or index < 0:
            return
        patient = self.patients[index]
        self._run(
            self.service.confirm(pending.measurement_id, patient),
            self._on_saved,
            name="devices.confirm",
        )

    def _on_saved(self, saved: SavedMeasurement) -> None:
        self.last_saved = saved
        self.pending = None
        self._show_pending()
        self._set_status(
            QCoreApplication.translate(
                "DevicesPage",
                "Saved: %n value(s) will be sent to the regional record.",
                "",
                len(saved.observation_ids),
            )
        )

    def discard(self) -> None:
        if self.pending is not None:
            measurement_id = self.pending.measurement_id
            service = self.service

            async def drop() -> None:
                service.discard(measurement_id)

            self._run(drop(), lambda _r: None, name="devices.discard")
        self.pending = None
        self._show_pending()
        self._set_status(QCoreApplication.translate("DevicesPage", "Measurement discarded."))
        self._update_controls()
