"""Demo/training mode: the Devices service on the virtual lab, measurements taken by the
virtual devices when the workstation waits for one; and the workstation wires it in demo mode."""

from __future__ import annotations

import re

import pytest

from app.config import Paths, Settings
from app.services.device_demo import DEMO_PIN, start_demo_devices
from app.services.devices import DeviceFailure, FailureKind, PatientChoice
from app.workstation import Workstation
from devices.prompter import FixedPrompter

pytestmark = [pytest.mark.bumble, pytest.mark.integration]


async def test_demo_devices_measure_when_asked() -> None:
    demo = await start_demo_devices(bus=None, outbox=None)
    try:
        service = demo.service
        found = await service.scan()
        assert len(found) == 5
        by_name = {d.name: d for d in found}
        meter = next(d for n, d in by_name.items() if n.startswith("meter+"))
        pin = int(re.search(r"PIN (\d{6})", meter.name).group(1))  # type: ignore[union-attr]
        assert pin == DEMO_PIN
        service.prompter = FixedPrompter(passkey=pin)
        await service.pair(meter.address)
        stored = await service.measure(meter.address)
        assert stored.record_count == 9 and stored.bonded  # 8 stored + 1 taken now
        bpm = by_name["LAB-BPM"]
        pending = await service.measure(bpm.address, timeout_s=10)
        assert [v.label for v in pending.values][:2] == ["Systolic", "Diastolic"]
        assert abs(pending.clock_offset_s or 0.0) < 1.0  # the unset clock was set
        with pytest.raises(DeviceFailure) as no_store:
            await service.confirm(pending.measurement_id, PatientChoice("Patient/x", "x", "X"))
        assert no_store.value.kind is FailureKind.STORE_UNAVAILABLE
    finally:
        await demo.stop()


def test_workstation_uses_the_lab_in_demo_mode() -> None:
    ws = Workstation(settings=Settings(demo=True), paths=Paths.default().ensure())
    ws.start()
    try:
        service = ws.device_service()
        found = ws.runtime.submit(service.scan()).result(timeout=20)
        assert {d.name for d in found} >= {"LAB-BPM", "LAB-PLX", "LAB-THERMO", "LAB-SCALE"}
        assert service.transport.backends.transport == "ble-virtual"
    finally:
        ws.stop()


async def test_demo_oximeter_streams_then_gives_its_spot_check() -> None:
    demo = await start_demo_devices(bus=None, outbox=None)
    try:
        service = demo.service
        plx = next(d for d in await service.scan() if d.name == "LAB-PLX")
        pending = await service.measure(plx.address, timeout_s=15)
        assert [v.label for v in pending.values] == ["SpO2", "Pulse rate"]
        assert service.live_values(plx.address)  # the stream was there to be shown
    finally:
        await demo.stop()
