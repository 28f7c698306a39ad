"""bleak's real BlueZ backend (D-Bus) through the project transport, against the BlueZ D-Bus
emulator over bumble devices: service-filtered scan, connect, reads, notifications, no
auto-pairing (PairingRequired), explicit pairing through our org.bluez.Agent1 asking the
DevicePrompter, powered-off adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from devices.errors import BluetoothUnavailable, PairingFailed, PairingRequired
from devices.lab import GlucoseMeter, Thermometer, VirtualRadio
from devices.prompter import FixedPrompter
from devices.session import BondState, DeviceReading, DeviceSession
from devices.transport import Backends, BleTransport, ConnectPolicy
from tests.integration.devices.bluez_emulator import BlueZEmulator, private_system_bus

pytestmark = [pytest.mark.bumble, pytest.mark.integration]


@pytest.fixture(scope="module")
def bus_address() -> Iterator[str]:
    with private_system_bus() as address:
        yield address


@pytest.fixture
async def bluez(
    radio: VirtualRadio, bus_address: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BlueZEmulator]:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", bus_address)
    emulator = await BlueZEmulator(radio, bus_address).start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def system_transport(bluez: BlueZEmulator) -> BleTransport:
    # Backends(): bleak picks its platform backend, BlueZ over D-Bus.
    return BleTransport(
        Backends(),
        ConnectPolicy(
            connect_timeout_s=5,
            operation_timeout_s=5,
            pairing_timeout_s=10,
            attempts=2,
            backoff_initial_s=0.05,
        ),
    )


async def test_scan_connect_read_and_indications_through_bluez(
    radio: VirtualRadio, bluez: BlueZEmulator, system_transport: BleTransport
) -> None:
    thermo = await Thermometer(radio).start()
    adv = await system_transport.find(service_uuids=["1809"], timeout_s=3)
    assert adv.name == "LAB-THERMO" and adv.address == thermo.address
    session = DeviceSession(system_transport, adv, set_clock=True)
    await session.open(pair=False)
    try:
        assert session.identity.serial_number == "SN000001"
        assert session.clock is not None and abs(session.clock.offset_s) < 2
        await session.subscribe_measurements()
        await thermo.measure(temperature=Decimal("37.2"))
        reading = await session.next_reading(timeout_s=3)
    finally:
        await session.close()
    assert isinstance(reading, DeviceReading) and reading.transport == "ble"
    assert str(reading.value.temperature) == "37.2"  # type: ignore[attr-defined]
    assert bluez.pair_calls == 0


async def test_bluez_does_not_auto_pair_and_the_agent_asks_the_prompter(
    radio: VirtualRadio, bluez: BlueZEmulator, system_transport: BleTransport
) -> None:
    await GlucoseMeter(radio, name="LAB-GLU").start()  # requires encryption, passkey 123456
    prompter = FixedPrompter(passkey=123456)
    adv = await system_transport.find(service_uuids=["1808"], timeout_s=3)
    session = DeviceSession(system_transport, adv, prompter=prompter)
    await session.open(pair=False)
    try:
        with pytest.raises(PairingRequired):
            await session.link.start_notify("2a18", lambda _d: None)
        assert bluez.pair_calls == 0 and prompter.passkey_requests == 0  # nothing automatic
        assert await session.subscribe(["2a18", "2a52"]) == ["2a18", "2a52"]  # explicit pairing
        assert bluez.pair_calls == 1 and prompter.passkey_requests == 1
        assert bluez.agent_capability == "KeyboardDisplay"
        assert session.bond_state is BondState.BONDED
    finally:
        await session.close()


async def test_wrong_pin_through_the_agent_is_a_pairing_failure(
    radio: VirtualRadio, bluez: BlueZEmulator, system_transport: BleTransport
) -> None:
    await GlucoseMeter(radio).start()
    adv = await system_transport.find(service_uuids=["1808"], timeout_s=3)
    session = DeviceSession(
        system_transport, adv, prompter=FixedPrompter(passkey=None)
    )  # user cancels
    with pytest.raises(PairingFailed):
        await session.open()


async def test_powered_off_adapter(
    radio: VirtualRadio, bluez: BlueZEmulator, system_transport: BleTransport
) -> None:
    bluez.adapter.powered = False
    bluez.adapter.emit_properties_changed({"Powered": False})
    with pytest.raises(BluetoothUnavailable):
        await system_transport.scan(timeout_s=0.5)


async def test_no_bluetooth_service_on_the_system_bus(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path}/no-such-bus")
    with pytest.raises(BluetoothUnavailable):
        await BleTransport().scan(timeout_s=0.2)


async def test_forget_removes_the_pairing_in_bluez(
    radio: VirtualRadio, bluez: BlueZEmulator, system_transport: BleTransport
) -> None:
    await GlucoseMeter(radio).start()
    adv = await system_transport.find(service_uuids=["1808"], timeout_s=3)
    prompter = FixedPrompter(passkey=123456)
    session = DeviceSession(system_transport, adv, prompter=prompter)
    await session.open()
    await session.close()
    assert await radio.adapter.has_bond_for_address(adv.address)
    await system_transport.forget(adv)
    assert not await radio.adapter.has_bond_for_address(adv.address)


async def test_stale_bond_in_bluez_is_bond_lost_and_forget_cures_it(
    radio: VirtualRadio, bluez: BlueZEmulator, system_transport: BleTransport
) -> None:
    from devices.errors import BondLost

    meter = await GlucoseMeter(radio).start()
    adv = await system_transport.find(service_uuids=["1808"], timeout_s=3)
    prompter = FixedPrompter(passkey=123456)
    first = DeviceSession(system_transport, adv, prompter=prompter)
    await first.open()
    await first.close()
    await meter.forget_bonds()  # reset meter; BlueZ still lists it as Paired
    await meter.wait_disconnected()
    stale = DeviceSession(system_transport, adv, prompter=prompter)
    await stale.open(pair=False)
    try:
        with pytest.raises(BondLost):
            await stale.subscribe(["2a18"])
    finally:
        await stale.close()
    await meter.wait_disconnected()
    await system_transport.forget(adv)  # Adapter1.RemoveDevice
    adv = await system_transport.find(service_uuids=["1808"], timeout_s=3)
    again = DeviceSession(system_transport, adv, prompter=prompter)
    await again.open()
    try:
        assert await again.subscribe(["2a18"]) == ["2a18"]
        assert prompter.passkey_requests == 2
    finally:
        await again.close()
