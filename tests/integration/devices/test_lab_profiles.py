"""End to end through plain bleak + the project backend against bumble GATT servers:
scan -> connect -> (pair) -> clock -> measure -> decoded reading with identity and provenance."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from bleak import BleakClient, BleakScanner

from devices.blood_pressure.parser import BloodPressureMeasurement, IntermediateCuffPressure
from devices.driver import MeasurementDriver
from devices.errors import (
    BluetoothUnavailable,
    BondLost,
    DeviceNotFound,
    PairingFailed,
    PairingRequired,
)
from devices.heart_rate.parser import HeartRateMeasurement
from devices.lab import (
    FACTORY_CLOCK,
    BloodPressureMonitor,
    GlucoseMeter,
    HeartRateMonitor,
    LabOptions,
    PulseOximeter,
    Thermometer,
    VirtualRadio,
    WeightScale,
)
from devices.prompter import FixedPrompter
from devices.pulse_oximeter.parser import PlxContinuousMeasurement, PlxSpotCheckMeasurement
from devices.session import BondState, DeviceReading, DeviceSession, RejectedPayload
from devices.thermometer.parser import TemperatureMeasurement
from devices.transport import BleTransport
from devices.weight_scale.parser import WeightMeasurement

pytestmark = [pytest.mark.bumble, pytest.mark.integration]

ROME = ZoneInfo("Europe/Rome")


async def test_plain_bleak_api_sees_the_virtual_gatt_server(radio: VirtualRadio) -> None:
    thermo = await Thermometer(radio).start()
    scanner_cls, client_cls = radio.backends()
    found = await BleakScanner.discover(
        timeout=0.3,
        backend=scanner_cls,
        service_uuids=["00001809-0000-1000-8000-00805f9b34fb"],
        return_adv=True,
    )
    ((device, adv),) = found.values()
    assert adv.local_name == "LAB-THERMO"
    assert device.address == thermo.address
    async with BleakClient(device, backend=client_cls, timeout=2) as client:
        services = {s.uuid[4:8] for s in client.services}
        assert {"1809", "180a", "1805"} <= services
        characteristic = client.services.get_characteristic("00002a1c-0000-1000-8000-00805f9b34fb")
        assert characteristic is not None and characteristic.properties == ["indicate"]
        assert await client.read_gatt_char("00002a29-0000-1000-8000-00805f9b34fb") == b"Telemed Lab"
        got: asyncio.Queue[bytes] = asyncio.Queue()
        await client.start_notify(characteristic, lambda _c, data: got.put_nowait(bytes(data)))
        sent = await thermo.measure(temperature=Decimal("37.6"))
        assert await asyncio.wait_for(got.get(), 2) == sent


async def _one(driver: MeasurementDriver, characteristic: str) -> DeviceReading:
    return await driver.session.next_reading(timeout_s=3, characteristics=[characteristic])


async def test_blood_pressure_monitor_needs_the_clock_set_and_the_driver_sets_it(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    bpm = await BloodPressureMonitor(
        radio, options=LabOptions(clock_set=False, device_tz=ROME)
    ).start()
    assert bpm.device_now().year == FACTORY_CLOCK.year
    adv = await transport.find(service_uuids=["1810"], timeout_s=2)
    driver = MeasurementDriver(transport, adv, device_tz=ROME)
    assert await driver.start() == ["2a35", "2a36"]
    try:
        assert bpm.current_time_writes == 1 and bpm.clock_was_set
        clock = driver.session.clock
        assert clock is not None and clock.was_set and abs(clock.offset_s) < 1.0
        await bpm.measure(
            systolic=Decimal(128),
            diastolic=Decimal(82),
            mean_arterial=Decimal("97.3"),
            pulse_rate_bpm=Decimal(66),
            cuff_steps=(40, 120, 160),
        )
        cuffs = [await _one(driver, "2a36") for _ in range(3)]
        assert [
            c.value.cuff_pressure for c in cuffs if isinstance(c.value, IntermediateCuffPressure)
        ] == [
            Decimal(40),
            Decimal(120),
            Decimal(160),
        ]
        reading = await _one(driver, "2a35")
    finally:
        await driver.stop()
    value = reading.value
    assert isinstance(value, BloodPressureMeasurement)
    assert (value.systolic, value.diastolic, value.mean_arterial) == (128, 82, Decimal("97.3"))
    assert str(value.mean_arterial) == "97.3"
    assert reading.identity.serial_number == "SN000001"
    assert reading.identity.model_id == "generic-blood-pressure"
    assert reading.transport == "ble-virtual"
    assert reading.bond_state is BondState.UNBONDED
    assert reading.measured_at_utc is not None
    assert abs((reading.measured_at_utc - reading.received_at_utc).total_seconds()) < 2
    await bpm.wait_disconnected()  # clean disconnect


async def test_clock_offset_corrects_measured_time_without_writing(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    thermo = await Thermometer(radio, options=LabOptions(clock_offset_s=-600.0)).start()
    adv = await transport.find(service_uuids=["1809"], timeout_s=2)
    driver = MeasurementDriver(transport, adv, set_clock=False)
    await driver.start()
    try:
        await thermo.measure(temperature=Decimal("36.55"))
        reading = await _one(driver, "2a1c")
    finally:
        await driver.stop()
    assert thermo.current_time_writes == 0
    assert reading.clock_offset_s is not None and abs(reading.clock_offset_s + 600) < 1.5
    assert isinstance(reading.value, TemperatureMeasurement)
    assert reading.value.temperature == Decimal("36.55")
    assert reading.measured_at_utc is not None
    # The device stamped ten minutes ago; corrected time is within a second of arrival.
    assert abs((reading.measured_at_utc - reading.received_at_utc).total_seconds()) < 1.5


async def test_pulse_oximeter_spot_check_and_continuous_stream(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    plx = await PulseOximeter(radio).start()
    driver = MeasurementDriver(transport, await transport.find(service_uuids=["1822"], timeout_s=2))
    await driver.start()
    try:
        await plx.spot_check(spo2_pct=Decimal(97), pulse_rate_bpm=Decimal(72))
        spot = await _one(driver, "2a5e")
        count = await plx.stream([(Decimal(95 + i % 3), Decimal(70 + i)) for i in range(50)])
        await asyncio.sleep(0.05)
        streamed = [e for e in driver.session.drain_nowait() if isinstance(e, DeviceReading)]
    finally:
        await driver.stop()
    assert isinstance(spot.value, PlxSpotCheckMeasurement) and spot.value.spo2_pct == 97
    assert count == 50
    assert [
        r.value.pulse_rate_bpm for r in streamed if isinstance(r.value, PlxContinuousMeasurement)
    ] == [Decimal(70 + i) for i in range(50)]


async def test_scale_and_heart_rate_at_the_same_time(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    scale = await WeightScale(radio).start()
    hr = await HeartRateMonitor(radio).start()
    ads = await transport.scan(service_uuids=["181d", "180d"], timeout_s=0.5)
    assert {a.name for a in ads} == {"LAB-SCALE", "LAB-HR"}
    drivers = {a.name: MeasurementDriver(transport, a) for a in ads}
    await asyncio.gather(*(d.start() for d in drivers.values()))
    try:
        await asyncio.gather(scale.measure(weight=Decimal("72.45")), hr.beat(64))
        weight, beat = await asyncio.gather(
            _one(drivers["LAB-SCALE"], "2a9d"), _one(drivers["LAB-HR"], "2a37")
        )
    finally:
        await asyncio.gather(*(d.stop() for d in drivers.values()))
    assert (
        isinstance(weight.value, WeightMeasurement) and str(weight.value.weight) == "72.450"
    )  # 0.005 kg resolution
    assert isinstance(beat.value, HeartRateMeasurement) and beat.value.heart_rate_bpm == 64
    assert weight.identity.address != beat.identity.address


async def test_malformed_payload_is_a_typed_rejection_and_the_session_continues(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    thermo = await Thermometer(radio).start()
    driver = MeasurementDriver(transport, await transport.find(service_uuids=["1809"], timeout_s=2))
    await driver.start()
    try:
        await thermo.inject(0x2A1C, b"\x06\x01")  # timestamp flag set, no timestamp, short value
        await thermo.inject(0x2A1C, bytes(range(40)))
        await thermo.inject(0x2A1C, b"")
        await thermo.measure(temperature=Decimal("38.2"))
        events = [await driver.session.next_event(timeout_s=2) for _ in range(4)]
    finally:
        await driver.stop()
    rejected = [e for e in events if isinstance(e, RejectedPayload)]
    assert len(rejected) == 3
    assert all(e.error.characteristic == "2a1c" and e.error.reason for e in rejected)
    last = events[-1]
    assert isinstance(last, DeviceReading) and isinstance(last.value, TemperatureMeasurement)
    assert driver.session.rejected == 3


async def test_pairing_required_then_explicit_pairing_with_the_passkey(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter = await GlucoseMeter(radio, name="LAB-GLU").start()  # generic model: no pairing quirk
    prompter = FixedPrompter(passkey=123456)
    session = DeviceSession(
        transport, await transport.find(service_uuids=["1808"], timeout_s=2), prompter=prompter
    )
    await session.open(pair=False)
    try:
        with pytest.raises(PairingRequired):
            await session.link.start_notify("2a18", lambda _d: None)
        assert await session.subscribe(["2a18"]) == ["2a18"]  # pairs on demand, then retries
        assert prompter.passkey_requests == 1
        assert session.bond_state is BondState.BONDED
    finally:
        await session.close()
    await meter.wait_disconnected()


async def test_wrong_passkey_is_a_pairing_failure(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    await GlucoseMeter(radio).start()
    session = DeviceSession(
        transport,
        await transport.find(service_uuids=["1808"], timeout_s=2),
        prompter=FixedPrompter(passkey=111111),
    )
    with pytest.raises(PairingFailed) as caught:
        await session.open()
    assert not isinstance(caught.value, BondLost)


async def test_bond_lost_is_recognised_and_repairing_cures_it(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    meter = await GlucoseMeter(radio).start()
    adv = await transport.find(service_uuids=["1808"], timeout_s=2)
    prompter = FixedPrompter(passkey=123456)
    first = DeviceSession(transport, adv, prompter=prompter)
    await first.open()
    await first.close()
    await meter.forget_bonds()  # the meter was reset / paired with a phone
    again = DeviceSession(transport, adv, prompter=prompter)
    with pytest.raises(BondLost):
        await again.open()
    await meter.wait_disconnected()
    # The wizard's remedy: remove the pairing on the workstation, then pair again.
    await transport.forget(adv)
    third = DeviceSession(transport, adv, prompter=prompter)
    await third.open()
    try:
        assert third.bond_state is BondState.BONDED
        assert prompter.passkey_requests == 2
    finally:
        await third.close()


async def test_device_not_in_pairing_mode_is_not_found(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    await BloodPressureMonitor(radio, options=LabOptions(in_pairing_mode=False)).start()
    with pytest.raises(DeviceNotFound):
        await transport.find(service_uuids=["1810"], timeout_s=0.3)


async def test_bluetooth_off_is_a_typed_error(radio: VirtualRadio, transport: BleTransport) -> None:
    radio.adapter.powered = False
    with pytest.raises(BluetoothUnavailable):
        await transport.scan(timeout_s=0.1)


async def test_connect_retries_with_backoff_then_gives_a_typed_error(
    radio: VirtualRadio, transport: BleTransport, caplog: pytest.LogCaptureFixture
) -> None:
    scale = await WeightScale(radio).start()
    adv = await transport.find(service_uuids=["181d"], timeout_s=2)
    await scale.stop()  # gone between scan and connect
    transport.policy = dataclasses.replace(transport.policy, connect_timeout_s=0.3)
    with caplog.at_level(logging.INFO, logger="devices.transport"), pytest.raises(DeviceNotFound):
        await transport.connect(adv)
    failures = [r for r in caplog.records if r.getMessage().startswith("connect attempt")]
    assert [r.getMessage().split()[2] for r in failures] == ["1", "2", "3"]


async def test_drifting_clock_is_measured_again_on_demand(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    # A clock 50% fast (500,000 ppm) makes the drift visible within a fraction of a second.
    await Thermometer(
        radio, options=LabOptions(clock_offset_s=30.0, clock_drift_ppm=500_000)
    ).start()
    adv = await transport.find(service_uuids=["1809"], timeout_s=2)
    session = DeviceSession(transport, adv, set_clock=False)
    await session.open(pair=False)
    try:
        first = session.clock
        await asyncio.sleep(0.3)
        second = await session.measure_clock()
    finally:
        await session.close()
    assert first is not None and second is not None
    assert 29.0 < first.offset_s < 32.0
    elapsed = (second.measured_at_utc - first.measured_at_utc).total_seconds()
    # The offset grew by half the elapsed time, within Current Time's 1/256 s resolution
    # and half of each read's round trip.
    grown = second.offset_s - first.offset_s
    tolerance = 2 / 256 + first.round_trip_s + second.round_trip_s
    assert abs(grown - elapsed * 0.5) < tolerance
