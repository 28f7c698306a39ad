"""DeviceSession logic with a fake transport (no radio): clock offset from Current Time,
device time stamps corrected into UTC in the device's zone, typed rejections, the bounded
queue, pairing on demand."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devices.errors import ConnectionLost, PairingRequired
from devices.gatt_time import CurrentTime, GattDateTime, encode_current_time
from devices.registry import find_descriptor
from devices.session import BondState, DeviceReading, DeviceSession, RejectedPayload
from devices.thermometer.parser import (
    TemperatureMeasurement,
    TemperatureType,
    TemperatureUnit,
    encode_temperature_measurement,
)
from devices.transport import Advertisement, Backends

ROME = ZoneInfo("Europe/Rome")


class FakeLink:
    """Stands in for GattLink: a dict of readable values, recorded writes, callbacks."""

    def __init__(self, *, device_offset_s: float, protected: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.device_offset_s = device_offset_s
        self.protected = set(protected)
        self.bonded = False
        self.is_connected = True
        self.writes: list[tuple[str, bytes]] = []
        self.callbacks: dict[str, Callable[[bytes], None]] = {}
        self.pairings = 0
        self.values = {"2a29": b"Acme\x00", "2a25": b"SN-9", "2a23": bytes(range(8))}

    def has(self, uuid: str) -> bool:
        return uuid in self.values or uuid in ("2a2b", "2a1c")

    def _guard(self, uuid: str) -> None:
        if uuid in self.protected and not self.bonded:
            raise PairingRequired(f"{uuid}: insufficient encryption")

    async def read(self, uuid: str) -> bytes:
        self._guard(uuid)
        if uuid == "2a2b":
            device_now = datetime.now(UTC).astimezone(ROME) + timedelta(
                seconds=self.device_offset_s
            )
            return encode_current_time(CurrentTime.from_datetime(device_now))
        return self.values[uuid]

    async def write(self, uuid: str, data: bytes, *, response: bool = True) -> None:
        self._guard(uuid)
        self.writes.append((uuid, data))
        if uuid == "2a2b":
            self.device_offset_s = 0.0

    async def start_notify(self, uuid: str, callback: Callable[[bytes], None]) -> None:
        self._guard(uuid)
        self.callbacks[uuid] = callback

    async def stop_notify(self, uuid: str) -> None:
        self.callbacks.pop(uuid, None)

    async def pair(self, prompter: Any) -> None:
        self.pairings += 1
        self.bonded = True

    async def disconnect(self) -> None:
        self.is_connected = False


class FakeTransport:
    def __init__(self, link: FakeLink) -> None:
        self.link = link
        self.backends = Backends(transport="fake")
        self.on_disconnect: Callable[[], None] | None = None

    async def connect(
        self, advertisement: Advertisement, *, on_disconnect: Callable[[], None] | None = None
    ) -> FakeLink:
        self.on_disconnect = on_disconnect
        return self.link


def _session(link: FakeLink, **kw: Any) -> tuple[DeviceSession, FakeTransport]:
    adv = Advertisement(
        address="AA:BB:CC:DD:EE:FF",
        name="THERMO",
        service_uuids=("00001809-0000-1000-8000-00805f9b34fb",),
        rssi=-40,
        descriptor=find_descriptor("THERMO", ["00001809-0000-1000-8000-00805f9b34fb"]),
        ble_device=None,
    )
    transport = FakeTransport(link)
    return DeviceSession(transport, adv, device_tz=ROME, **kw), transport  # type: ignore[arg-type]


def _temperature(stamp: datetime, value: str = "37.1") -> bytes:
    return encode_temperature_measurement(
        TemperatureMeasurement(
            TemperatureUnit.CELSIUS,
            Decimal(value),
            GattDateTime.from_datetime(stamp),
            TemperatureType.EAR,
            datetime.now(UTC),
        )
    )


async def test_offset_measured_and_device_time_corrected_into_utc() -> None:
    link = FakeLink(device_offset_s=-300.0)
    session, _ = _session(link, set_clock=False)
    await session.open(pair=False)
    assert (
        session.identity.manufacturer == "Acme" and session.identity.system_id == "0001020304050607"
    )
    assert session.clock is not None and abs(session.clock.offset_s + 300) < 1.5
    await session.subscribe(["2a1c"])
    device_stamp = datetime.now(ROME).replace(tzinfo=None, microsecond=0) - timedelta(seconds=300)
    link.callbacks["2a1c"](_temperature(device_stamp))
    reading = await session.next_reading(timeout_s=1)
    assert reading.measured_at_utc is not None
    assert abs((reading.measured_at_utc - reading.received_at_utc).total_seconds()) < 2
    assert reading.measured_at_utc.tzinfo is UTC
    assert reading.bond_state is BondState.UNBONDED and reading.transport == "fake"


async def test_clock_written_when_off_beyond_tolerance() -> None:
    link = FakeLink(device_offset_s=3600.0)
    session, _ = _session(link, clock_tolerance_s=2.0)
    await session.open(pair=False)
    assert [u for u, _ in link.writes] == ["2a2b"]
    assert session.clock is not None and session.clock.was_set and abs(session.clock.offset_s) < 1.5


async def test_clock_within_tolerance_is_left_alone() -> None:
    link = FakeLink(device_offset_s=0.5)
    session, _ = _session(link, clock_tolerance_s=2.0)
    await session.open(pair=False)
    assert link.writes == []


async def test_pairing_on_demand_then_retry() -> None:
    link = FakeLink(device_offset_s=0.0, protected={"2a1c"})
    session, _ = _session(link)
    await session.open(pair=False)
    assert await session.subscribe(["2a1c"]) == ["2a1c"]
    assert link.pairings == 1 and session.bond_state is BondState.BONDED


async def test_garbage_is_a_rejection_and_the_drop_is_typed() -> None:
    link = FakeLink(device_offset_s=0.0)
    session, transport = _session(link)
    await session.open(pair=False)
    await session.subscribe(["2a1c"])
    link.callbacks["2a1c"](b"\x02")
    link.callbacks["2a1c"](_temperature(datetime(2026, 1, 1, 8, 0)))
    first = await session.next_event(timeout_s=1)
    assert isinstance(first, RejectedPayload) and first.error.characteristic == "2a1c"
    assert isinstance(await session.next_event(timeout_s=1), DeviceReading)
    assert transport.on_disconnect is not None
    transport.on_disconnect()
    with pytest.raises(ConnectionLost):
        await session.next_event(timeout_s=1)


async def test_bounded_queue_counts_what_it_drops() -> None:
    link = FakeLink(device_offset_s=0.0)
    session, _ = _session(link, queue_size=3)
    await session.open(pair=False)
    await session.subscribe(["2a1c"])
    for _ in range(5):
        link.callbacks["2a1c"](_temperature(datetime(2026, 1, 1, 8, 0)))
    assert session.dropped == 2
    assert len(session.drain_nowait()) == 3
    with pytest.raises(asyncio.TimeoutError):
        await session.next_event(timeout_s=0.05)


async def test_still_refused_after_pairing_on_a_bonded_link_is_bond_lost() -> None:
    from devices.errors import BondLost

    class KeysRejected(FakeLink):
        async def pair(self, prompter: Any) -> None:  # BlueZ: "already paired", nothing done
            self.pairings += 1
            self.bonded = True

        def _guard(self, uuid: str) -> None:
            if uuid in self.protected:
                raise PairingRequired(f"{uuid}: insufficient authentication")

    link = KeysRejected(device_offset_s=0.0, protected={"2a1c"})
    session, _ = _session(link)
    await session.open(pair=False)
    with pytest.raises(BondLost):
        await session.subscribe(["2a1c"])
    assert link.pairings == 1
