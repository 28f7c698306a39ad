"""The Devices page against bumble-emulated devices on the core loop: pick the patient, scan,
pair with the PIN typed in the guide, take a measurement, see it, confirm, saved in the real
SQLCipher outbox; failures explained in the user's language."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QTreeWidget,
    QWidget,
)

from app.config import Paths, Settings
from app.services.devices import DeviceService, FailureKind, PatientChoice
from app.workstation import Workstation
from devices.lab import BloodPressureMonitor, GlucoseMeter, VirtualRadio
from devices.transport import Backends, BleTransport, ConnectPolicy
from offline_cache.db import Database
from offline_cache.outbox import Outbox
from tests.integration.devices.outbox_reading import open_outbox, stored_bundles
from ui.bridge import Bridge
from ui.context import UiContext
from ui.i18n import Translations
from ui.pages.devices import DevicesPage

pytestmark = [pytest.mark.bumble]

PATIENTS = [
    PatientChoice("Patient/p-rossi", "RSSMRA80A01H501U", "Mario Rossi"),
    PatientChoice("Patient/p-bianchi", "BNCLRA85T50F205X", "Laura Bianchi"),
]


class Lab:
    radio: VirtualRadio
    bpm: BloodPressureMonitor
    meter: GlucoseMeter
    outbox: Outbox
    db: Database


@pytest.fixture
def lab_ctx(qapp, tmp_path: Path):
    ws = Workstation(settings=Settings(), paths=Paths.default().ensure())
    ws.start()
    lab = Lab()
    path = tmp_path / "ui.vault"

    async def setup() -> DeviceService:
        lab.radio = VirtualRadio()
        await lab.radio.start()
        lab.bpm = await BloodPressureMonitor(lab.radio).start()
        lab.meter = await GlucoseMeter(lab.radio).start()
        lab.meter.add_records([Decimal(95), Decimal(140)])
        lab.db, lab.outbox = await open_outbox(path)
        scanner, client = lab.radio.backends()
        transport = BleTransport(
            Backends(scanner, client, "ble-virtual"),
            ConnectPolicy(
                connect_timeout_s=2,
                operation_timeout_s=2,
                pairing_timeout_s=30,
                backoff_initial_s=0.01,
            ),
        )

        async def patients() -> list[PatientChoice]:
            return PATIENTS

        return DeviceService(
            transport=transport,
            outbox=lab.outbox,
            bus=ws.bus,
            patients=patients,
            scan_timeout_s=0.5,
        )

    service = ws.runtime.submit(setup()).result(timeout=20)
    bridge = Bridge(ws.runtime, ws.bus)
    ctx = UiContext(ws, bridge, Translations(QApplication.instance()))
    yield ctx, service, lab

    async def teardown() -> None:
        await service.shutdown()
        await lab.radio.stop()
        await lab.db.close()

    ws.runtime.submit(teardown()).result(timeout=20)
    ws.stop()


def _page(ctx: UiContext, service: DeviceService, qtbot: Any) -> DevicesPage:
    page = DevicesPage(ctx, service=service)
    page.resize(1200, 800)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.patient.count() == 2 and not page.busy, timeout=10_000)
    return page


def _on_core(ctx: UiContext, coro: Any) -> Any:
    return ctx.workstation.runtime.submit(coro).result(timeout=10)


def test_point_of_care_flow_pair_measure_confirm_saved(lab_ctx, qtbot) -> None:
    ctx, service, lab = lab_ctx
    page = _page(ctx, service, qtbot)
    # every control has an accessible name
    kinds = (QAbstractButton, QComboBox, QLineEdit, QListWidget, QTreeWidget)
    unnamed = [
        w.objectName()
        for w in page.findChildren(QWidget)
        if isinstance(w, kinds) and not w.objectName().startswith("qt_") and not w.accessibleName()
    ]
    assert unnamed == []

    # Nobody is preselected: a measurement is never filed under a patient nobody chose.
    assert page.patient.currentIndex() == -1
    assert page.patient.placeholderText() == "Choose the patient first"
    page.patient.setCurrentIndex(1)  # Laura Bianchi
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    assert page.progress.isVisible() or page.busy
    qtbot.waitUntil(lambda: len(page.devices) == 2 and not page.busy, timeout=10_000)

    # Pair the glucose meter: the guide asks for the PIN shown on the meter.
    page.select_device("meter+00001")
    qtbot.mouseClick(page.pair_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.guide.pin.isVisible(), timeout=10_000)
    assert page.prompter.waiting
    QTest.keyClicks(page.guide.pin, "123456")
    QTest.keyClick(page.guide.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert page.last_failure is None, page.status.text()
    assert "connected" in page.device_list.currentItem().text()

    # Take the stored readings, see them, confirm.
    qtbot.mouseClick(page.measure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.pending is not None, timeout=10_000)
    row = page.values.topLevelItem(0)
    assert (row.text(0), row.text(1), row.text(2)) == ("Glucose", "140", "mg/dL")
    assert "2 stored reading" in page.details.text()
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_saved is not None and not page.busy, timeout=10_000)
    assert page.values.topLevelItemCount() == 0
    assert "Saved" in page.status.text()

    # Blood pressure: measurement started on the device while the page waits.
    page.select_device("LAB-BPM")
    qtbot.mouseClick(page.measure_button, Qt.MouseButton.LeftButton)

    async def press_start() -> None:
        await lab.bpm.wait_subscribed(0x2A35)
        await lab.bpm.measure(
            systolic=Decimal(142),
            diastolic=Decimal(91),
            mean_arterial=Decimal("108.0"),
            pulse_rate_bpm=Decimal(80),
        )

    _on_core(ctx, press_start())
    qtbot.waitUntil(lambda: page.pending is not None, timeout=10_000)
    values = [
        (page.values.topLevelItem(i).text(0), page.values.topLevelItem(i).text(1))
        for i in range(page.values.topLevelItemCount())
    ]
    assert values[:3] == [
        ("Systolic", "142"),
        ("Diastolic", "91"),
        ("Mean arterial pressure", "108.0"),
    ]
    assert lab.bpm.clock_was_set
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.pending is None and not page.busy, timeout=10_000)

    # The monitor walks away: the list shows it is no longer connected.
    assert "connected" in page.device_list.currentItem().text()
    _on_core(ctx, lab.bpm.drop_links())
    qtbot.waitUntil(
        lambda: "connected" not in page.device_list.currentItem().text(), timeout=10_000
    )
    assert "disconnected" in page.status.text()

    bundles = _on_core(ctx, stored_bundles(lab.outbox))
    assert len(bundles) == 2
    subjects = {
        e["resource"]["subject"]["reference"]
        for b in bundles
        for e in b["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert subjects == {"Patient/p-bianchi"}
    glucose = [
        e["resource"] for e in bundles[0]["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    assert [o["valueQuantity"]["value"] for o in glucose] == [Decimal(95), Decimal(140)]


def test_failures_are_explained_in_italian(lab_ctx, qtbot) -> None:
    ctx, service, lab = lab_ctx
    page = _page(ctx, service, qtbot)
    ctx.translations.apply("it")
    lab.radio.adapter.powered = False
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_failure is not None and not page.busy, timeout=10_000)
    assert page.last_failure is FailureKind.BLUETOOTH_OFF
    assert page.guide.problem.isVisible()
    assert page.guide.problem.text() == "Il Bluetooth è spento o assente."
    assert "Attiva il Bluetooth" in page.guide.remedy.text()
    assert page.scan_button.text() == "&Cerca"
    lab.radio.adapter.powered = True

    # Wrong PIN -> pairing refused, explained; cancelling the PIN too.
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.devices) == 2 and not page.busy, timeout=10_000)
    page.select_device("meter+00001")
    qtbot.mouseClick(page.pair_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.guide.pin.isVisible(), timeout=10_000)
    qtbot.mouseClick(page.guide.pin_cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_failure is not None and not page.busy, timeout=10_000)
    assert page.last_failure is FailureKind.PAIRING_FAILED
    assert page.guide.problem.text() == "L'associazione è stata rifiutata."
    ctx.translations.apply("en")


def test_bond_lost_is_explained_and_re_pairing_works(lab_ctx, qtbot) -> None:
    ctx, service, lab = lab_ctx
    page = _page(ctx, service, qtbot)
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.devices) == 2 and not page.busy, timeout=10_000)
    page.select_device("meter+00001")

    def pair_with_pin() -> None:
        qtbot.mouseClick(page.pair_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.guide.pin.isVisible(), timeout=10_000)
        QTest.keyClicks(page.guide.pin, "123456")
        qtbot.mouseClick(page.guide.pin_ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.busy, timeout=10_000)

    pair_with_pin()
    assert page.last_failure is None

    async def meter_reset() -> None:
        await service.disconnect(lab.meter.address)
        await lab.meter.forget_bonds()
        await lab.meter.wait_disconnected()

    _on_core(ctx, meter_reset())
    qtbot.mouseClick(page.pair_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_failure is not None and not page.busy, timeout=10_000)
    assert page.last_failure is FailureKind.BOND_LOST
    assert "Remove pairing" in page.guide.remedy.text()

    qtbot.mouseClick(page.forget_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert page.last_failure is None and "removed" in page.status.text()
    _on_core(ctx, lab.meter.wait_disconnected())
    pair_with_pin()
    assert page.last_failure is None, page.status.text()
    assert "Paired with" in page.status.text()


def test_waiting_for_a_measurement_can_be_cancelled(lab_ctx, qtbot) -> None:
    ctx, service, lab = lab_ctx
    page = _page(ctx, service, qtbot)
    page.patient.setCurrentIndex(0)  # the user always picks the patient
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.devices) == 2 and not page.busy, timeout=10_000)
    page.select_device("LAB-BPM")
    assert not page.cancel_button.isEnabled()
    qtbot.mouseClick(page.measure_button, Qt.MouseButton.LeftButton)
    assert page.cancel_button.isEnabled() and page.progress.isVisible()
    _on_core(ctx, lab.bpm.wait_subscribed(0x2A35))
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_failure is not None and not page.busy, timeout=10_000)
    assert page.last_failure is FailureKind.CANCELLED
    assert not page.cancel_button.isEnabled() and page.measure_button.isEnabled()


def test_transfer_progress_is_determinate(lab_ctx, qtbot) -> None:
    from app.services.devices import DeviceTransferDidProgress

    ctx, service, lab = lab_ctx
    page = _page(ctx, service, qtbot)
    page._busy += 1  # as during a download
    page._update_controls()
    ctx.workstation.bus.publish(DeviceTransferDidProgress(lab.meter.address, 120, 480))
    qtbot.waitUntil(lambda: page.progress.maximum() == 480, timeout=5_000)
    assert page.progress.value() == 120 and "120 of 480" in page.status.text()
    page._busy -= 1
    page._update_controls()
    assert page.progress.maximum() == 0 and not page.progress.isVisible()


def test_live_cuff_pressure_while_the_monitor_inflates(lab_ctx, qtbot) -> None:
    from datetime import UTC, datetime

    from devices.blood_pressure.parser import (
        IntermediateCuffPressure,
        PressureUnit,
        encode_intermediate_cuff_pressure,
    )

    ctx, service, lab = lab_ctx
    page = _page(ctx, service, qtbot)
    page.patient.setCurrentIndex(0)  # the user always picks the patient
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.devices) == 2 and not page.busy, timeout=10_000)
    page.select_device("LAB-BPM")
    qtbot.mouseClick(page.measure_button, Qt.MouseButton.LeftButton)

    async def inflate() -> None:
        await lab.bpm.wait_subscribed(0x2A36)
        cuff = IntermediateCuffPressure(
            PressureUnit.MMHG, Decimal(150), None, None, None, None, datetime.now(UTC)
        )
        await lab.bpm.send(0x2A36, encode_intermediate_cuff_pressure(cuff))

    _on_core(ctx, inflate())
    qtbot.waitUntil(lambda: "Cuff pressure 150 mmHg" in page.live.text(), timeout=10_000)
    assert page.pending is None  # still waiting for the result
    _on_core(
        ctx,
        lab.bpm.measure(systolic=Decimal(118), diastolic=Decimal(76), mean_arterial=Decimal(90)),
    )
    qtbot.waitUntil(lambda: page.pending is not None, timeout=10_000)
    assert page.live.text() == "" and not page.live_timer.isActive()
