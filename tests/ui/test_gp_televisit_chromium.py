"""Acceptance: a GP's televisit from the agenda to the signed report, against the real
regional_sim, with the patient joining from real headless Debian Chromium (fake camera/mic)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.domain.workflows import AgendaItemKind
from app.services.calls import CallDidEnd
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.regional_sim_process import RunningSim
from tests.integration.video.peers import join_as_patient, patient_browser
from tests.ui.agenda_rows import agenda_row
from tests.ui.workstation_context import workstation_context
from ui.main_window import MainWindow

pytestmark = [pytest.mark.integration, pytest.mark.chromium, pytest.mark.slow]

GP = "Practitioner/prac-mmg-bianchi"


def test_gp_televisit_agenda_call_with_chromium_patient_report(
    qapp: QApplication, qtbot: Any, sim: RunningSim, tmp_path: Path
) -> None:
    with workstation_context(Settings(backend_url=sim.url)) as ctx:
        ws = ctx.workstation
        runtime = ws.runtime
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(1300, 850)
        window.show()
        qtbot.waitExposed(window)
        agenda = next(p for p in window.pages if p.AREA == "agenda")
        patient = next(p for p in window.pages if p.AREA == "patient")
        calls = next(p for p in window.pages if p.AREA == "calls")
        qtbot.waitUntil(lambda: agenda.agenda is not None and not agenda.busy, timeout=15_000)
        assert agenda.agenda.practitioner_ref == GP

        # 1. The first televisit of the day: open the patient (Enter), then start the call.
        row = agenda_row(agenda, lambda shown: shown.kind is AgendaItemKind.TELEVISIT)
        item = row.data(0, Qt.ItemDataRole.UserRole)
        agenda.list.setCurrentItem(row)
        agenda.list.setFocus()
        QTest.keyClick(agenda.list, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: patient.header is not None, timeout=15_000)
        assert patient.header.patient.patient_id == item.patient_id
        if not patient.header.televisit_allowed:  # two consents before a televisit
            patient.consent_button.click()
            qtbot.waitUntil(lambda: patient.header.televisit_allowed, timeout=15_000)
        window.show_area("agenda")
        agenda.list.setCurrentItem(row)
        agenda.call_button.click()
        qtbot.waitUntil(lambda: window.current_area() == "calls", timeout=3000)
        qtbot.waitUntil(lambda: calls.patient.text() == item.patient_id, timeout=3000)
        calls.start_button.click()
        qtbot.waitUntil(
            lambda: calls.call_window is not None and bool(calls.link.text()), timeout=20_000
        )
        call_window = calls.call_window

        # 2. The patient joins from headless Chromium; both sides see video.
        leave: dict[str, asyncio.Event] = {}

        async def patient_side(join_url: str) -> str:
            leave["event"] = asyncio.Event()
            async with patient_browser() as page:
                await join_as_patient(page, join_url)
                await page.wait_for_function("window.telemed.state === 'connected'", timeout=30_000)
                await asyncio.wait_for(leave["event"].wait(), 60)
                return str(await page.evaluate("window.telemed.state"))

        browser = runtime.submit(patient_side(calls.link.text()))
        qtbot.waitUntil(lambda: call_window.state_label.text() == "Connected", timeout=40_000)
        qtbot.waitUntil(lambda: call_window.remote.frames_painted > 10, timeout=15_000)
        assert window.grab().save(str(tmp_path / "televisit_call.png"))
        ended: list[CallDidEnd] = []
        ctx.bridge.on(CallDidEnd, ended.append)
        QTest.keySequence(call_window, "Ctrl+Shift+H")
        qtbot.waitUntil(lambda: bool(ended) and patient.last_call is not None, timeout=15_000)
        runtime.call_soon_threadsafe(leave["event"].set)
        browser.result(30)
        call_window.close()

        # 3. The report, linked to the call's Encounter, signed and stored.
        window.show_area("patient")
        assert patient.message.text().startswith("The call has ended")
        editor = patient.open_report_editor()
        qtbot.addWidget(editor)
        qtbot.waitUntil(lambda: not editor.runner.pending, timeout=10_000)
        assert editor.encounter_ref == f"Encounter/{ended[0].encounter_id}"
        editor.editors["reason"].setPlainText("Controllo pressorio in televisita")
        editor.editors["examination"].setPlainText("Paziente in buone condizioni, eupnoico.")
        editor.editors["conclusions"].setPlainText("Compenso pressorio adeguato.")
        with qtbot.waitSignal(editor.signed_and_sent, timeout=20_000):
            editor.sign_button.click()
        report_id = editor.report_id

        async def stored() -> dict[str, Any]:
            client = await ws.backend_client()
            docs = await client.search(
                "DocumentReference", {"identifier": f"urn:ietf:rfc:3986|urn:uuid:{report_id}"}
            )
            [doc] = docs.matches
            encounter = await client.read("Encounter", str(ended[0].encounter_id))
            assert encounter.resource is not None
            appointment = await client.read("Appointment", item.resource_ref.split("/")[1])
            return {"doc": doc, "encounter": encounter.resource, "appt": appointment.resource}

        found = runtime.submit(stored()).result(15)
        doc = found["doc"]
        assert doc["context"]["encounter"] == [{"reference": editor.encounter_ref}]
        assert doc["description"] == "Prestazione erogata in modalità di televisita."
        assert found["encounter"]["class"]["code"] == "VR"
        assert found["encounter"]["appointment"] == [{"reference": item.resource_ref}]
        assert found["appt"]["status"] == "fulfilled"  # the booked televisit is done
        editor.close()
        window.show_area("agenda")
        agenda.refresh()
        qtbot.waitUntil(
            lambda: (
                not agenda.busy
                and any(
                    i.resource_ref == item.resource_ref and i.status == "fulfilled"
                    for i in agenda.agenda.items
                )
            ),
            timeout=15_000,
        )
        done_row = agenda_row(agenda, lambda shown: shown.resource_ref == item.resource_ref)
        assert done_row.text(4) == "Done"
