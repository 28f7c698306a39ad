"""scan -> pair -> set clock -> measure -> confirm -> Observation durable in the real SQLCipher
outbox, for each virtual device, through DeviceService (the layer the Devices page uses)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.services.devices import (
    DeviceFailure,
    DeviceService,
    FailureKind,
    MeasurementDidSave,
    PatientChoice,
)
from devices.ieee11073 import SpecialValue
from devices.lab import (
    BloodPressureMonitor,
    GlucoseMeter,
    HeartRateMonitor,
    LabOptions,
    PulseOximeter,
    Thermometer,
    VirtualDevice,
    VirtualRadio,
    WeightScale,
)
from devices.prompter import FixedPrompter
from devices.transport import BleTransport
from offline_cache.outbox import Outbox
from tests.integration.devices.outbox_reading import open_outbox, stored_bundles

pytestmark = [pytest.mark.bumble, pytest.mark.integration]

PATIENT = PatientChoice("Patient/p-rossi", "RSSMRA80A01H501U", "Mario Rossi")


@pytest.fixture
async def outbox(tmp_path: Path) -> AsyncIterator[Outbox]:
    db, box = await open_outbox(tmp_path / "poc.vault")
    yield box
    await db.close()


class Events:
    def __init__(self) -> None:
        self.items: list[object] = []

    def publish(self, event: object) -> None:
        self.items.append(event)


@pytest.fixture
def service(transport: BleTransport, outbox: Outbox) -> DeviceService:
    svc = DeviceService(transport=transport, outbox=outbox, bus=Events(), scan_timeout_s=0.5)  # type: ignore[arg-type]
    svc.prompter = FixedPrompter(passkey=123456)
    return svc


async def _stored(outbox: Outbox) -> list[dict[str, Any]]:
    return await stored_bundles(outbox)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


async def _measure(
    service: DeviceService, device: VirtualDevice, action: Any, *, pair: bool = True
) -> Any:
    found = {d.address: d for d in await service.scan()}
    assert device.address in found
    if pair:
        await service.pair(device.address)
    measuring = asyncio.create_task(service.measure(device.address, timeout_s=5))
    await device.wait_subscribed()
    await action()
    return await measuring


async def test_blood_pressure_end_to_end(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    bpm = await BloodPressureMonitor(radio).start()
    pending = await _measure(
        service,
        bpm,
        lambda: bpm.measure(
            systolic=Decimal(131),
            diastolic=Decimal(84),
            mean_arterial=Decimal("99.7"),
            pulse_rate_bpm=Decimal(71),
        ),
    )
    assert bpm.clock_was_set  # the monitor needed its clock set; the session set it
    assert [(v.label, v.value, v.unit) for v in pending.values] == [
        ("Systolic", "131", "mmHg"),
        ("Diastolic", "84", "mmHg"),
        ("Mean arterial pressure", "99.7", "mmHg"),
        ("Pulse rate", "71", "/min"),
    ]
    saved = await service.confirm(pending.measurement_id, PATIENT)
    (bundle,) = await _stored(outbox)
    assert all(e["request"]["method"] == "PUT" for e in bundle["entry"])
    panel, pulse = _resources(bundle, "Observation")
    assert {panel["id"], pulse["id"]} == set(saved.observation_ids)
    assert panel["code"]["coding"][0]["code"] == "85354-9"
    assert panel["code"]["coding"][-1] == {
        "system": "urn:iso:std:iso:11073:10101",
        "code": "150020",
        "display": "MDC_PRESS_BLD_NONINV",
    }
    comps = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in panel["component"]}
    assert comps["8478-0"]["value"] == Decimal("99.7") and comps["8480-6"]["code"] == "mm[Hg]"
    assert panel["subject"]["reference"] == "Patient/p-rossi"
    device = _resources(bundle, "Device")[0]
    assert (
        device["serialNumber"] == "SN000001"
        and panel["device"]["reference"] == f"Device/{device['id']}"
    )
    use = _resources(bundle, "DeviceUseStatement")[0]
    assert use["subject"]["reference"] == "Patient/p-rossi"
    prov = _resources(bundle, "Provenance")[0]
    assert prov["agent"][0]["role"][0]["coding"][0]["code"] == "device-bonded"
    assert {t["reference"] for t in prov["target"]} == {
        f"Observation/{i}" for i in saved.observation_ids
    }
    assert isinstance(service._bus.items[-1], MeasurementDidSave)  # type: ignore[union-attr]
    await service.shutdown()


@pytest.mark.parametrize(
    ("factory", "action", "loinc", "value", "unit"),
    [
        (
            PulseOximeter,
            lambda d: d.spot_check(spo2_pct=Decimal(96), pulse_rate_bpm=Decimal(77)),
            "59408-5",
            Decimal(96),
            "%",
        ),
        (
            Thermometer,
            lambda d: d.measure(temperature=Decimal("37.60")),
            "8310-5",
            Decimal("37.60"),
            "Cel",
        ),
        (
            WeightScale,
            lambda d: d.measure(weight=Decimal("80.25")),
            "29463-7",
            Decimal("80.250"),
            "kg",
        ),
        (HeartRateMonitor, lambda d: d.beat(58), "8867-4", Decimal(58), "/min"),
    ],
)
async def test_each_profile_lands_in_the_outbox(
    radio: VirtualRadio,
    service: DeviceService,
    outbox: Outbox,
    factory: Any,
    action: Any,
    loinc: str,
    value: Decimal,
    unit: str,
) -> None:
    device = await factory(radio).start()
    pending = await _measure(service, device, lambda: action(device), pair=False)
    await service.confirm(pending.measurement_id, PATIENT)
    (bundle,) = await _stored(outbox)
    prov = _resources(bundle, "Provenance")[0]
    assert prov["agent"][0]["role"][0]["coding"][0]["code"] == "device-unbonded"
    first = _resources(bundle, "Observation")[0]
    assert first["code"]["coding"][0]["code"] == loinc
    assert first["valueQuantity"]["value"] == value and first["valueQuantity"]["code"] == unit
    assert str(first["valueQuantity"]["value"]) == str(value)  # digits kept
    await service.shutdown()


async def test_glucose_meter_pairs_downloads_and_next_time_only_new_records(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    meter = await GlucoseMeter(radio).start()
    meter.add_records([Decimal(90), Decimal("101.5")])
    meter.add_records([Decimal(120)], meal=1)  # before a meal
    await service.scan()
    await service.pair(meter.address)
    assert isinstance(service.prompter, FixedPrompter) and service.prompter.passkey_requests == 1
    first = await service.measure(meter.address)
    assert first.record_count == 3 and first.bonded
    assert first.values[0].value == "120" and first.values[0].unit == "mg/dL"
    assert (first.values[1].label, first.values[1].value) == ("Meal", "before a meal")
    await service.confirm(first.measurement_id, PATIENT)
    meter.add_records([Decimal(133)])
    second = await service.measure(meter.address)
    assert second.record_count == 1
    await service.confirm(second.measurement_id, PATIENT)
    with pytest.raises(DeviceFailure) as nothing:
        await service.measure(meter.address)
    assert nothing.value.kind is FailureKind.NO_READING
    bundles = await _stored(outbox)
    values = [o["valueQuantity"]["value"] for b in bundles for o in _resources(b, "Observation")]
    assert values == [Decimal(90), Decimal("101.5"), Decimal(120), Decimal(133)]
    prov = _resources(bundles[0], "Provenance")[0]
    assert prov["agent"][0]["role"][0]["coding"][0]["code"] == "device-bonded"
    with_meal = [o for o in _resources(bundles[0], "Observation") if "component" in o]
    assert len(with_meal) == 1 and with_meal[0]["valueQuantity"]["value"] == Decimal(120)
    meal = with_meal[0]["component"][0]
    assert meal["code"]["coding"][0]["code"] == "8417864"  # MDC_CTXT_GLU_MEAL
    assert meal["valueCodeableConcept"]["coding"][0]["code"] == "8417868"  # preprandial
    await service.shutdown()


async def test_special_value_is_a_data_absent_reason(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    thermo = await Thermometer(radio).start()
    pending = await _measure(service, thermo, lambda: thermo.measure(temperature=SpecialValue.NRES))
    assert pending.values[0].value == "NRes"
    await service.confirm(pending.measurement_id, PATIENT)
    (bundle,) = await _stored(outbox)
    obs = _resources(bundle, "Observation")[0]
    assert "valueQuantity" not in obs
    assert obs["dataAbsentReason"]["coding"][0]["code"] == "error"
    await service.shutdown()


async def test_confirming_twice_stores_one_unit(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    thermo = await Thermometer(radio).start()
    pending = await _measure(service, thermo, lambda: thermo.measure(temperature=Decimal("36.9")))
    readings = service._pending[pending.measurement_id][1]
    await service.confirm(pending.measurement_id, PATIENT)
    service._pending[pending.measurement_id] = (pending, readings)  # a retried confirmation
    await service.confirm(pending.measurement_id, PATIENT)
    assert len(await _stored(outbox)) == 1
    await service.shutdown()


async def test_failures_are_explained_by_kind(radio: VirtualRadio, service: DeviceService) -> None:
    meter = await GlucoseMeter(radio).start()
    await service.scan()
    service.prompter = FixedPrompter(passkey=999999)
    with pytest.raises(DeviceFailure) as wrong_pin:
        await service.pair(meter.address)
    assert wrong_pin.value.kind is FailureKind.PAIRING_FAILED
    service.prompter = FixedPrompter(passkey=123456)
    await service.pair(meter.address)
    await service.disconnect(meter.address)
    await meter.forget_bonds()
    await meter.wait_disconnected()
    with pytest.raises(DeviceFailure) as lost:
        await service.pair(meter.address)
    assert lost.value.kind is FailureKind.BOND_LOST
    await service.forget(meter.address)
    await meter.wait_disconnected()
    await service.pair(meter.address)  # re-paired after removing the old pairing
    await service.shutdown()
    silent = await BloodPressureMonitor(radio, options=LabOptions(in_pairing_mode=False)).start()
    with pytest.raises(DeviceFailure) as missing:
        await service.pair(silent.address)
    assert missing.value.kind is FailureKind.NOT_FOUND
    radio.adapter.powered = False
    with pytest.raises(DeviceFailure) as off:
        await service.scan()
    assert off.value.kind is FailureKind.BLUETOOTH_OFF


async def test_measurement_without_a_store_is_refused(
    radio: VirtualRadio, transport: BleTransport
) -> None:
    service = DeviceService(transport=transport, outbox=None, scan_timeout_s=0.5)
    thermo = await Thermometer(radio).start()
    pending = await _measure(service, thermo, lambda: thermo.measure(temperature=Decimal("36.9")))
    with pytest.raises(DeviceFailure) as caught:
        await service.confirm(pending.measurement_id, PATIENT)
    assert caught.value.kind is FailureKind.STORE_UNAVAILABLE
    assert service.pending(pending.measurement_id) == pending  # nothing lost
    await service.shutdown()


async def test_omron_style_burst_of_unsent_readings_after_bonding(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    from datetime import timedelta

    bpm = await BloodPressureMonitor(radio, name="BLEsmart_00000001", options=LabOptions()).start()
    now = bpm.device_now()
    for minutes, sys_ in ((90, 118), (60, 125), (30, 131)):
        bpm.store_reading(
            systolic=Decimal(sys_),
            diastolic=Decimal(80),
            mean_arterial=Decimal(93),
            pulse_rate_bpm=Decimal(70),
            when=now - timedelta(minutes=minutes),
        )
    service.batch_window_s = 0.3
    found = {d.address: d for d in await service.scan()}
    assert found[bpm.address].kind.startswith("Omron")
    pending = await service.measure(bpm.address, timeout_s=5)  # model quirk: bonds first
    assert pending.record_count == 3 and pending.bonded
    assert pending.values[0].value == "131"
    await service.confirm(pending.measurement_id, PATIENT)
    (bundle,) = await _stored(outbox)
    panels = [
        o for o in _resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "85354-9"
    ]
    assert len(panels) == 3 and len({p["effectiveDateTime"] for p in panels}) == 3
    await service.shutdown()


async def test_monitor_that_drops_the_link_after_sending(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    bpm = await BloodPressureMonitor(radio, name="A&D_UA-651_0001").start()
    bpm.disconnect_after_transfer = True
    for systolic in (127, 133):
        pending = await _measure(
            service,
            bpm,
            lambda s=systolic: bpm.measure(
                systolic=Decimal(s), diastolic=Decimal(79), mean_arterial=Decimal(95)
            ),
            pair=False,
        )
        assert pending.values[0].value == str(systolic)
        await service.confirm(pending.measurement_id, PATIENT)
        await bpm.wait_disconnected()
    assert bpm.current_time_writes == 2  # model quirk: clock set after every connection
    assert len(await _stored(outbox)) == 2
    await service.shutdown()


async def test_udi_read_from_device_information_lands_on_the_device(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    from devices.udi import Udi

    udi = Udi("(01)08012345678906(21)TH-77", "08012345678906", "GS1", "urn:oid:1.3.160")
    thermo = await Thermometer(radio, options=LabOptions(udi=udi, serial_number="TH-77")).start()
    pending = await _measure(service, thermo, lambda: thermo.measure(temperature=Decimal("36.8")))
    await service.confirm(pending.measurement_id, PATIENT)
    (bundle,) = await _stored(outbox)
    device = _resources(bundle, "Device")[0]
    assert device["udiCarrier"] == [
        {
            "deviceIdentifier": "08012345678906",
            "jurisdiction": "urn:oid:1.3.160",
            "carrierHRF": "(01)08012345678906(21)TH-77",
            "entryType": "self-reported",
        }
    ]
    await service.shutdown()


async def test_several_devices_measured_at_once(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    plx = await PulseOximeter(radio).start()
    thermo = await Thermometer(radio).start()
    scale = await WeightScale(radio).start()
    await service.scan()
    for device in (plx, thermo, scale):
        await service.pair(device.address)

    async def measure(device: VirtualDevice, action: Any) -> Any:
        task = asyncio.create_task(service.measure(device.address, timeout_s=5))
        await device.wait_subscribed()
        await action()
        return await task

    results = await asyncio.gather(
        measure(plx, lambda: plx.spot_check(spo2_pct=Decimal(98), pulse_rate_bpm=Decimal(64))),
        measure(thermo, lambda: thermo.measure(temperature=Decimal("36.4"))),
        measure(scale, lambda: scale.measure(weight=Decimal("61.5"))),
    )
    assert [r.values[0].value for r in results] == ["98", "36.4", "61.500"]
    assert len({r.device_address for r in results}) == 3
    for r in results:
        await service.confirm(r.measurement_id, PATIENT)
    assert len(await _stored(outbox)) == 3
    await service.shutdown()


async def test_since_last_sequence_survives_a_restart(
    radio: VirtualRadio, transport: BleTransport, outbox: Outbox, tmp_path: Path
) -> None:
    cursors = tmp_path / "devices" / "record_cursors.json"
    meter = await GlucoseMeter(radio).start()
    meter.add_records([Decimal(90), Decimal(100)])
    first = DeviceService(
        transport=transport, outbox=outbox, scan_timeout_s=0.5, cursor_path=cursors
    )
    first.prompter = FixedPrompter(passkey=123456)
    await first.scan()
    pending = await first.measure(meter.address)
    await first.confirm(pending.measurement_id, PATIENT)
    await first.shutdown()
    await meter.wait_disconnected()
    assert cursors.exists() and "SN000001" in cursors.read_text()

    meter.add_records([Decimal(110)])
    again = DeviceService(
        transport=transport, outbox=outbox, scan_timeout_s=0.5, cursor_path=cursors
    )
    again.prompter = FixedPrompter(passkey=123456)
    await again.scan()
    pending = await again.measure(meter.address)
    assert pending.record_count == 1 and pending.values[0].value == "110"
    assert meter.requests[-1].values == (3,)
    await again.shutdown()


async def test_cancelled_measurement_is_typed_and_the_next_one_works(
    radio: VirtualRadio, service: DeviceService
) -> None:
    bpm = await BloodPressureMonitor(radio).start()
    await service.scan()
    waiting = asyncio.create_task(service.measure(bpm.address, timeout_s=30))
    await bpm.wait_subscribed(0x2A35)
    assert service.cancel_measurement(bpm.address)
    with pytest.raises(DeviceFailure) as cancelled:
        await waiting
    assert cancelled.value.kind is FailureKind.CANCELLED
    await bpm.wait_disconnected()
    assert not service.cancel_measurement(bpm.address)  # nothing waiting any more
    pending = await _measure(
        service,
        bpm,
        lambda: bpm.measure(
            systolic=Decimal(122), diastolic=Decimal(78), mean_arterial=Decimal(93)
        ),
        pair=False,
    )
    assert pending.values[0].value == "122"
    await service.shutdown()


async def test_stored_record_transfer_reports_throttled_progress(
    radio: VirtualRadio, service: DeviceService
) -> None:
    from app.services.devices import DeviceTransferDidProgress

    meter = await GlucoseMeter(radio).start()
    meter.add_records(Decimal(80 + i % 90) for i in range(400))
    meter.record_interval_s = 0.001  # a real meter sends a few records per 10 ms
    await service.scan()
    pending = await service.measure(meter.address)
    assert pending.record_count == 400
    events = [e for e in service._bus.items if isinstance(e, DeviceTransferDidProgress)]  # type: ignore[union-attr]
    assert events[0].received == 0 and events[0].total == 400
    assert events[-1].received == 400 and events[-1].total == 400
    received = [e.received for e in events]
    assert received == sorted(received) and len(events) < 400 / 4  # throttled, not per record
    await service.shutdown()


async def test_device_moved_since_the_scan_is_found_again(
    radio: VirtualRadio, service: DeviceService
) -> None:
    thermo = await Thermometer(radio).start()
    await service.scan()
    # Between the scan and the click the device changed its address: the handle from the
    # scan is stale (as a BlueZ device object removed after discovery stopped).
    stale = service._seen[thermo.address]
    service._seen[thermo.address] = dataclasses.replace(stale, ble_device="C0:FF:FF:FF:FF:FF")
    transport_policy = service.transport.policy
    service.transport.policy = dataclasses.replace(
        transport_policy, connect_timeout_s=0.3, attempts=1
    )
    try:
        await service.pair(thermo.address)
    finally:
        service.transport.policy = transport_policy
    assert service._seen[thermo.address].ble_device is not stale.ble_device  # scanned again
    assert service._seen[thermo.address].ble_device != "C0:FF:FF:FF:FF:FF"
    assert service._sessions[thermo.address].is_connected
    await service.shutdown()


async def test_advertisement_only_scale_without_connection(
    radio: VirtualRadio, service: DeviceService, outbox: Outbox
) -> None:
    from devices.lab import MiScale

    scale = await MiScale(radio).start()
    found = {d.address: d for d in await service.scan()}
    assert found[scale.address].kind.startswith("Xiaomi")
    await service.pair(scale.address)  # nothing to pair: broadcast readings
    waiting = asyncio.create_task(service.measure(scale.address, timeout_s=5))
    await asyncio.sleep(0.05)
    await scale.step_on(Decimal("71.35"))
    pending = await waiting
    assert [(v.label, v.value, v.unit) for v in pending.values] == [("Weight", "71.350", "kg")]
    assert not pending.bonded and not scale.connections  # never connected
    await service.confirm(pending.measurement_id, PATIENT)
    (bundle,) = await _stored(outbox)
    obs = _resources(bundle, "Observation")[0]
    assert obs["code"]["coding"][0]["code"] == "29463-7"
    assert str(obs["valueQuantity"]["value"]) == "71.350"
    prov = _resources(bundle, "Provenance")[0]
    assert prov["agent"][0]["role"][0]["coding"][0]["code"] == "device-unbonded"
    assert {
        "url": "https://telemed-workstation.example/fhir/StructureDefinition/device-transport",
        "valueCode": "ble-virtual-advertisement",
    } in prov["extension"]
    await service.shutdown()


async def test_store_failure_keeps_the_measurement_for_a_retry(
    radio: VirtualRadio, transport: BleTransport, outbox: Outbox
) -> None:
    class BrokenThenFine:
        def __init__(self) -> None:
            self.fail = True

        async def enqueue(self, unit: Any) -> None:
            if self.fail:
                raise OSError("disk full")
            await outbox.enqueue(unit)

    writer = BrokenThenFine()
    service = DeviceService(transport=transport, outbox=writer, scan_timeout_s=0.5)  # type: ignore[arg-type]
    thermo = await Thermometer(radio).start()
    pending = await _measure(
        service, thermo, lambda: thermo.measure(temperature=Decimal("37.0")), pair=False
    )
    with pytest.raises(DeviceFailure) as caught:
        await service.confirm(pending.measurement_id, PATIENT)
    assert caught.value.kind is FailureKind.STORE_UNAVAILABLE
    writer.fail = False
    await service.confirm(pending.measurement_id, PATIENT)  # same measurement, saved now
    assert len(await _stored(outbox)) == 1
    await service.shutdown()
