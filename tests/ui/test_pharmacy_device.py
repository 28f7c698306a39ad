"""Pharmacy point-of-care with a Bluetooth device: a bumble blood-pressure monitor (real GATT)
reached through the device service; the measurement goes through the real SQCipher outbox and
the sync worker to the real regional_sim, and the receipt shows what the device sent."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from app.config import Settings
from app.services.devices import DeviceService
from app.services.sync import SyncWorker
from devices.lab import BloodPressureMonitor, VirtualRadio
from devices.prompter import FixedPrompter
from devices.transport import Backends, BleTransport, ConnectPolicy
from tests.integration.demo_sim import sim as sim  # one demo regional_sim per module
from tests.integration.regional_sim_process import RunningSim
from tests.ui.workstation_context import workstation_context
from tests.unit.offline_cache.conftest import open_test_vault
from ui.clinical import clinical_services
from ui.pages.patient import PatientPage
from ui.pages.pharmacy import PointOfCareDialog

pytestmark = [pytest.mark.integration, pytest.mark.bumble]

PHARMA = "Practitioner/prac-farm-ferrari"


def test_point_of_care_with_a_bluetooth_monitor(
    qapp, qtbot, sim: RunningSim, tmp_path: Path
) -> None:
    with workstation_context(Settings(backend_url=sim.url)) as ctx:
        ws = ctx.workstation
        core = ws.runtime
        clinical_services(ctx).practitioner_ref = PHARMA

        async def setup() -> tuple[VirtualRadio, BloodPressureMonitor, DeviceService, object]:
            radio = VirtualRadio()
            await radio.__aenter__()
            bpm = await BloodPressureMonitor(radio).start()
            scanner, client = radio.backends()
            transport = BleTransport(
                Backends(scanner, client, "ble-virtual"),
                ConnectPolicy(attempts=3, connect_timeout_s=2.0, operation_timeout_s=2.0,
                              pairing_timeout_s=5.0, backoff_initial_s=0.01),
            )  # fmt: skip
            vault = await open_test_vault(tmp_path / "pharmacy.vault", os.urandom(32))
            service = DeviceService(transport=transport, outbox=vault.outbox, scan_timeout_s=0.5)
            service.prompter = FixedPrompter(passkey=123456)  # the PIN the monitor shows
            return radio, bpm, service, vault

        radio, bpm, service, vault = core.submit(setup()).result(30)
        page = PatientPage(ctx)
        qtbot.addWidget(page)
        page.open_patient("pat-015")
        qtbot.waitUntil(lambda: page.header is not None, timeout=15_000)
        dialog = PointOfCareDialog(ctx, page.services, page.header, devices=service)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.consent.setChecked(True)
        dialog.scan_button.click()
        qtbot.waitUntil(lambda: dialog.device_combo.count() == 1, timeout=10_000)
        assert dialog.device_button.isEnabled()
        dialog.device_button.click()

        async def press_start() -> None:
            await bpm.wait_subscribed()
            await bpm.measure(
                systolic=Decimal(128), diastolic=Decimal(79), mean_arterial=Decimal("95.3"),
                pulse_rate_bpm=Decimal(66),
            )  # fmt: skip

        core.submit(press_start()).result(15)
        qtbot.waitUntil(lambda: dialog.sent_result is not None, timeout=15_000)
        assert dialog.sent_result.device_name
        assert ("Systolic", "128", "mmHg") in dialog.sent_result.device_values
        dialog.save_receipt(tmp_path / "ricevuta.pdf")
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "ricevuta.pdf"), "-"], capture_output=True, text=True,
            check=True,
        ).stdout  # fmt: skip
        assert "128 mmHg" in text and "95.3 mmHg" in text and "Dispositivo" in text

        async def drain_and_check() -> list[dict]:
            client = await ws.backend_client()
            report = await SyncWorker(outbox=vault.outbox, client=client).drain()  # type: ignore[attr-defined]
            assert report.sent >= 1 and report.dead == 0
            found = await client.search(
                "Observation", {"subject": "Patient/pat-015", "code": "http://loinc.org|85354-9",
                                "_sort": "-_lastUpdated", "_count": "5"},
            )  # fmt: skip
            return found.matches

        observations = core.submit(drain_and_check()).result(30)
        panel = next(o for o in observations if any(
            c["valueQuantity"]["value"] == 128 for c in o.get("component", [])
        ))  # fmt: skip
        assert panel["device"]["reference"].startswith("Device/")

        async def teardown() -> None:
            await service.shutdown()
            await vault.close()  # type: ignore[attr-defined]
            await radio.__aexit__(None, None, None)

        core.submit(teardown()).result(20)
