"""Pharmacy point-of-care mode: consent, measure (typed in when no device), send, receipt.

Opened from the patient page once the patient is identified. Every field starts empty ("not
measured"); the values are checked for plausibility before anything is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.telemonitoring import Parameter, Provenance, Reading
from app.domain.workflows import PatientHeader, WorkflowError
from app.services.clinical import ClinicalServices
from app.services.devices import DeviceFailure, DeviceService, FoundDevice
from app.services.pharmacy import (
    PLAUSIBLE,
    ConsentMissing,
    ImplausibleReading,
    PointOfCareResult,
    receipt_pdf,
)
from ui.audit_banner import record_audited_act
from ui.clinical import BusyRunner, print_pdf
from ui.context import UiContext
from ui.error_text import reason_text
from ui.pages.devices import CONTEXT as DEVICES_CONTEXT
from ui.pages.devices import EXPLANATIONS
from ui.trend_view import display_unit, parameter_label

MEASURED = (
    Parameter.SYSTOLIC_BP,
    Parameter.DIASTOLIC_BP,
    Parameter.HEART_RATE,
    Parameter.SPO2,
    Parameter.WEIGHT,
    Parameter.GLUCOSE,
    Parameter.TEMPERATURE,
)
_DECIMALS = {Parameter.WEIGHT: 1, Parameter.TEMPERATURE: 1}


class PointOfCareDialog(QDialog):
    """One point-of-care session for the identified patient."""

    def __init__(
        self,
        ctx: UiContext,
        services: ClinicalServices,
        header: PatientHeader,
        *,
        pharmacy_name: str = "Farmacia",
        devices: DeviceService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pointOfCareDialog")
        self.ctx = ctx
        self.services = services
        self.header = header
        self.pharmacy_name = pharmacy_name
        self._devices = devices
        self.sent_result: PointOfCareResult | None = None
        self.pharmacist_name = services.practitioner_ref
        self.runner = BusyRunner(ctx, self._update)
        layout = QVBoxLayout(self)
        self.patient = QLabel(header.patient.display_name, self)
        self.patient.setObjectName("pocPatient")
        f = self.patient.font()
        f.setBold(True)
        self.patient.setFont(f)
        layout.addWidget(self.patient)
        self.consent = QCheckBox(self)
        self.consent.setObjectName("pocConsent")
        self.consent.setChecked(header.televisit_allowed)
        self.consent.setEnabled(not header.televisit_allowed)
        layout.addWidget(self.consent)
        form = QFormLayout()
        self.fields: dict[Parameter, QDoubleSpinBox] = {}
        for p in MEASURED:
            spin = QDoubleSpinBox(self)
            spin.setObjectName(f"poc_{p.key}")
            low, high = PLAUSIBLE[p]
            spin.setDecimals(_DECIMALS.get(p, 0))
            # One step below the plausible range means "not measured".
            spin.setRange(low - 1, high)
            spin.setValue(low - 1)
            spin.setSpecialValueText(self.tr("not measured"))
            spin.setSuffix(f" {display_unit(p)}")
            spin.setAccessibleName(parameter_label(p))
            label = QLabel(parameter_label(p) + ":", self)
            label.setBuddy(spin)
            form.addRow(label, spin)
            self.fields[p] = spin
        layout.addLayout(form)
        device_row = QHBoxLayout()
        self.device_label = QLabel(self.tr("&Device:"), self)
        self.device_combo = QComboBox(self)
        self.device_combo.setObjectName("pocDevice")
        self.device_combo.setAccessibleName(self.tr("Bluetooth device"))
        self.device_label.setBuddy(self.device_combo)
        self.scan_button = QPushButton(self.tr("S&can"), self)
        self.scan_button.setObjectName("pocScan")
        self.scan_button.setAccessibleName(self.tr("Look for Bluetooth devices"))
        self.device_button = QPushButton(self.tr("Measure with &device"), self)
        self.device_button.setObjectName("pocMeasureDevice")
        self.device_button.setAccessibleName(
            self.tr("Take the next measurement of the selected device and send it")
        )
        for w in (self.device_label, self.device_combo, self.scan_button, self.device_button):
            device_row.addWidget(w)
        device_row.setStretch(1, 1)
        layout.addLayout(device_row)
        self.status = QLabel(self)
        self.status.setObjectName("pocStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Point-of-care status"))
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.send_button = QPushButton(self.tr("&Send measurements"), self)
        self.send_button.setObjectName("pocSend")
        self.send_button.setAccessibleName(self.tr("Send the measurements"))
        self.receipt_button = QPushButton(self.tr("Print &receipt..."), self)
        self.receipt_button.setObjectName("pocReceipt")
        self.receipt_button.setAccessibleName(self.tr("Print the patient's receipt"))
        self.save_button = QPushButton(self.tr("Save receipt as P&DF..."), self)
        self.save_button.setObjectName("pocSaveReceipt")
        self.save_button.setAccessibleName(self.tr("Save the patient's receipt as a PDF file"))
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setAccessibleName(self.tr("Close the point-of-care session"))
        for b in (self.send_button, self.receipt_button, self.save_button, self.close_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.consent.setText(
            self.tr("The patient gives informed consent and consent to telemonitoring")
        )
        self.consent.setAccessibleName(self.consent.text())
        self.setWindowTitle(self.tr("Point-of-care measurement"))
        self.send_button.clicked.connect(self.send)
        self.scan_button.clicked.connect(self.scan)
        self.device_button.clicked.connect(self.measure_with_device)
        self.receipt_button.clicked.connect(self._ask_print)
        self.save_button.clicked.connect(self._ask_receipt)
        self.close_button.clicked.connect(self.accept)
        self._update()

    def readings(self) -> list[Reading]:
        now = datetime.now(UTC).replace(microsecond=0)
        out = []
        for p, spin in self.fields.items():
            if spin.value() > spin.minimum():
                out.append(Reading(p, now, float(spin.value()), Provenance.MANUAL))
        return out

    def _update(self) -> None:
        idle = self.runner.pending == 0
        self.send_button.setEnabled(idle and self.sent_result is None)
        self.receipt_button.setEnabled(idle and self.sent_result is not None)
        self.save_button.setEnabled(idle and self.sent_result is not None)
        self.scan_button.setEnabled(idle and self.sent_result is None)
        self.device_button.setEnabled(
            idle and self.sent_result is None and self.device_combo.count() > 0
        )

    # -- device path ------------------------------------------------------------------------
    def devices(self) -> DeviceService:
        """The workstation's device service (created on first use)."""
        if self._devices is None:
            self._devices = self.ctx.workstation.device_service()
        return self._devices

    def _device_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DeviceFailure):
            what, todo = EXPLANATIONS.get(exc.kind, ("", ""))
            text = " ".join(
                QCoreApplication.translate(DEVICES_CONTEXT, t) for t in (what, todo) if t
            )
        else:
            text = self.tr("The device did not answer (%1).").replace("%1", type(exc).__name__)
        self.status.setText(text)

    def scan(self) -> None:
        self.status.setText(self.tr("Looking for devices..."))
        self.runner.run(
            self.devices().scan(),
            name=self.tr("Looking for devices"),
            on_success=self._scanned,
            on_error=self._device_failed,
        )

    def _scanned(self, found: list[FoundDevice]) -> None:
        self.device_combo.clear()
        for d in found:
            self.device_combo.addItem(f"{d.name} ({d.kind})", d)
        self.status.setText(
            self.tr("%n device(s) found.", "", len(found))
            if found
            else self.tr("No device found: switch it on, then scan again.")
        )
        self._update()

    def measure_with_device(self) -> None:
        found: FoundDevice | None = self.device_combo.currentData()
        if found is None:
            return
        if found.needs_pairing:
            self.status.setText(self.tr("Pair the device in the Devices area first."))
            return
        header = self.header
        services = self.services
        consent_given = self.consent.isChecked()
        needs_consent = not header.televisit_allowed
        devices = self.devices()

        async def run() -> tuple[PointOfCareResult, str]:
            if needs_consent and consent_given:
                await services.pharmacy.record_consents(
                    header.patient, pharmacist_ref=services.practitioner_ref
                )
            result = await services.pharmacy.measure_with_device(
                header.patient, devices, found.address, consent_on_record=consent_given
            )
            return result, await services.practitioner_name()

        self.status.setText(self.tr("Measure now: waiting for the device..."))
        self.runner.run(
            run(), name=self.tr("Measuring with the device"), on_success=self._sent,
            on_error=self._device_or_consent_failed,
        )  # fmt: skip

    def _device_or_consent_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConsentMissing):
            self._failed(exc)
        else:
            self._device_failed(exc)

    def send(self) -> None:
        readings = self.readings()
        header = self.header
        services = self.services
        consent_given = self.consent.isChecked()
        needs_consent = not header.televisit_allowed

        async def run() -> tuple[PointOfCareResult, str]:
            if needs_consent and consent_given:
                await services.pharmacy.record_consents(
                    header.patient, pharmacist_ref=services.practitioner_ref
                )
            result = await services.pharmacy.measure_and_send(
                header.patient,
                readings,
                pharmacist_ref=services.practitioner_ref,
                consent_on_record=consent_given,
            )
            return result, await services.practitioner_name()

        self.runner.run(
            run(), name=self.tr("Sending the measurements"), on_success=self._sent,
            on_error=self._failed,
        )  # fmt: skip

    def _sent(self, sent: tuple[PointOfCareResult, str]) -> None:
        self.sent_result, self.pharmacist_name = sent
        for spin in self.fields.values():
            spin.setEnabled(False)
        self.status.setText(self.tr("Measurements sent. Print the receipt for the patient."))
        self._update()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConsentMissing):
            text = self.tr("The patient's consent is needed before measuring.")
        elif isinstance(exc, ImplausibleReading):
            text = self.tr("%1 is outside the plausible range: check the value.").replace(
                "%1", parameter_label(exc.parameter)
            )
            self.fields[exc.parameter].setFocus()
        elif isinstance(exc, WorkflowError):
            text = self.tr("Enter at least one measurement.")
        else:
            text = self.tr("Not sent (%1); try again.").replace("%1", reason_text(exc))
        self.status.setText(text)

    def receipt(self) -> bytes:
        """The receipt PDF of what was sent."""
        assert self.sent_result is not None
        lines = [
            (QCoreApplication.translate(DEVICES_CONTEXT, label), f"{value} {unit}".strip())
            for label, value, unit in self.sent_result.device_values
        ]
        by = {r.parameter: r for r in self.sent_result.readings}
        sbp, dbp = by.get(Parameter.SYSTOLIC_BP), by.get(Parameter.DIASTOLIC_BP)
        loc = QLocale()
        if sbp and dbp:
            lines.append((self.tr("Blood pressure"), f"{sbp.value:.0f}/{dbp.value:.0f} mmHg"))
        for r in self.sent_result.readings:
            if sbp and dbp and r.parameter in (Parameter.SYSTOLIC_BP, Parameter.DIASTOLIC_BP):
                continue
            value = loc.toString(r.value, "f", _DECIMALS.get(r.parameter, 0))
            lines.append((parameter_label(r.parameter), f"{value} {display_unit(r.parameter)}"))
        return receipt_pdf(
            self.sent_result,
            pharmacist_name=self.pharmacist_name,
            pharmacy_name=self.pharmacy_name,
            lines=lines,
        )

    def save_receipt(self, path: Path) -> None:
        path.write_bytes(self.receipt())
        self._audit(AuditAction.EXPORT)
        self.status.setText(self.tr("Receipt saved."))

    def print_receipt(self, printer: QPrinter) -> int:
        """Print the receipt; returns the pages printed."""
        pages = print_pdf(self.receipt(), printer)
        self.status.setText(
            self.tr("Receipt printed.") if pages else self.tr("The printer cannot be opened.")
        )
        if pages:
            self._audit(AuditAction.PRINT)
        return pages

    def _audit(self, action: AuditAction) -> None:
        patient_id = self.header.patient.patient_id if self.header is not None else None
        record_audited_act(self.ctx, action, patient_id=patient_id, what="pharmacy-receipt")

    def _ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_receipt(printer)

    def _ask_receipt(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the receipt"), "ricevuta.pdf", self.tr("PDF (*.pdf)")
        )
        if name:
            self.save_receipt(Path(name))
