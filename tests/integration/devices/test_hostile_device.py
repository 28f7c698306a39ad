"""A malicious or broken device sending garbage on every characteristic it has (measurement,
RACP responses, Current Time) never crashes the session: every bad payload is a typed
rejection, good readings still arrive, and the link stays usable."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from decimal import Decimal

import pytest

from devices.errors import ConnectionLost, MalformedPayload
from devices.glucose.driver import GlucoseDriver
from devices.lab import GlucoseMeter, LabOptions, PulseOximeter, Thermometer, VirtualRadio
from devices.session import DeviceReading, DeviceSession, RejectedPayload
from devices.transport import BleTransport

pytestmark = [pytest.mark.bumble, pytest.mark.integration]


async def test_random_garbage_on_every_characteristic(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter = await GlucoseMeter(radio, options=LabOptions()).start()  # no pairing needed
    session = DeviceSession(transport, await transport.find(service_uuids=["1808"], timeout_s=2))
    await session.open(pair=False)
    rng = random.Random(6)
    sent = 0
    try:
        await GlucoseDriver(session).start()
        for _ in range(300):
            uuid16 = rng.choice((0x2A18, 0x2A34, 0x2A52))
            payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 30)))
            sent += await meter.inject(uuid16, payload)
        events = [await session.next_event(timeout_s=2) for _ in range(sent)]
        meter.add_records([Decimal(111)])
        download = await GlucoseDriver(session).download()
    finally:
        await session.close()
    assert sent == 300
    assert all(isinstance(e, RejectedPayload | DeviceReading) for e in events)
    rejected = [e for e in events if isinstance(e, RejectedPayload)]
    assert len(rejected) > 250  # almost all random payloads are invalid
    assert all(isinstance(e.error, MalformedPayload) and e.error.reason for e in rejected)
    assert download.complete and [r.value.sequence_number for r in download.readings] == [1]  # type: ignore[attr-defined]


async def test_garbage_current_time_is_a_typed_error(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    plx = await PulseOximeter(radio).start()
    plx._read_current_time = lambda _c: b"\xff" * 10  # type: ignore[method-assign]
    plx.characteristic(0x2A2B).value.read = plx._read_current_time  # type: ignore[union-attr]
    session = DeviceSession(transport, await transport.find(service_uuids=["1822"], timeout_s=2))
    with pytest.raises(MalformedPayload):
        await session.open(pair=False)
    await plx.wait_disconnected()


async def test_continuous_stream_live_value_while_waiting_for_the_spot_check(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    from app.services.devices import DeviceService

    plx = await PulseOximeter(radio).start()
    service = DeviceService(transport=transport, outbox=None, scan_timeout_s=0.5)
    await service.scan()
    waiting = asyncio.create_task(service.measure(plx.address, timeout_s=10))
    await plx.wait_subscribed(0x2A5F)
    await plx.stream([(Decimal(90 + i % 8), Decimal(60 + i)) for i in range(50)])
    await plx.inject(0x2A5F, b"\x00")  # a broken sample is skipped, the stream goes on
    await plx.stream([(Decimal(90 + i % 8), Decimal(60 + i)) for i in range(50, 100)])
    live: tuple[object, ...] = ()
    for _ in range(200):  # the UI polls on a timer
        live = service.live_values(plx.address)
        if live and live[1].value == "159":  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.01)
    assert [(v.label, v.value) for v in live] == [("SpO2", "93"), ("Pulse rate", "159")]  # type: ignore[attr-defined]
    assert not waiting.done()  # the stream is live view, not the measurement
    await plx.spot_check(spo2_pct=Decimal(96), pulse_rate_bpm=Decimal(71))
    pending = await waiting
    assert [v.value for v in pending.values] == ["96", "71"]
    await service.shutdown()


async def test_link_dropped_during_a_read_is_a_prompt_typed_error(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    thermo = await Thermometer(radio).start()

    async def crash(_connection: object) -> bytes:
        # The device resets while answering: the read never gets its response.
        await thermo.drop_links()
        return b""

    thermo.characteristic(0x2A2B).value.read = crash  # type: ignore[union-attr]
    transport.policy = dataclasses.replace(
        transport.policy, operation_timeout_s=600.0, connect_timeout_s=600.0, attempts=1
    )
    session = DeviceSession(transport, await transport.find(service_uuids=["1809"], timeout_s=2))
    with pytest.raises(ConnectionLost):
        await session.open(pair=False)
    # With 600 s timeouts, only the disconnection can end the read before the test's own
    # time limit: the typed error above proves it was cut short.
