"""Demo and training mode: the Devices area on a virtual device lab instead of the adapter.

Five virtual devices on a bumble LocalLink (``devices.lab``) - a blood pressure monitor whose
clock is unset, a pulse oximeter, a thermometer, a scale and a glucose meter that needs pairing
(its PIN is in its name) and holds stored records - reached through the project bleak backend,
so the page, the service, pairing, clock set, RACP and the outbox run exactly as with real
devices. When the page waits for a measurement, the virtual device takes one, as the patient
pressing Start would.

Thread affinity: the core loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from decimal import Decimal

from app.domain.outbox import OutboxWriter
from app.events import EventBus
from app.logs import safe
from app.services.devices import DeviceService, PatientChoice
from devices.lab import (
    BloodPressureMonitor,
    GlucoseMeter,
    LabOptions,
    PulseOximeter,
    Thermometer,
    VirtualDevice,
    VirtualRadio,
    WeightScale,
)
from devices.transport import Backends, BleTransport

__all__ = ["DemoDevices", "start_demo_devices"]

_log = logging.getLogger(__name__)

DEMO_PIN = 123456


class DemoDevices:
    """The running lab and the service bound to it; :meth:`stop` on shutdown."""

    def __init__(
        self, radio: VirtualRadio, devices: dict[str, VirtualDevice], service: DeviceService
    ) -> None:
        self.radio = radio
        self.devices = devices
        self.service = service
        self._rng = random.Random(2026)
        self._tasks: set[asyncio.Task[None]] = set()
        service.on_measure_started = self._measure_started

    def _measure_started(self, address: str) -> None:
        device = self.devices.get(address)
        if device is None:
            return
        task = asyncio.get_running_loop().create_task(self._measure(device), name="demo-measure")
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.warning("demo measurement failed: %s", safe(type(task.exception()).__name__))

    async def _measure(self, device: VirtualDevice) -> None:
        r = self._rng
        if isinstance(device, GlucoseMeter):
            device.add_records([Decimal(r.randrange(80, 180))], every=timedelta(minutes=1))
            return
        await device.wait_subscribed(timeout_s=10)
        await asyncio.sleep(0.8)  # the cuff inflates, the probe settles
        if isinstance(device, BloodPressureMonitor):
            sys = r.randrange(110, 160)
            dia = r.randrange(65, min(100, sys - 20))
            await device.measure(
                systolic=Decimal(sys),
                diastolic=Decimal(dia),
                mean_arterial=(Decimal(sys) + 2 * Decimal(dia)) / 3,
                pulse_rate_bpm=Decimal(r.randrange(55, 95)),
                cuff_steps=(60, 120, 170),
            )
        elif isinstance(device, PulseOximeter):
            spo2, pulse = r.randrange(93, 100), r.randrange(55, 95)
            # The reading settles on the live display before the spot-check result.
            await device.stream(
                [(Decimal(spo2 - 2 + i // 4), Decimal(pulse + 6 - i // 2)) for i in range(12)],
                interval_s=0.25,
            )
            await device.spot_check(spo2_pct=Decimal(spo2), pulse_rate_bpm=Decimal(pulse))
        elif isinstance(device, Thermometer):
            await device.measure(temperature=Decimal(r.randrange(360, 380)) / 10)
        elif isinstance(device, WeightScale):
            await device.measure(weight=Decimal(r.randrange(5000, 9500)) * Decimal("0.010"))

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.service.shutdown()
        await self.radio.stop()


async def start_demo_devices(
    *,
    bus: EventBus | None,
    outbox: OutboxWriter | Callable[[], OutboxWriter | None] | None,
    patients: Callable[[], Awaitable[Sequence[PatientChoice]]] | None = None,
) -> DemoDevices:
    """Start the lab and a :class:`DeviceService` on it."""
    radio = VirtualRadio()
    await radio.start()
    meter = GlucoseMeter(
        radio,
        name=f"meter+00001 PIN {DEMO_PIN}",
        options=LabOptions(require_encryption=True, passkey=DEMO_PIN, serial_number="GLU-0001"),
    )
    meter.add_records([Decimal(v) for v in (96, 142, 118, 101, 165, 99, 134, 122)])
    devices: list[VirtualDevice] = [
        BloodPressureMonitor(radio, options=LabOptions(clock_set=False, serial_number="BPM-0001")),
        PulseOximeter(radio, options=LabOptions(serial_number="PLX-0001")),
        Thermometer(radio, options=LabOptions(clock_offset_s=-95.0, serial_number="THM-0001")),
        WeightScale(radio, options=LabOptions(serial_number="SCL-0001")),
        meter,
    ]
    for device in devices:
        await device.start()
    scanner, client = radio.backends()
    service = DeviceService(
        transport=BleTransport(Backends(scanner, client, "ble-virtual")),
        outbox=outbox,
        bus=bus,
        patients=patients,
        scan_timeout_s=1.0,
    )
    return DemoDevices(radio, {d.address: d for d in devices}, service)
