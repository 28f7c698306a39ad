"""The Sync page on a real vault and the real regional_sim: a refused item is listed with the
server's reason, fixed on the server, retried from the keyboard and sent; the recovery key is
shown once; Italian texts."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.backend.client import FhirClient
from app.config import Settings
from app.domain.outbox import ResourceUpdate
from app.services.sync import SyncStoreDidChange
from tests.integration.regional_sim_process import RunningSim, regional_sim
from tests.ui.workstation_context import workstation_context
from tests.unit.offline_cache.conftest import open_test_vault
from tests.unit.offline_cache.units import measurement_unit
from ui.context import UiContext
from ui.pages.sync import SyncPage

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    with regional_sim(tmp_path_factory.mktemp("sim") / "sim.db") as s:
        yield s


@pytest.fixture
def ctx(qapp, sim: RunningSim) -> Iterator[UiContext]:
    with workstation_context(Settings(backend_url=sim.url)) as ctx:
        yield ctx


def test_refused_item_is_explained_retried_and_sent(
    ctx: UiContext, qtbot, sim: RunningSim, tmp_path: Path
) -> None:
    ws = ctx.workstation
    assert ws.sync is not None
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert "Sign in" in page.notice.text()
    assert not page.sync_now_button.isEnabled()
    appointment_id = f"ap-{uuid.uuid4().hex[:12]}"
    ident = f"ui-{uuid.uuid4()}"

    async def setup() -> None:
        vault = await open_test_vault(tmp_path / "ui.vault", os.urandom(32))
        # The visit closes an appointment that the server does not have (yet): 404.
        await vault.outbox.enqueue(
            measurement_unit(
                identifier=ident,
                updates=(ResourceUpdate("Appointment", appointment_id, {"status": "fulfilled"}),),
            )
        )
        assert ws.sync is not None
        await ws.sync.attach(vault)

    ws.runtime.submit(setup()).result(timeout=20)
    qtbot.waitUntil(lambda: page.dead_table.rowCount() == 1, timeout=20_000)
    assert page.dead_value.text() == "1" and page.pending_value.text() == "0"
    reason = page.dead_table.item(0, 3).text()
    assert reason.startswith("Something this item refers to no longer exists")
    assert "HTTP 404" in reason
    assert page.dead_table.item(0, 0).text() == "Measurement: Pressione arteriosa"
    assert not page.notice.isVisible()

    async def create_appointment() -> None:
        async with FhirClient(sim.fhir) as client:
            await client.update(
                {
                    "resourceType": "Appointment",
                    "id": appointment_id,
                    "status": "booked",
                    "participant": [{"status": "accepted", "actor": {"display": "Dr"}}],
                }
            )

    ws.runtime.submit(create_appointment()).result(timeout=20)
    # Keyboard only: focus the list, select the row, Alt+R (Retry selected).
    page.dead_table.setFocus()
    QTest.keyClick(page.dead_table, Qt.Key.Key_Down)
    page.dead_table.selectRow(0)
    qtbot.waitUntil(page.retry_selected_button.isEnabled, timeout=5_000)
    QTest.keyClick(page, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dead_table.rowCount() == 0, timeout=20_000)
    qtbot.waitUntil(lambda: page.dead_value.text() == "0", timeout=20_000)
    qtbot.waitUntil(lambda: page.last_value.text() != "never", timeout=20_000)
    assert page.pending_value.text() == "0"

    async def server_status() -> str:
        async with FhirClient(sim.fhir) as client:
            result = await client.read("Appointment", appointment_id)
            assert result.resource is not None
            return str(result.resource["status"])

    assert ws.runtime.submit(server_status()).result(timeout=20) == "fulfilled"


def test_recovery_key_is_shown_once(ctx: UiContext, qtbot, tmp_path: Path) -> None:
    ws = ctx.workstation
    assert ws.sync is not None
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.show()
    ws.sync.recovery_key = "ABCD-EFGH-IJKL"
    ws.bus.publish(SyncStoreDidChange(open=False, recovery_key_issued=True))
    qtbot.waitUntil(page.recovery_box.isVisible, timeout=5_000)
    assert page.recovery_key.text() == "ABCD-EFGH-IJKL"
    assert ws.sync.recovery_key is None  # handed over once
    page.recovery_copy.click()
    assert QApplication.clipboard().text() == "ABCD-EFGH-IJKL"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "recovery.pdf"))
    page.print_recovery_key(printer)
    sheet = subprocess.run(
        ["pdftotext", str(tmp_path / "recovery.pdf"), "-"], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    assert "ABCD-EFGH-IJKL" in sheet and "Keep this sheet in a safe place" in sheet
    page.recovery_done.click()
    assert not page.recovery_box.isVisible() and page.recovery_key.text() == ""


def test_italian_texts(ctx: UiContext, qtbot) -> None:
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    ctx.translations.apply("it")
    try:
        page.retranslate()
        assert page.sync_now_button.text() == "&Sincronizza ora"
        assert page.retry_all_button.accessibleName() == "Riprova tutti gli elementi da verificare"
        assert page.notice.text().startswith("Accedi per vedere")
        assert page.restore_box.open_button.text() == "&Apri i dati offline"
        assert page.restore_box.key_edit.accessibleName() == "Chiave di recupero"
    finally:
        ctx.translations.apply("en")


def test_offline_items_wait_with_an_explanation(qapp, qtbot, tmp_path: Path) -> None:
    # A backend address where nothing listens: the workstation is offline.
    with workstation_context(Settings(backend_url="http://127.0.0.1:9")) as ctx:
        ws = ctx.workstation
        page = SyncPage(ctx)
        qtbot.addWidget(page)
        page.show()

        async def setup() -> None:
            vault = await open_test_vault(tmp_path / "off.vault", os.urandom(32))
            await vault.outbox.enqueue(measurement_unit())
            assert ws.sync is not None
            await ws.sync.attach(vault)

        ws.runtime.submit(setup()).result(timeout=20)
        qtbot.waitUntil(
            lambda: (
                page.waiting_table.rowCount() == 1 and page.waiting_table.item(0, 2).text() == "1"
            ),
            timeout=20_000,
        )
        assert page.waiting_table.item(0, 4).text() == (
            "The regional server could not be reached or answered badly."
        )
        assert page.state_value.text() == "Offline: work is saved on this computer"
        assert page.pending_value.text() == "1" and page.dead_table.rowCount() == 0
