"""Patient: search (codice fiscale, STP/ENI/TEAM, name) and the patient header.

The header shows identity (with codice fiscale cross-check warnings), the two consents a
televisit needs, care plans, devices and the latest readings; from here the clinician records
consents, writes the visit report, runs the satisfaction questionnaire or asks a teleconsult.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.codice_fiscale import InvalidCodiceFiscale
from app.domain.workflows import (
    ConsentKind,
    IdentifierKind,
    InvalidSearch,
    PatientHeader,
    PatientMatch,
)
from app.services.agenda import CallDidRequest
from app.services.calls import CallDidEnd
from app.services.clinical import ClinicalServices
from app.session.events import SessionDidChange, SessionState
from ui.audit_banner import record_audited_act
from ui.clinical import (
    BusyRunner,
    cf_error_text,
    clinical_services,
    identity_warning_text,
    label_controls,
    local_time,
)
from ui.context import UiContext
from ui.error_text import reason_text
from ui.pages.base import Page
from ui.trend_view import display_unit, parameter_label


def search_error_text(exc: BaseException) -> str:
    if isinstance(exc, InvalidCodiceFiscale):
        return cf_error_text(exc.reason)
    if isinstance(exc, InvalidSearch):
        return {
            "type a codice fiscale, an STP/ENI code, a TEAM number or a name": QCoreApplication.translate(
                "Workflows", "Type a codice fiscale, an STP/ENI code, a TEAM number or a name."
            ),
            "an STP or ENI code is the prefix followed by 13 digits": QCoreApplication.translate(
                "Workflows", "An STP or ENI code is the prefix followed by 13 digits."
            ),
            "a TEAM card number has 20 digits": QCoreApplication.translate(
                "Workflows", "A TEAM card number has 20 digits."
            ),
            "type at least two letters of the name": QCoreApplication.translate(
                "Workflows", "Type at least two letters of the name."
            ),
        }.get(str(exc), str(exc))
    return QCoreApplication.translate(
        "Workflows", "The operation failed (%1); check the connection."
    ).replace("%1", reason_text(exc))


def identifier_label(kind: IdentifierKind | None) -> str:
    return (
        {
            IdentifierKind.CODICE_FISCALE: QCoreApplication.translate(
                "Workflows", "Codice fiscale"
            ),
            IdentifierKind.STP: QCoreApplication.translate("Workflows", "STP code"),
            IdentifierKind.ENI: QCoreApplication.translate("Workflows", "ENI code"),
            IdentifierKind.TEAM: QCoreApplication.translate("Workflows", "TEAM card"),
        }.get(kind, QCoreApplication.translate("Workflows", "Identifier"))
        if kind
        else QCoreApplication.translate("Workflows", "Identifier")
    )


def sex_label(gender: str | None) -> str:
    return {
        "male": QCoreApplication.translate("Workflows", "M"),
        "female": QCoreApplication.translate("Workflows", "F"),
    }.get(gender or "", "-")


def match_line(m: PatientMatch) -> str:
    born = (
        QLocale().toString(QDate(m.birth_date.year, m.birth_date.month, m.birth_date.day),
                           QLocale.FormatType.ShortFormat)
        if m.birth_date else "-"
    )  # fmt: skip
    ident = next((i.value for i in m.identifiers), "")
    return f"{m.display_name}  ({sex_label(m.gender)}, {born})  {ident}"


class PatientPage(Page):
    AREA = "patient"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Patient"))

    header_loaded = Signal(str)

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        services: ClinicalServices | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.services = services or clinical_services(ctx)
        self.runner = BusyRunner(ctx, self._update_actions)
        self.matches: list[PatientMatch] = []
        self.header: PatientHeader | None = None
        self.opened_by = ""

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.search_label = QLabel(left)
        self.search_edit = QLineEdit(left)
        self.search_edit.setObjectName("patientSearch")
        self.search_label.setBuddy(self.search_edit)
        self.search_button = QPushButton(left)
        self.search_button.setObjectName("patientSearchButton")
        row.addWidget(self.search_label)
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.search_button)
        lv.addLayout(row)
        self.message = QLabel(left)
        self.message.setObjectName("patientSearchMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        lv.addWidget(self.message)
        self.results = QListWidget(left)
        self.results.setObjectName("patientResults")
        lv.addWidget(self.results, 1)

        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.name_label = QLabel(right)
        self.name_label.setObjectName("patientName")
        f = self.name_label.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.3)
        self.name_label.setFont(f)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        rv.addWidget(self.name_label)
        self.warnings = QLabel(right)
        self.warnings.setObjectName("identityWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color:#b02a37;font-weight:bold;")
        rv.addWidget(self.warnings)
        form = QFormLayout()
        self.identity = QLabel(right)
        self.identity.setObjectName("patientIdentity")
        self.consents = QLabel(right)
        self.consents.setObjectName("patientConsents")
        self.consents.setWordWrap(True)
        self.plans = QLabel(right)
        self.plans.setObjectName("patientCarePlans")
        self.plans.setWordWrap(True)
        self.identity_caption = QLabel(right)
        self.consents_caption = QLabel(right)
        self.plans_caption = QLabel(right)
        for caption, value in (
            (self.identity_caption, self.identity),
            (self.consents_caption, self.consents),
            (self.plans_caption, self.plans),
        ):
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
            value.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            form.addRow(caption, value)
        rv.addLayout(form)
        self.consent_note = QLabel(right)
        self.consent_note.setObjectName("consentNote")
        self.consent_note.setStyleSheet("color:#b02a37;")
        rv.addWidget(self.consent_note)
        self.devices_caption = QLabel(right)
        self.devices = QListWidget(right)
        self.devices.setObjectName("patientDevices")
        self.devices_caption.setBuddy(self.devices)
        self.readings_caption = QLabel(right)
        self.readings = QListWidget(right)
        self.readings.setObjectName("patientReadings")
        self.readings_caption.setBuddy(self.readings)
        rv.addWidget(self.devices_caption)
        rv.addWidget(self.devices, 1)
        rv.addWidget(self.readings_caption)
        rv.addWidget(self.readings, 2)
        actions = QHBoxLayout()
        self.consent_button = QPushButton(right)
        self.consent_button.setObjectName("recordConsents")
        self.report_button = QPushButton(right)
        self.report_button.setObjectName("startVisitReport")
        self.questionnaire_button = QPushButton(right)
        self.questionnaire_button.setObjectName("satisfactionQuestionnaire")
        self.teleconsult_button = QPushButton(right)
        self.teleconsult_button.setObjectName("requestTeleconsult")
        self.poc_button = QPushButton(right)
        self.poc_button.setObjectName("pointOfCare")
        for b in (
            self.consent_button,
            self.report_button,
            self.questionnaire_button,
            self.teleconsult_button,
            self.poc_button,
        ):
            actions.addWidget(b)
        rv.addLayout(actions)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([380, 720])
        self.layout_.addWidget(self.splitter, 1)

        self.search_edit.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.results.itemActivated.connect(self._on_result)
        self.consent_button.clicked.connect(self.record_missing_consents)
        self.report_button.clicked.connect(self.open_report_editor)
        self.questionnaire_button.clicked.connect(self.open_questionnaire)
        self.teleconsult_button.clicked.connect(self.open_teleconsult_request)
        self.poc_button.clicked.connect(self.open_point_of_care)
        self._shortcuts = [QShortcut(QKeySequence("Ctrl+F"), self, self.search_edit.setFocus)]
        ctx.bridge.on(SessionDidChange, self._on_session)
        ctx.bridge.on(CallDidEnd, self._on_call_end)
        ctx.bridge.on(CallDidRequest, self._on_call_request)
        #: The last finished call with the open patient: (patient id, Encounter ref, start, end).
        self.last_call: tuple[str, str, datetime, datetime] | None = None
        #: The booked visit the current call serves: (patient id, Appointment ref).
        self.call_appointment: tuple[str, str] | None = None
        self.retranslate()
        self._update_actions()

    def _on_call_request(self, event: CallDidRequest) -> None:
        if event.resource_ref.startswith("Appointment/"):
            self.call_appointment = (event.patient_id, event.resource_ref)

    def _on_call_end(self, event: CallDidEnd) -> None:
        """A call ended while this patient was open: the report refers to its Encounter."""
        if self.header is None or event.encounter_id is None:
            return
        end = datetime.now(UTC).replace(microsecond=0)
        start = end - timedelta(seconds=max(event.summary.connected_s, 60.0))
        self.last_call = (
            self.header.patient.patient_id,
            f"Encounter/{event.encounter_id}",
            start,
            end,
        )
        self.message.setStyleSheet("")
        self.message.setText(
            self.tr("The call has ended: write the report, then the satisfaction questionnaire.")
        )

    def _on_session(self, event: SessionDidChange) -> None:
        """Another clinician, or nobody: the previous patient must not stay on screen."""
        if event.state is SessionState.SIGNED_OUT or (
            event.state is SessionState.ACTIVE
            and self.header is not None
            and f"Practitioner/{event.subject}" != self.opened_by
        ):
            self.runner.discard_pending()  # a patient still loading was the previous clinician's
            # Close the dialogs about that patient; drafts were autosaved as typed (the store
            # of the previous clinician is already closed, so nothing more is written).
            for dialog in self.findChildren(QDialog):
                autosave = getattr(dialog, "autosave", None)
                if autosave is not None:
                    autosave.stop()
                dialog.close()
            self.header = None
            self.matches = []
            self.search_edit.clear()
            self.message.clear()
            self._render_results()
            self._render_header()

    # -- i18n ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.search_label.setText(self.tr("&Find:"))
        self.search_edit.setPlaceholderText(
            self.tr("Codice fiscale, STP/ENI code, TEAM number or name")
        )
        self.search_edit.setToolTip(self.search_edit.placeholderText())  # whole, if cut short
        self.search_edit.setAccessibleName(self.tr("Patient search (Ctrl+F)"))
        self.search_button.setText(self.tr("Search"))
        self.search_button.setAccessibleName(self.tr("Search patients"))
        self.message.setAccessibleName(self.tr("Search message"))
        self.results.setAccessibleName(self.tr("Patients found"))
        self.results.setAccessibleDescription(self.tr("Enter opens the patient"))
        self.identity_caption.setText(self.tr("Identity:"))
        self.consents_caption.setText(self.tr("Consents:"))
        self.plans_caption.setText(self.tr("Care plans:"))
        self.identity.setAccessibleName(self.tr("Identity"))
        self.consents.setAccessibleName(self.tr("Consents"))
        self.plans.setAccessibleName(self.tr("Care plans"))
        self.warnings.setAccessibleName(self.tr("Identity warnings"))
        self.name_label.setAccessibleName(self.tr("Patient name"))
        self.devices_caption.setText(self.tr("&Devices"))
        self.devices.setAccessibleName(self.tr("Devices in use"))
        self.readings_caption.setText(self.tr("&Latest readings"))
        self.readings.setAccessibleName(self.tr("Latest readings"))
        label_controls(
            (
                self.consent_button,
                self.tr("Record &consents"),
                self.tr("Record the consents the patient has just given"),
            ),
            (
                self.report_button,
                self.tr("Visit &report..."),
                self.tr("Write the televisit report"),
            ),
            (
                self.questionnaire_button,
                self.tr("Satisfaction &questionnaire..."),
                self.tr("Fill the satisfaction questionnaire with the patient"),
            ),
            (
                self.teleconsult_button,
                self.tr("Request t&eleconsult..."),
                self.tr("Ask a specialist for a teleconsult"),
            ),
            (
                self.poc_button,
                self.tr("Point-of-care &measurement..."),
                self.tr("Pharmacy mode: measure the patient and send the readings"),
            ),
        )
        self._render_results()
        self._render_header()

    # -- search -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runner.pending > 0

    def search(self) -> None:
        text = self.search_edit.text()
        self.runner.run(
            self.services.patients.search(text),
            name=self.tr("Searching patients"),
            on_success=self._on_matches,
            on_error=self._on_search_error,
        )

    def _on_matches(self, matches: list[PatientMatch]) -> None:
        self.matches = matches
        self.message.setStyleSheet("")
        if not matches:
            self.message.setText(self.tr("No patient found."))
        else:
            self.message.setText(self.tr("%n patient(s) found.", "", len(matches)))
        self._render_results()
        if len(matches) == 1:
            self.open_patient(matches[0].patient_id)

    def _on_search_error(self, exc: BaseException) -> None:
        self.matches = []
        self._render_results()
        self.message.setStyleSheet("color:#b02a37;")
        self.message.setText(search_error_text(exc))

    def _render_results(self) -> None:
        self.results.clear()
        for m in self.matches:
            item = QListWidgetItem(match_line(m), self.results)
            item.setData(Qt.ItemDataRole.UserRole, m.patient_id)
            if m.warnings:
                text = "\n".join(identity_warning_text(w) for w in m.warnings)
                item.setToolTip(text)
                item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, text)
        if self.matches:
            self.results.setCurrentRow(0)

    def _on_result(self, item: QListWidgetItem) -> None:
        self.open_patient(str(item.data(Qt.ItemDataRole.UserRole)))

    # -- header -------------------------------------------------------------------------------
    def open_patient(self, patient_id: str) -> None:
        """Load and show ``patient_id``'s header."""
        self.runner.run(
            self.services.patients.header(patient_id),
            name=self.tr("Loading the patient"),
            on_success=self._on_header,
            on_error=self._on_search_error,
        )

    def _on_header(self, header: PatientHeader) -> None:
        self.header = header
        record_audited_act(self.ctx, AuditAction.OPEN_RECORD, patient_id=header.patient.patient_id)
        self.opened_by = self.services.practitioner_ref
        self._render_header()
        self.header_loaded.emit(header.patient.patient_id)

    def _render_header(self) -> None:
        h = self.header
        self.devices.clear()
        self.readings.clear()
        if h is None:
            self.name_label.setText(self.tr("No patient open"))
            for w in (self.identity, self.consents, self.plans, self.warnings, self.consent_note):
                w.setText("")
            self._update_actions()
            return
        p = h.patient
        self.name_label.setText(p.display_name)
        born = (
            QLocale().toString(QDate(p.birth_date.year, p.birth_date.month, p.birth_date.day),
                               QLocale.FormatType.ShortFormat)
            if p.birth_date else "-"
        )  # fmt: skip
        ids = "; ".join(f"{identifier_label(i.kind)} {i.value}" for i in p.identifiers)
        self.identity.setText(
            self.tr("Sex %1, born %2; %3")
            .replace("%1", sex_label(p.gender))
            .replace("%2", born)
            .replace("%3", ids or "-")
        )
        self.warnings.setText("\n".join(identity_warning_text(w) for w in p.warnings))
        parts = []
        for kind, label in (
            (ConsentKind.INFORMED, self.tr("informed medical consent")),
            (ConsentKind.TELEMEDICINE, self.tr("consent to telemedicine")),
        ):
            state = self.tr("yes") if h.consent(kind) else self.tr("MISSING")
            parts.append(f"{label}: {state}")
        self.consents.setText("; ".join(parts))
        self.consent_note.setText(
            "" if h.televisit_allowed else self.tr("A televisit needs both consents.")
        )
        self.plans.setText("\n".join(h.care_plans) or self.tr("none"))
        for d in h.devices:
            QListWidgetItem(f"{d.label}  {d.serial or ''}".strip(), self.devices)
        for r in h.last_readings:
            QListWidgetItem(
                f"{parameter_label(r.parameter)}: {QLocale().toString(r.value, 'g', 6)} "
                f"{display_unit(r.parameter)}  ({local_time(r.time_utc, with_date=True)})",
                self.readings,
            )
        self._update_actions()

    def _update_actions(self) -> None:
        has = self.header is not None
        self.search_button.setEnabled(not self.busy)
        self.consent_button.setEnabled(
            has and not self.busy and not (self.header and self.header.televisit_allowed)
        )
        for b in (
            self.report_button,
            self.questionnaire_button,
            self.teleconsult_button,
            self.poc_button,
        ):
            b.setEnabled(has and not self.busy)

    # -- actions ------------------------------------------------------------------------------
    def record_missing_consents(self) -> None:
        h = self.header
        if h is None:
            return
        missing = [k for k in ConsentKind if not h.consent(k)]

        async def record() -> None:
            for kind in missing:
                await self.services.patients.record_consent(
                    h.patient.patient_id, kind, practitioner_ref=self.services.practitioner_ref
                )

        self.runner.run(
            record(),
            name=self.tr("Recording consents"),
            on_success=lambda _r: self.open_patient(h.patient.patient_id),
            on_error=self._on_search_error,
        )

    def open_report_editor(self) -> QWidget | None:
        if self.header is None:
            return None
        from ui.visit_report_editor import VisitReportEditor

        call = self.last_call
        if call is not None and call[0] == self.header.patient.patient_id:
            editor = VisitReportEditor(
                self.ctx,
                self.services,
                self.header,
                started_at_utc=call[2],
                ended_at_utc=call[3],
                encounter_ref=call[1],
                appointment_ref=(
                    self.call_appointment[1]
                    if self.call_appointment is not None and self.call_appointment[0] == call[0]
                    else None
                ),
                parent=self,
            )
        else:
            editor = VisitReportEditor(self.ctx, self.services, self.header, parent=self)
        editor.show()
        return editor

    def open_questionnaire(self) -> QWidget | None:
        if self.header is None:
            return None
        from ui.questionnaire_dialog import QuestionnaireDialog

        dialog = QuestionnaireDialog(
            self.ctx, self.services, patient_id=self.header.patient.patient_id, parent=self
        )
        dialog.show()
        return dialog

    def open_teleconsult_request(self) -> QWidget | None:
        if self.header is None:
            return None
        from ui.pages.teleconsults import TeleconsultRequestDialog

        dialog = TeleconsultRequestDialog(self.ctx, self.services, self.header, parent=self)
        dialog.show()
        return dialog

    def open_point_of_care(self) -> QWidget | None:
        if self.header is None:
            return None
        from ui.pages.pharmacy import PointOfCareDialog

        dialog = PointOfCareDialog(self.ctx, self.services, self.header, parent=self)
        dialog.accepted.connect(lambda: self.open_patient(dialog.header.patient.patient_id))
        dialog.show()
        return dialog
