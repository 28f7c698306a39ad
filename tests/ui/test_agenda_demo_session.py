"""Demo mode end to end: the bundled backend starts, the demo GP logs in, the agenda shows the
GP's day; signing out clears the agenda and the open patient."""

from __future__ import annotations

from app.domain.workflows import AgendaItemKind
from app.session.events import SessionDidChange, SessionState
from tests.ui.agenda_rows import agenda_row
from ui.clinical import clinical_services
from ui.entry import launch


def test_demo_session_drives_the_agenda_and_sign_out_clears_it(qtbot, tmp_path) -> None:
    session = launch(["--demo", "--language", "en"])
    try:
        w = session.window
        agenda = next(p for p in w.pages if p.AREA == "agenda")
        patient = next(p for p in w.pages if p.AREA == "patient")
        qtbot.waitUntil(
            lambda: (
                agenda.agenda is not None
                and agenda.agenda.practitioner_ref == "Practitioner/prac-mmg-bianchi"
                and any(i.kind is AgendaItemKind.TELEVISIT for i in agenda.agenda.items)
            ),
            timeout=40_000,
        )
        services = clinical_services(agenda.ctx)
        assert services.practitioner_ref == "Practitioner/prac-mmg-bianchi"
        assert agenda.acting.currentData() == services.practitioner_ref
        assert w.grab().save(str(tmp_path / "demo_agenda.png"))
        row = agenda_row(agenda, lambda shown: shown.kind is AgendaItemKind.TELEVISIT)
        agenda.list.setCurrentItem(row)
        agenda.open_button.click()
        qtbot.waitUntil(lambda: patient.header is not None, timeout=15_000)
        editor = patient.open_report_editor()
        assert editor is not None and editor.isVisible()

        session.workstation.bus.publish(SessionDidChange(SessionState.SIGNED_OUT))
        qtbot.waitUntil(lambda: agenda.agenda is None and patient.header is None, timeout=5000)
        assert not editor.isVisible()  # nothing about the patient stays on screen
        assert agenda.list.topLevelItemCount() == 0
        assert patient.name_label.text() == "No patient open"
    finally:
        session.close()
