"""Editor of the Referto di Televisita over ``app.domain.visit_report``.

Sections follow the HL7 Italia televisita report (reason, history, examination, conclusions,
recommended tests, therapy); the report states it was delivered remotely. Every edit is
autosaved (after a short pause) to the draft store, so a crash loses at most the last second of
typing; reopening the editor for the same patient restores the draft. Preview shows the PDF as it
will be signed; Print sends it to a printer; Sign and send renders the final PDF and hands the
DocumentReference + Binary transaction to the outbox.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QDateTime,
    QIODevice,
    QTimer,
    Signal,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.visit_report import REMOTE_STATEMENT_IT, RemoteService, ReportError, VisitReport
from app.domain.workflows import IdentifierKind, PatientHeader
from app.services.clinical import ClinicalServices
from app.services.visit_report import measurement_line, render_pdf, report_unit
from ui.audit_banner import record_audited_act
from ui.clinical import BusyRunner, label_controls, print_pdf
from ui.context import UiContext
from ui.error_text import reason_text

SECTIONS = ("reason", "history", "examination", "conclusions", "recommended_tests", "therapy")
AUTOSAVE_MS = 800


def _qdt(dt: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(dt.timestamp()))


def _dt(q: QDateTime) -> datetime:
    return datetime.fromtimestamp(q.toSecsSinceEpoch(), UTC)


class VisitReportEditor(QDialog):
    """Write, preview, print, sign and send one visit report."""

    signed_and_sent = Signal(str)  # report id
    draft_saved = Signal()

    def __init__(
        self,
        ctx: UiContext,
        services: ClinicalServices,
        header: PatientHeader,
        *,
        started_at_utc: datetime | None = None,
        ended_at_utc: datetime | None = None,
        encounter_ref: str | None = None,
        appointment_ref: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("visitReportEditor")
        self.ctx = ctx
        self.services = services
        self.header = header
        self.runner = BusyRunner(ctx, self._update_actions)
        self.signed_report: VisitReport | None = None
        self.last_pdf: bytes | None = None
        self.practitioner_name = services.practitioner_ref
        self._loading = True
        self.encounter_ref = encounter_ref
        self.appointment_ref = appointment_ref
        now = (ended_at_utc or datetime.now(UTC)).replace(microsecond=0)
        start = started_at_utc or now - timedelta(minutes=20)
        self.report_id = str(uuid.uuid4())

        outer = QVBoxLayout(self)
        self.title_label = QLabel(self)
        f = self.title_label.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.title_label.setFont(f)
        outer.addWidget(self.title_label)
        self.statement = QLabel(self)
        self.statement.setObjectName("remoteStatement")
        outer.addWidget(self.statement)
        top = QFormLayout()
        self.patient_label = QLabel(header.patient.display_name, self)
        self.service = QComboBox(self)
        self.service.setObjectName("reportService")
        for s in RemoteService:
            self.service.addItem("", s.value)
        self.start_edit = QDateTimeEdit(_qdt(start), self)
        self.start_edit.setObjectName("reportStart")
        self.end_edit = QDateTimeEdit(_qdt(now), self)
        self.end_edit.setObjectName("reportEnd")
        for e in (self.start_edit, self.end_edit):
            e.setCalendarPopup(True)
            e.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.patient_caption = QLabel(self)
        self.service_caption = QLabel(self)
        self.start_caption = QLabel(self)
        self.end_caption = QLabel(self)
        top.addRow(self.patient_caption, self.patient_label)
        top.addRow(self.service_caption, self.service)
        top.addRow(self.start_caption, self.start_edit)
        top.addRow(self.end_caption, self.end_edit)
        self.service_caption.setBuddy(self.service)
        self.start_caption.setBuddy(self.start_edit)
        self.end_caption.setBuddy(self.end_edit)
        outer.addLayout(top)

        body = QWidget(self)
        form = QFormLayout(body)
        self.editors: dict[str, QPlainTextEdit] = {}
        self.captions: dict[str, QLabel] = {}
        for key in SECTIONS:
            caption = QLabel(body)
            edit = QPlainTextEdit(body)
            edit.setObjectName(f"section_{key}")
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(60)
            caption.setBuddy(edit)
            form.addRow(caption, edit)
            self.editors[key] = edit
            self.captions[key] = caption
        self.include_readings = QCheckBox(body)
        self.include_readings.setObjectName("includeReadings")
        self.include_readings.setChecked(bool(header.last_readings))
        form.addRow("", self.include_readings)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.status = QLabel(self)
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton(self)
        self.preview_button.setObjectName("previewReport")
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printReport")
        self.sign_button = QPushButton(self)
        self.sign_button.setObjectName("signReport")
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("closeReport")
        for b in (self.preview_button, self.print_button, self.sign_button, self.close_button):
            buttons.addWidget(b)
        outer.addLayout(buttons)

        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_draft)
        for edit in self.editors.values():
            edit.textChanged.connect(self._changed)
        self.start_edit.dateTimeChanged.connect(self._changed)
        self.end_edit.dateTimeChanged.connect(self._changed)
        self.service.currentIndexChanged.connect(self._on_service)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.ask_print)
        self.sign_button.clicked.connect(self.sign_and_send)
        self.close_button.clicked.connect(self.close)
        self.retranslate()
        self.resize(760, 820)
        self._update_actions()
        self._restore()

    # -- texts --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Televisit report"))
        self.title_label.setText(self.tr("Referto di Televisita (LOINC 75496-0)"))
        self.patient_caption.setText(self.tr("Patient:"))
        self.service_caption.setText(self.tr("&Service:"))
        self.start_caption.setText(self.tr("S&tart:"))
        self.end_caption.setText(self.tr("&End:"))
        names = {
            RemoteService.TELEVISIT: self.tr("Televisit"),
            RemoteService.TELEASSISTANCE: self.tr("Teleassistance"),
            RemoteService.TELECONSULT: self.tr("Teleconsult"),
        }
        for i in range(self.service.count()):
            self.service.setItemText(i, names[RemoteService(self.service.itemData(i))])
        titles = {
            "reason": self.tr("&Reason for the visit"),
            "history": self.tr("&History"),
            "examination": self.tr("E&xamination and measured parameters"),
            "conclusions": self.tr("&Conclusions"),
            "recommended_tests": self.tr("Recommended te&sts"),
            "therapy": self.tr("Thera&py"),
        }
        for key, text in titles.items():
            self.captions[key].setText(text)
            self.editors[key].setAccessibleName(text.replace("&", ""))
        self.include_readings.setText(self.tr("Include the latest readings in the report"))
        self.include_readings.setAccessibleName(self.include_readings.text())
        self.service.setAccessibleName(self.tr("Service delivered"))
        self.start_edit.setAccessibleName(self.tr("Start of the visit"))
        self.end_edit.setAccessibleName(self.tr("End of the visit"))
        self.statement.setAccessibleName(self.tr("Remote delivery statement"))
        self.status.setAccessibleName(self.tr("Report status"))
        label_controls(
            (self.preview_button, self.tr("Pre&view PDF"), self.tr("Preview the report as PDF")),
            (self.print_button, self.tr("Pr&int..."), self.tr("Print the report")),
            (
                self.sign_button,
                self.tr("Si&gn and send"),
                self.tr("Sign the report and send it to the record"),
            ),
            (self.close_button, self.tr("Close"), self.tr("Close the editor (the draft is kept)")),
        )
        self._on_service()

    def _on_service(self) -> None:
        self.statement.setText(REMOTE_STATEMENT_IT[self.current_service()])
        self._changed()

    def current_service(self) -> RemoteService:
        return RemoteService(self.service.currentData() or RemoteService.TELEVISIT.value)

    # -- model --------------------------------------------------------------------------------
    def report(self) -> VisitReport:
        """The report as currently typed (a draft)."""
        p = self.header.patient
        measurements: tuple[str, ...] = ()
        if self.include_readings.isChecked():
            measurements = tuple(measurement_line(r) for r in self.header.last_readings)
        return VisitReport(
            report_id=self.report_id,
            patient_ref=f"Patient/{p.patient_id}",
            patient_name=p.display_name,
            patient_codice_fiscale=p.identifier(IdentifierKind.CODICE_FISCALE)
            or next((i.value for i in p.identifiers), "-"),
            practitioner_ref=self.services.practitioner_ref,
            practitioner_name=self.practitioner_name,
            started_at_utc=_dt(self.start_edit.dateTime()),
            ended_at_utc=_dt(self.end_edit.dateTime()),
            service=self.current_service(),
            encounter_ref=self.encounter_ref,
            measurements=measurements,
            reason=self.editors["reason"].toPlainText(),
            history=self.editors["history"].toPlainText(),
            examination=self.editors["examination"].toPlainText(),
            conclusions=self.editors["conclusions"].toPlainText(),
            recommended_tests=self.editors["recommended_tests"].toPlainText(),
            therapy=self.editors["therapy"].toPlainText(),
        )

    def _fill(self, report: VisitReport) -> None:
        self._loading = True
        self.report_id = report.report_id
        self.encounter_ref = self.encounter_ref or report.encounter_ref
        for key, edit in self.editors.items():
            edit.setPlainText(getattr(report, key))
        self.start_edit.setDateTime(_qdt(report.started_at_utc))
        self.end_edit.setDateTime(_qdt(report.ended_at_utc))
        self.service.setCurrentIndex(max(0, self.service.findData(report.service.value)))
        self._loading = False

    # -- drafts -------------------------------------------------------------------------------
    def _restore(self) -> None:
        patient_ref = f"Patient/{self.header.patient.patient_id}"
        drafts = self.services.drafts
        practitioner = self.services.practitioner_ref

        async def find() -> tuple[VisitReport | None, str]:
            name = await self.services.practitioner_name()
            for rid in await drafts.list_ids():
                draft = await drafts.load(rid)
                if (
                    draft is not None
                    and draft.signed_at_utc is None
                    and draft.patient_ref == patient_ref
                    and draft.practitioner_ref == practitioner
                ):
                    return draft, name
            return None, name

        self.runner.run(
            find(),
            name=self.tr("Opening the draft"),
            on_success=self._restored,
            on_error=lambda exc: self._restored((None, practitioner)),
        )

    def _restored(self, found: tuple[VisitReport | None, str]) -> None:
        draft, name = found
        self.practitioner_name = name
        if draft is not None:
            self._fill(draft)
            self.status.setText(self.tr("Draft restored."))
        self._loading = False

    def _changed(self, *_: Any) -> None:
        if not self._loading and self.signed_report is None:
            self.autosave.start()

    def save_draft(self, *, quiet: bool = False) -> None:
        """Save the current text to the draft store now (``quiet``: keep the status text)."""
        if self.signed_report is not None:
            return
        self.runner.run(
            self.services.drafts.save(self.report()),
            name=self.tr("Saving the draft"),
            on_success=lambda _r: self._draft_saved(quiet=quiet),
            on_error=lambda exc: self.status.setText(
                self.tr("The draft could not be saved (%1).").replace("%1", type(exc).__name__)
            ),
        )

    def _draft_saved(self, *, quiet: bool = False) -> None:
        if not quiet:
            self.status.setText(
                self.tr("Draft saved at %1.").replace("%1", datetime.now().strftime("%H:%M:%S"))
            )
        self.draft_saved.emit()

    # -- preview, print -----------------------------------------------------------------------
    def _pdf_for_display(self) -> bytes | None:
        if self.signed_report is not None and self.last_pdf is not None:
            return self.last_pdf
        try:
            draft = self.report()
            draft.check_signable()
            return render_pdf(draft, draft_preview=True)
        except ReportError as exc:
            self.status.setText(self._report_error_text(exc))
            return None

    def _report_error_text(self, exc: ReportError) -> str:
        return {
            "the reason for the visit is required": self.tr("Write the reason for the visit."),
            "the conclusions are required": self.tr("Write the conclusions."),
            "the visit ends before it starts": self.tr("The visit ends before it starts."),
        }.get(str(exc), str(exc))

    def preview(self) -> QDialog | None:
        pdf = self._pdf_for_display()
        if pdf is None:
            return None
        dialog = QDialog(self)
        dialog.setObjectName("reportPreview")
        dialog.setWindowTitle(self.tr("Report preview"))
        layout = QVBoxLayout(dialog)
        view = QPdfView(dialog)
        view.setAccessibleName(self.tr("Report preview"))
        doc = QPdfDocument(dialog)
        buffer = QBuffer(dialog)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        doc.load(buffer)
        view.setDocument(doc)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        layout.addWidget(view)
        dialog.resize(700, 900)
        dialog.show()
        self.preview_dialog = dialog
        self.preview_document = doc
        return dialog

    def ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print the report on ``printer``; returns the number of pages printed."""
        pdf = self._pdf_for_display()
        if pdf is None:
            return 0
        pages = print_pdf(pdf, printer)
        if pages == 0:
            self.status.setText(self.tr("The printer cannot be opened."))
        else:
            record_audited_act(
                self.ctx,
                AuditAction.PRINT,
                patient_id=self.header.patient.patient_id,
                what="visit-report",
            )
        return pages

    # -- sign ---------------------------------------------------------------------------------
    def sign_and_send(self) -> None:
        try:
            report = self.report().signed(datetime.now(UTC).replace(microsecond=0))
        except ReportError as exc:
            self.status.setText(self._report_error_text(exc))
            return
        self.autosave.stop()
        services = self.services

        async def send() -> tuple[VisitReport, bytes]:
            import asyncio

            pdf = await asyncio.to_thread(render_pdf, report)
            await services.writer.enqueue(
                report_unit(report, pdf, appointment_ref=self.appointment_ref)
            )
            await services.drafts.delete(report.report_id)
            return report, pdf

        self.status.setText(self.tr("Signing and sending..."))
        self.runner.run(
            send(), name=self.tr("Sending the report"), on_success=self._sent,
            on_error=self._send_failed,
        )  # fmt: skip

    def _sent(self, result: tuple[VisitReport, bytes]) -> None:
        self.signed_report, self.last_pdf = result
        for edit in self.editors.values():
            edit.setReadOnly(True)
        self.status.setText(self.tr("Report signed and sent to the patient's record."))
        self.signed_and_sent.emit(self.signed_report.report_id)
        self._update_actions()

    def _send_failed(self, exc: BaseException) -> None:
        self.status.setText(
            self.tr("The report was not sent (%1); the draft is kept, try again.").replace(
                "%1", reason_text(exc)
            )
        )
        self.save_draft(quiet=True)

    def _update_actions(self) -> None:
        idle = self.runner.pending == 0
        self.sign_button.setEnabled(idle and self.signed_report is None)

    def closeEvent(self, event: Any) -> None:
        if self.autosave.isActive():
            self.autosave.stop()
            self.save_draft()
        super().closeEvent(event)
