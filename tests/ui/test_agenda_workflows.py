"""The clinical workflow pages against the real regional_sim: a GP's televisit from agenda to
signed report and satisfaction questionnaire, a nurse acknowledging an alert and starting
teleassistance, a pharmacist's point-of-care measurement, a specialist answering a teleconsult.
Screenshots go to the pytest tmp dir."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.backend import FhirClient
from app.config import Settings
from app.domain.audit import AuditAction
from app.domain.telemonitoring import Parameter
from app.domain.workflows import AgendaItemKind, TeleconsultStatus
from app.services.agenda import CallDidRequest
from app.services.clinical import ClinicalServices
from app.services.telemonitoring import TeleassistanceDidRequest
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.regional_sim_process import RunningSim
from tests.ui.agenda_rows import agenda_row
from tests.ui.audit_acts import RecordedActs, record_acts
from tests.ui.workstation_context import workstation_context
from ui.clinical import clinical_services, use_services
from ui.context import UiContext
from ui.main_window import MainWindow
from ui.pages.agenda import AgendaPage
from ui.pages.patient import PatientPage
from ui.pages.pharmacy import PointOfCareDialog
from ui.pages.teleconsults import TeleconsultsPage
from ui.questionnaire_dialog import QuestionnaireDialog
from ui.visit_report_editor import VisitReportEditor

pytestmark = pytest.mark.integration

GP = "Practitioner/prac-mmg-bianchi"
NURSE = "Practitioner/prac-ifec-colombo"
PHARMA = "Practitioner/prac-farm-ferrari"
CARDIO = "Practitioner/prac-card-romano"


@pytest.fixture
def ctx(qapp, sim: RunningSim) -> Iterator[UiContext]:
    with workstation_context(Settings(backend_url=sim.url)) as ctx:
        yield ctx


@pytest.fixture
def window(ctx: UiContext, qtbot) -> MainWindow:
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def audited(ctx: UiContext) -> RecordedActs:
    return record_acts(ctx)


def page(w: MainWindow, area: str) -> QWidget:
    return next(p for p in w.pages if p.AREA == area)


def idle(qtbot, *widgets) -> None:
    qtbot.waitUntil(lambda: all(not w.runner.pending for w in widgets), timeout=15_000)


def fhir(ctx: UiContext, coro_factory):
    """Run a FhirClient coroutine on the core loop and return its result."""

    async def run():
        client: FhirClient = await ctx.workstation.backend_client()
        return await coro_factory(client)

    return ctx.workstation.runtime.submit(run()).result(timeout=15)


def shot(widget: QWidget, path: Path) -> None:
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 3_000


def act_as(agenda: AgendaPage, qtbot, ref: str) -> None:
    agenda.services.practitioner_ref = ref
    agenda.refresh()
    idle(qtbot, agenda)
    assert agenda.agenda is not None and agenda.agenda.practitioner_ref == ref


def test_gp_televisit_from_agenda_to_signed_report_and_questionnaire(
    ctx, window, qtbot, tmp_path: Path, audited: RecordedActs
) -> None:
    agenda: AgendaPage = page(window, "agenda")
    patient: PatientPage = page(window, "patient")
    act_as(agenda, qtbot, GP)
    rows = [agenda.list.topLevelItem(i) for i in range(agenda.list.topLevelItemCount())]
    kinds = [r.data(0, Qt.ItemDataRole.UserRole).kind for r in rows]
    assert kinds.count(AgendaItemKind.TELEVISIT) == 5 and kinds[0] is AgendaItemKind.ALERT
    assert rows[2].text(1) == "Televisit" and rows[2].text(2)  # service and patient name
    assert not agenda.banner.isVisible()
    shot(window, tmp_path / "agenda_gp.png")

    # Keyboard: go to the first televisit and press Enter -> the patient opens.
    agenda.list.setFocus()
    first_visit = next(i for i, k in enumerate(kinds) if k is AgendaItemKind.TELEVISIT)
    agenda.list.setCurrentItem(rows[first_visit])
    QTest.keyClick(agenda.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_area() == "patient", timeout=5000)
    idle(qtbot, patient)
    assert patient.header is not None and patient.header.patient.patient_id == "pat-001"
    assert patient.name_label.text() == patient.header.patient.display_name
    assert patient.devices.count() >= 1 and patient.readings.count() >= 2
    if not patient.header.televisit_allowed:
        patient.consent_button.click()
        qtbot.waitUntil(
            lambda: patient.header is not None and patient.header.televisit_allowed, timeout=15_000
        )
    assert "MISSING" not in patient.consents.text()
    shot(window, tmp_path / "patient_header.png")

    # The report: type, autosave, close (as after a crash), reopen -> the draft is back.
    editor: VisitReportEditor = patient.open_report_editor()
    qtbot.addWidget(editor)
    idle(qtbot, editor)
    editor.editors["reason"].setFocus()
    QTest.keyClicks(editor.editors["reason"], "Controllo pressorio")
    editor.editors["history"].setPlainText("Ipertensione arteriosa in terapia.")
    with qtbot.waitSignal(editor.draft_saved, timeout=5000):
        pass
    assert "Prestazione erogata in modalità di televisita." == editor.statement.text()
    rid = editor.report_id
    editor.close()
    again: VisitReportEditor = patient.open_report_editor()
    qtbot.addWidget(again)
    qtbot.waitUntil(
        lambda: again.editors["reason"].toPlainText() == "Controllo pressorio", timeout=5000
    )
    assert again.report_id == rid
    assert again.editors["history"].toPlainText() == "Ipertensione arteriosa in terapia."

    # Signing without conclusions is refused with a clear message; nothing is sent.
    idle(qtbot, again)
    again.sign_button.click()
    assert again.status.text() == "Write the conclusions."
    again.editors["conclusions"].setPlainText("Buon controllo pressorio. Proseguire la terapia.")
    again.editors["therapy"].setPlainText("Ramipril 5 mg")
    preview = again.preview()
    assert preview is not None
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: again.preview_document.pageCount() >= 1, timeout=5000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert again.print_to(printer) >= 1
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: bool(audited.acts) and audited.acts[-1][0] is AuditAction.PRINT)
    assert audited.acts[-1] == (AuditAction.PRINT, again.header.patient.patient_id, "visit-report")
    shot(again, tmp_path / "report_editor.png")
    idle(qtbot, again)  # an autosave in flight keeps Sign disabled
    with qtbot.waitSignal(again.signed_and_sent, timeout=15_000):
        again.sign_button.click()
    assert not again.sign_button.isEnabled()
    docs = fhir(ctx, lambda c: c.search("DocumentReference", {"subject": "Patient/pat-001"}))
    [doc] = [d for d in docs.matches if d["identifier"][0]["value"] == f"urn:uuid:{rid}"]
    assert doc["type"]["coding"][0]["code"] == "75496-0"
    assert doc["description"] == "Prestazione erogata in modalità di televisita."
    pdftotext = shutil.which("pdftotext")
    assert pdftotext
    (tmp_path / "signed.pdf").write_bytes(again.last_pdf or b"")
    text = subprocess.run(
        [pdftotext, str(tmp_path / "signed.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Controllo pressorio" in text and "Ramipril 5 mg" in text
    assert "Pressione arteriosa sistolica:" in text  # the readings, in Italian, in the report
    assert fhir(
        ctx, lambda c: c.search("DocumentReference", {"subject": "Patient/pat-001"})
    ).total == len(docs.matches)
    # The draft is gone once signed.
    assert ctx.workstation.runtime.submit(clinical_services(ctx).drafts.list_ids()).result(5) == []

    # Satisfaction questionnaire with the patient: a missing required answer is pointed out.
    dialog: QuestionnaireDialog = patient.open_questionnaire()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.form is not None, timeout=10_000)
    dialog.groups["1"].button(4).setChecked(True)
    dialog.send_button.click()
    assert dialog.status.text() == "Answer the questions marked in red."
    assert "b02a37" in dialog.boxes["2"].styleSheet()
    dialog.groups["2"].button(3).setChecked(True)
    dialog.groups["3"].button(1).setChecked(True)
    dialog.texts["5"].setPlainText("Tutto chiaro")
    shot(dialog, tmp_path / "questionnaire.png")
    with qtbot.waitSignal(dialog.accepted, timeout=15_000):
        dialog.send_button.click()
    qrs = fhir(ctx, lambda c: c.search("QuestionnaireResponse", {"subject": "Patient/pat-001"}))
    assert any(qr["identifier"]["value"] == f"urn:uuid:{dialog.sent_unit_id}" for qr in qrs.matches)


def test_nurse_acknowledges_an_alert_and_starts_teleassistance(
    ctx, window, qtbot, tmp_path
) -> None:
    agenda: AgendaPage = page(window, "agenda")
    act_as(agenda, qtbot, NURSE)
    items = agenda.agenda.items
    assert [i.kind for i in items].count(AgendaItemKind.TELEASSISTANCE) == 4
    alert_row = agenda_row(agenda, lambda shown: shown.kind is AgendaItemKind.ALERT)
    alert = alert_row.data(0, Qt.ItemDataRole.UserRole)
    agenda.list.setCurrentItem(alert_row)
    assert agenda.ack_button.isEnabled() and agenda.call_button.isEnabled()
    # Teleassistance started from the alarm: the Calls area gets the patient, as a teleassistance.
    calls = page(window, "calls")
    with qtbot.waitSignal(agenda.call_requested, timeout=3000) as from_alert:
        agenda.call_button.click()
    assert isinstance(from_alert.args[0], TeleassistanceDidRequest)
    qtbot.waitUntil(lambda: calls.patient.text() == alert.patient_id, timeout=3000)
    assert calls.kind.currentData() == "teleassistenza"
    window.show_area("agenda")
    shot(window, tmp_path / "agenda_nurse.png")
    agenda.ack_button.click()
    qtbot.waitUntil(lambda: agenda.message.text() == "Alert acknowledged.", timeout=15_000)
    idle(qtbot, agenda)
    assert alert.resource_ref not in {i.resource_ref for i in agenda.agenda.items}
    flag = fhir(ctx, lambda c: c.read("Flag", alert.resource_ref.split("/")[1])).resource
    assert flag["status"] == "inactive" and flag["author"]["reference"] == NURSE

    # Teleassistance from the next teleassistance slot: the calls area is asked to start it.
    slot_row = agenda_row(agenda, lambda shown: shown.kind is AgendaItemKind.TELEASSISTANCE)
    agenda.list.setCurrentItem(slot_row)
    with qtbot.waitSignal(agenda.call_requested, timeout=3000) as blocker:
        agenda.call_button.click()
    event: CallDidRequest = blocker.args[0]
    assert event.kind is AgendaItemKind.TELEASSISTANCE and event.patient_id
    assert window.current_area() == "calls"


def test_pharmacist_point_of_care_measurement(
    ctx, window, qtbot, tmp_path: Path, audited: RecordedActs
) -> None:
    clinical_services(ctx).practitioner_ref = PHARMA
    patient: PatientPage = page(window, "patient")
    window.show_area("patient")
    # A wrong check letter is refused with the reason, before any query.
    patient.search_edit.setText("RSSMRA80A01H501A")
    patient.search_button.click()
    idle(qtbot, patient)
    assert patient.message.text() == (
        "Invalid codice fiscale: wrong check letter. Check for typing errors."
    )
    cf = fhir(ctx, lambda c: c.read("Patient", "pat-012")).resource["identifier"][0]["value"]
    patient.search_edit.setFocus()
    patient.search_edit.setText(cf.lower())
    QTest.keyClick(patient.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: patient.header is not None and patient.header.patient.patient_id == "pat-012",
        timeout=15_000,
    )
    dialog: PointOfCareDialog = patient.open_point_of_care()
    qtbot.addWidget(dialog)
    need_consent = not patient.header.televisit_allowed
    dialog.consent.setChecked(False)
    dialog.fields[Parameter.SYSTOLIC_BP].setValue(135)
    dialog.fields[Parameter.DIASTOLIC_BP].setValue(84)
    dialog.fields[Parameter.SPO2].setValue(98)
    if need_consent:
        dialog.send_button.click()
        qtbot.waitUntil(lambda: "consent" in dialog.status.text(), timeout=10_000)
        assert dialog.sent_result is None
        dialog.consent.setChecked(True)
    shot(dialog, tmp_path / "point_of_care.png")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.sent_result is not None, timeout=15_000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed-receipt.pdf"))
    assert dialog.print_receipt(printer) == 1
    assert (tmp_path / "printed-receipt.pdf").read_bytes().startswith(b"%PDF")
    dialog.save_receipt(tmp_path / "ricevuta.pdf")
    receipt_acts = [(dialog.header.patient.patient_id, "pharmacy-receipt")] * 2
    qtbot.waitUntil(lambda: bool(audited.acts) and audited.acts[-1][0] is AuditAction.EXPORT)
    assert [a for a, _p, _w in audited.acts[-2:]] == [AuditAction.PRINT, AuditAction.EXPORT]
    assert [(p, w) for _a, p, w in audited.acts[-2:]] == receipt_acts
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "ricevuta.pdf"), "-"], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    assert "135/84 mmHg" in text and "Giulia Ferrari" in text
    found = fhir(
        ctx, lambda c: c.search("Observation", {"subject": "Patient/pat-012", "performer": PHARMA})
    )
    assert len(found.matches) == 2
    header = ctx.workstation.runtime.submit(
        clinical_services(ctx).patients.header("pat-012")
    ).result(15)
    assert header.televisit_allowed


def test_specialist_answers_an_async_teleconsult(
    ctx, window, qtbot, tmp_path: Path, audited: RecordedActs
) -> None:
    services: ClinicalServices = clinical_services(ctx)
    # The GP asks first, from the patient page, sharing the latest readings and a file.
    services.practitioner_ref = GP
    patient: PatientPage = page(window, "patient")
    patient.open_patient("pat-010")
    qtbot.waitUntil(lambda: patient.header is not None, timeout=15_000)
    from app.domain.workflows import AttachmentKind, SharedAttachment
    from ui.pages.teleconsults import TeleconsultRequestDialog

    request: TeleconsultRequestDialog = patient.open_teleconsult_request()
    qtbot.addWidget(request)
    request.reason.setText("Edemi declivi")
    request.text.setPlainText("Valuteresti un aumento del diuretico?")
    request.add_attachment(
        SharedAttachment(AttachmentKind.DOCUMENT, "ecg.txt", "text/plain", b"ritmo sinusale")
    )
    request.add_trend.click()
    qtbot.waitUntil(lambda: request.files.count() == 2, timeout=15_000)
    trend = request.attachments[1]
    assert trend.kind is AttachmentKind.TREND_SNAPSHOT and trend.data.startswith(b"\x89PNG")
    assert len(trend.data) > 5_000
    shot(request, tmp_path / "teleconsult_request.png")
    with qtbot.waitSignal(request.accepted, timeout=15_000):
        request.send_button.click()

    # The cardiologist: agenda -> teleconsult -> accept, reply, complete.
    agenda: AgendaPage = page(window, "agenda")
    act_as(agenda, qtbot, CARDIO)
    mine = [
        agenda.list.topLevelItem(i)
        for i in range(agenda.list.topLevelItemCount())
        if "Edemi declivi" in agenda.list.topLevelItem(i).text(3)
    ]
    assert len(mine) == 1
    agenda.list.setCurrentItem(mine[0])
    consults: TeleconsultsPage = page(window, "teleconsults")
    agenda.consult_button.click()
    qtbot.waitUntil(lambda: window.current_area() == "teleconsults", timeout=3000)
    qtbot.waitUntil(
        lambda: consults.current is not None and consults.current.reason == "Edemi declivi",
        timeout=15_000,
    )
    assert "Valuteresti un aumento del diuretico?" in consults.thread_view.toPlainText()
    assert consults.files.count() == 2  # the file and the trend picture
    # The shared readings are shown as readings (the latest of each parameter), not as ids.
    thread = consults.thread_view.toPlainText()
    assert "Shared readings:" in thread and "Observation/" not in thread
    shared = consults.current.messages[0].readings
    assert shared and {r.parameter for r in shared} == {
        r.parameter for r in patient.header.last_readings
    }
    target = tmp_path / "ecg-copy.txt"
    consults.save_attachment(
        next(
            consults.files.item(i).data(Qt.ItemDataRole.UserRole)[2]
            for i in range(consults.files.count())
            if consults.files.item(i).data(Qt.ItemDataRole.UserRole)[0] == "ecg.txt"
        ),
        target,
    )
    idle(qtbot, consults)  # controls stay disabled while an operation runs
    assert target.read_bytes() == b"ritmo sinusale"
    qtbot.waitUntil(lambda: bool(audited.acts) and audited.acts[-1][0] is AuditAction.EXPORT)
    assert audited.acts[-1] == (AuditAction.EXPORT, consults.current.patient_id, "teleconsult-file")
    picture = next(
        consults.files.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(consults.files.count())
        if consults.files.item(i).data(Qt.ItemDataRole.UserRole)[1] == "image/png"
    )
    consults.save_attachment(picture[2], tmp_path / "trend.png")
    idle(qtbot, consults)
    assert (tmp_path / "trend.png").read_bytes() == trend.data
    assert not consults.complete_button.isEnabled()
    assert consults.accept_button.isEnabled()
    consults.accept_button.click()
    qtbot.waitUntil(
        lambda: (
            consults.current is not None and consults.current.status is TeleconsultStatus.ACCEPTED
        ),
        timeout=15_000,
    )
    idle(qtbot, consults)
    consults.reply.setPlainText("Sì: furosemide 50 mg; controllo peso quotidiano.")
    window.activateWindow()
    consults.reply.setFocus()
    QTest.keyClick(consults.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "furosemide" in consults.thread_view.toPlainText(), timeout=15_000)
    shot(window, tmp_path / "teleconsult_thread.png")
    idle(qtbot, consults)
    consults.complete_button.click()
    qtbot.waitUntil(
        lambda: (
            consults.current is not None and consults.current.status is TeleconsultStatus.COMPLETED
        ),
        timeout=15_000,
    )
    assert not consults.send_button.isEnabled()
    # The GP sees the answer in the sent box.
    services.practitioner_ref = GP
    consults.box.setCurrentIndex(1)
    qtbot.waitUntil(
        lambda: any(
            c.reason == "Edemi declivi" and c.status is TeleconsultStatus.COMPLETED
            and len(c.messages) == 2
            for c in consults.consults
        ),
        timeout=15_000,
    )  # fmt: skip


def test_agenda_offline_shows_the_saved_copy(ctx, qtbot, sim: RunningSim, tmp_path) -> None:
    state: dict[str, FhirClient] = {}

    async def provide() -> FhirClient:
        if "dead" in state:
            return state["dead"]
        return await ctx.workstation.backend_client()

    services = ClinicalServices(client=provide, practitioner_ref=GP)
    use_services(ctx, services)
    agenda = AgendaPage(ctx)
    qtbot.addWidget(agenda)
    agenda.resize(1000, 600)
    agenda.show()
    idle(qtbot, agenda)
    online = agenda.agenda
    assert online is not None and not online.from_cache and len(online.items) >= 5

    async def dead() -> None:
        state["dead"] = FhirClient("http://127.0.0.1:9/fhir", max_attempts=1)

    ctx.workstation.runtime.submit(dead()).result(5)
    agenda.refresh()
    idle(qtbot, agenda)
    assert agenda.agenda.from_cache and agenda.agenda.items == online.items
    assert agenda.banner.isVisible() and agenda.banner.text().startswith("Offline")
    assert agenda.list.topLevelItemCount() == len(online.items)
    shot(agenda, tmp_path / "agenda_offline.png")
    # Another clinician never loaded online on this station: nothing to show, said plainly.
    services.practitioner_ref = NURSE
    agenda.refresh()
    idle(qtbot, agenda)
    assert agenda.banner.text().startswith("The agenda cannot be loaded and no saved copy")
    assert agenda.agenda is None and agenda.list.topLevelItemCount() == 0
    ctx.workstation.runtime.submit(state["dead"].aclose()).result(5)


def test_pages_speak_italian(ctx, window, qtbot, tmp_path: Path) -> None:
    ctx.translations.apply("it")
    try:
        agenda: AgendaPage = page(window, "agenda")
        patient: PatientPage = page(window, "patient")
        qtbot.waitUntil(lambda: agenda.refresh_button.text() == "Aggiorna", timeout=5000)
        idle(qtbot, agenda)
        assert agenda.list.headerItem().text(1) == "Prestazione"
        assert {agenda.list.topLevelItem(i).text(1) for i in range(5)} >= {"Televisita"}
        window.show_area("patient")
        patient.search_edit.setText("RSSMRA80A01H501A")
        patient.search_button.click()
        idle(qtbot, patient)
        assert patient.message.text().startswith("Codice fiscale non valido")
        patient.open_patient("pat-032")
        qtbot.waitUntil(lambda: patient.header is not None, timeout=15_000)
        assert "omocodia" in patient.warnings.text()
        assert patient.consent_note.text() == "La televisita richiede entrambi i consensi."
        assert patient.report_button.text() == "&Referto..."
        shot(window, tmp_path / "patient_it.png")
    finally:
        ctx.translations.apply("en")


def _unnamed(root: QWidget) -> list[str]:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QListWidget,
        QPlainTextEdit,
        QTreeWidget,
    )

    kinds = (
        QAbstractButton,
        QComboBox,
        QLineEdit,
        QAbstractSpinBox,
        QListWidget,
        QTreeWidget,
        QPlainTextEdit,
    )
    return [
        w.objectName() or type(w).__name__
        for w in root.findChildren(QWidget)
        if isinstance(w, kinds) and not w.objectName().startswith("qt_") and not w.accessibleName()
    ]


def test_every_control_of_the_workflow_dialogs_has_an_accessible_name(ctx, window, qtbot) -> None:
    from ui.pages.teleconsults import TeleconsultRequestDialog

    patient: PatientPage = page(window, "patient")
    patient.open_patient("pat-002")
    qtbot.waitUntil(lambda: patient.header is not None, timeout=15_000)
    editor: VisitReportEditor = patient.open_report_editor()
    qtbot.addWidget(editor)
    questionnaire: QuestionnaireDialog = patient.open_questionnaire()
    qtbot.addWidget(questionnaire)
    qtbot.waitUntil(lambda: questionnaire.form is not None, timeout=10_000)
    request: TeleconsultRequestDialog = patient.open_teleconsult_request()
    qtbot.addWidget(request)
    poc: PointOfCareDialog = patient.open_point_of_care()
    qtbot.addWidget(poc)
    for root in (window, editor, questionnaire, request, poc):
        assert _unnamed(root) == [], type(root).__name__
    # Keyboard: Tab leaves the report's text boxes instead of typing a tab.
    editor.editors["reason"].setFocus()
    QTest.keyClick(editor.editors["reason"], Qt.Key.Key_Tab)
    assert editor.editors["reason"].toPlainText() == ""
    assert (
        editor.editors["history"].hasFocus()
        or QApplication.focusWidget() is not editor.editors["reason"]
    )
    for w in (editor, questionnaire, request, poc):
        w.close()


def test_identity_mismatch_warnings_and_report_kept_when_sending_fails(
    ctx, window, qtbot, tmp_path
) -> None:
    from app.domain.codice_fiscale import BirthSex, compute_codice_fiscale

    # A record whose codice fiscale says "male, 1961-03-05" but whose data say female, 1962.
    cf = compute_codice_fiscale(
        family_name="Neri", given_name="Paolo", birth_date=__import__("datetime").date(1961, 3, 5),
        sex=BirthSex.MALE, belfiore="F205",
    )  # fmt: skip
    fhir(
        ctx,
        lambda c: c.update(
            {
                "resourceType": "Patient",
                "id": "pat-mismatch",
                "identifier": [{"system": "http://hl7.it/sid/codiceFiscale", "value": cf}],
                "name": [{"family": "Neri", "given": ["Paola"]}],
                "gender": "female",
                "birthDate": "1962-03-05",
            }
        ),
    )
    patient: PatientPage = page(window, "patient")
    window.show_area("patient")
    patient.search_edit.setText(cf)
    patient.search_button.click()
    qtbot.waitUntil(
        lambda: patient.header is not None and patient.header.patient.patient_id == "pat-mismatch",
        timeout=15_000,
    )
    text = patient.warnings.text()
    assert "does not match the recorded sex" in text
    assert "does not match the recorded birth date" in text
    assert patient.results.item(0).toolTip() == text
    assert not patient.results.item(0).icon().isNull()  # a warning sign in the result list
    shot(window, tmp_path / "identity_warning.png")

    # The backend goes away while the report is signed: the clinician is told, the draft stays.
    state: dict[str, FhirClient] = {}

    async def provide() -> FhirClient:
        return state.get("dead") or await ctx.workstation.backend_client()

    services = ClinicalServices(client=provide, practitioner_ref=GP)
    header = ctx.workstation.runtime.submit(services.patients.header("pat-mismatch")).result(15)

    async def go_offline() -> None:
        state["dead"] = FhirClient("http://127.0.0.1:9/fhir", max_attempts=1)

    ctx.workstation.runtime.submit(go_offline()).result(5)
    editor = VisitReportEditor(ctx, services, header)
    qtbot.addWidget(editor)
    idle(qtbot, editor)
    editor.editors["reason"].setPlainText("Controllo")
    editor.editors["conclusions"].setPlainText("Stabile")
    editor.sign_button.click()
    qtbot.waitUntil(lambda: "was not sent" in editor.status.text(), timeout=15_000)
    idle(qtbot, editor)  # the draft is being saved again
    assert editor.signed_report is None and editor.sign_button.isEnabled()
    assert "was not sent" in editor.status.text()  # not replaced by "draft saved"
    qtbot.waitUntil(
        lambda: (
            ctx.workstation.runtime.submit(services.drafts.list_ids()).result(5)
            == [editor.report_id]
        ),
        timeout=5_000,
    )
    ctx.workstation.runtime.submit(state["dead"].aclose()).result(5)


def test_services_follow_the_session_without_losing_drafts_on_unlock(ctx) -> None:
    from app.session.events import SessionDidChange, SessionState
    from ui.clinical import follow_session

    services = clinical_services(ctx)
    ws = ctx.workstation
    follow_session(services, ws, SessionDidChange(SessionState.ACTIVE, "prac-ifec-colombo"))
    assert services.practitioner_ref == NURSE
    drafts = services.drafts
    follow_session(services, ws, SessionDidChange(SessionState.LOCKED, "prac-ifec-colombo"))
    follow_session(services, ws, SessionDidChange(SessionState.ACTIVE, "prac-ifec-colombo"))
    assert services.drafts is drafts  # unlocking keeps what was kept in memory
    follow_session(services, ws, SessionDidChange(SessionState.ACTIVE, "prac-mmg-bianchi"))
    assert services.practitioner_ref == GP and services.drafts is not drafts  # user switch
    gp_drafts = services.drafts
    follow_session(services, ws, SessionDidChange(SessionState.SIGNED_OUT))
    assert services.drafts is not gp_drafts


def test_calls_page_says_who_the_patient_id_is(ctx, window, qtbot) -> None:
    calls = page(window, "calls")
    expected = fhir(ctx, lambda c: c.read("Patient", "pat-001")).resource
    family = expected["name"][0]["family"]
    QTest.keyClicks(calls.patient, "pat-001")
    qtbot.waitUntil(lambda: family in calls.patient_who.text(), timeout=10_000)
    assert calls.patient_who.text().endswith(f"born {expected['birthDate']}")
    calls.patient.clear()
    QTest.keyClicks(calls.patient, "pat-does-not-exist")
    qtbot.waitUntil(
        lambda: calls.patient_who.text().startswith("No patient with this id"), timeout=10_000
    )
    calls.patient.clear()
    qtbot.waitUntil(lambda: calls.patient_who.text() == "", timeout=5000)
