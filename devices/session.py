"""One device session: connect, identify, pair when needed, set/measure the clock, receive.

A :class:`DeviceSession` owns one :class:`~devices.transport.GattLink`. Its notification
callbacks only enqueue the raw bytes with a monotonic timestamp (STYLE §3); parsing happens in
the consumer (:meth:`DeviceSession.next_event`), so a malformed payload becomes a
:class:`RejectedPayload` event and the session goes on. Every :class:`DeviceReading` carries
the device identity (Device Information), the transport, the bond state and the clock offset
measured through the Current Time Service, and a measured time corrected for that offset.

Thread affinity: the core loop.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from devices.errors import (
    BondLost,
    ConnectionLost,
    DeviceError,
    MalformedPayload,
    PairingRequired,
    Unsupported,
)
from devices.gatt_time import CurrentTime, GattDateTime, encode_current_time, parse_current_time
from devices.glucose.racp import parse_racp_response
from devices.prompter import DevicePrompter
from devices.registry import DeviceDescriptor, Quirk, find_descriptor
from devices.transport import Advertisement, BleTransport, GattLink
from devices.udi import Udi, parse_udi

__all__ = [
    "BondState",
    "ClockSync",
    "DeviceIdentity",
    "DeviceReading",
    "DeviceSession",
    "RejectedPayload",
]

_log = logging.getLogger(__name__)

_DIS = {
    "2a29": "manufacturer",
    "2a24": "model_number",
    "2a25": "serial_number",
    "2a26": "firmware_revision",
    "2a23": "system_id",
}
#: Parsers of characteristics that are not measurements of a profile.
_EXTRA_PARSERS: dict[str, Callable[..., object]] = {
    "2a52": lambda data, *, received_at: parse_racp_response(data),
}


class BondState(enum.StrEnum):
    """Whether the link was encrypted with a bond when the reading arrived."""

    BONDED = "bonded"
    UNBONDED = "unbonded"


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Who produced a reading: advertisement, registry model and Device Information.

    ``system_id`` is the IEEE EUI-64 (hex) when the device publishes 0x2A23.
    """

    address: str
    name: str | None
    model_id: str | None
    display_name: str | None
    manufacturer: str | None = None
    model_number: str | None = None
    serial_number: str | None = None
    firmware_revision: str | None = None
    system_id: str | None = None
    udi: Udi | None = None

    @property
    def key(self) -> str:
        """Stable identity: manufacturer + model + serial when known, else the address."""
        if self.serial_number:
            return f"{self.manufacturer or ''}|{self.model_number or ''}|{self.serial_number}"
        return f"addr|{self.address.upper()}"


@dataclass(frozen=True, slots=True)
class ClockSync:
    """Device clock minus workstation clock, measured through Current Time (0x2A2B).

    ``offset_s`` has the resolution of the characteristic (1/256 s) plus half the read's
    round trip. ``was_set`` is True when this session wrote the device clock first.
    """

    offset_s: float
    measured_at_utc: datetime
    round_trip_s: float
    was_set: bool


@dataclass(frozen=True, slots=True)
class DeviceReading:
    """One decoded payload with its provenance.

    ``value`` is the parser's dataclass (e.g. ``BloodPressureMeasurement``).
    ``measured_at_utc`` is the device timestamp corrected by ``clock_offset_s`` (None when the
    payload has no usable timestamp; then use ``received_at_utc``).
    """

    identity: DeviceIdentity
    transport: str
    bond_state: BondState
    clock_offset_s: float | None
    characteristic: str
    value: object
    received_at_utc: datetime
    received_monotonic_ns: int
    measured_at_utc: datetime | None


@dataclass(frozen=True, slots=True)
class RejectedPayload:
    """A payload the parser refused; ``error.reason`` is safe to show and log."""

    identity: DeviceIdentity
    characteristic: str
    error: MalformedPayload
    received_at_utc: datetime


@dataclass(frozen=True, slots=True)
class _Raw:
    characteristic: str
    data: bytes
    monotonic_ns: int
    received_at_utc: datetime


class _Dropped:
    """Queue sentinel: the link dropped."""


_DROPPED = _Dropped()


def _device_time(value: object, tz: tzinfo) -> datetime | None:
    user_facing = getattr(value, "user_facing_time", None)
    if callable(user_facing):
        result = user_facing(tz)
        return result if isinstance(result, datetime) else None
    stamp = getattr(value, "timestamp", None)
    if isinstance(stamp, GattDateTime):
        return stamp.to_datetime(tz)
    return None


class DeviceSession:
    """A session with one device. Use :meth:`open`, then :meth:`subscribe` and
    :meth:`next_event`; :meth:`close` disconnects cleanly.

    ``device_tz`` is the zone of the device's wall clock (devices carry no zone; the
    workstation sets them to its own). ``set_clock`` writes Current Time when the device
    offers it and its clock is off by more than ``clock_tolerance_s`` (or always, for models
    with the ``SET_CLOCK_AFTER_PAIRING`` quirk).
    """

    def __init__(
        self,
        transport: BleTransport,
        advertisement: Advertisement,
        *,
        prompter: DevicePrompter | None = None,
        device_tz: tzinfo = UTC,
        set_clock: bool = True,
        clock_tolerance_s: float = 2.0,
        queue_size: int = 8192,
        descriptor: DeviceDescriptor | None = None,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self.transport = transport
        self._on_drop_callback = on_drop
        self.advertisement = advertisement
        self.prompter = prompter
        self.device_tz = device_tz
        self.set_clock = set_clock
        self.clock_tolerance_s = clock_tolerance_s
        self.descriptor = (
            descriptor
            or advertisement.descriptor
            or find_descriptor(advertisement.name, advertisement.service_uuids)
        )
        self.identity = DeviceIdentity(
            address=advertisement.address,
            name=advertisement.name,
            model_id=self.descriptor.model_id if self.descriptor else None,
            display_name=self.descriptor.display_name if self.descriptor else None,
        )
        self.clock: ClockSync | None = None
        self.dropped = 0
        self.rejected = 0
        self._queue: asyncio.Queue[_Raw | _Dropped] = asyncio.Queue(queue_size)
        self._link: GattLink | None = None
        self._subscribed: list[str] = []
        self._latest: dict[str, _Raw] = {}
        self._closing = False

    # ------------------------------------------------------------------ state

    @property
    def link(self) -> GattLink:
        if self._link is None:
            raise ConnectionLost("session not open")
        return self._link

    @property
    def is_connected(self) -> bool:
        return self._link is not None and self._link.is_connected

    @property
    def bond_state(self) -> BondState:
        return (
            BondState.BONDED if self._link is not None and self._link.bonded else BondState.UNBONDED
        )

    @property
    def clock_offset_s(self) -> float | None:
        return self.clock.offset_s if self.clock else None

    def _needs_bond(self) -> bool:
        if self.descriptor is None:
            return False
        return bool(self.descriptor.quirks & {Quirk.BOND_BEFORE_INDICATIONS, Quirk.PIN_PAIRING})

    # ------------------------------------------------------------------ lifecycle

    async def open(self, *, pair: bool | None = None) -> DeviceSession:
        """Connect (with the transport's retry policy), read Device Information, pair when
        ``pair`` is True (None: when the model is known to need it), then set/measure the
        clock. Raises ``devices.errors`` types."""
        self._closing = False
        self._link = await self.transport.connect(self.advertisement, on_disconnect=self._on_drop)
        try:
            await self._read_identity()
            if pair or (pair is None and self._needs_bond()):
                await self.pair()
            await self.sync_clock()
        except BaseException:
            await self.close()
            raise
        return self

    async def reopen(self) -> None:
        """Reconnect after a drop: connect, re-encrypt if bonded before, re-subscribe."""
        was_bonded = self._link is not None and self._link.bonded
        subscribed = list(self._subscribed)
        self._subscribed.clear()
        self._link = await self.transport.connect(self.advertisement, on_disconnect=self._on_drop)
        if was_bonded:
            await self.pair()
        await self.subscribe(subscribed)

    async def close(self) -> None:
        """Unsubscribe and disconnect; never raises."""
        self._closing = True
        link = self._link
        if link is None:
            return
        for uuid in self._subscribed:
            if not link.is_connected:
                break
            try:
                await link.stop_notify(uuid)
            except DeviceError as exc:
                _log.debug("stop_notify on close: %s", type(exc).__name__)
        self._subscribed.clear()
        await link.disconnect()

    async def pair(self) -> None:
        """Explicit pairing through the prompter (BlueZ does not auto-pair)."""
        await self.link.pair(self.prompter)

    def _on_drop(self) -> None:
        if self._closing:
            return
        if self._on_drop_callback is not None:
            self._on_drop_callback()
        try:
            self._queue.put_nowait(_DROPPED)
        except asyncio.QueueFull:
            self.dropped += 1

    # ------------------------------------------------------------------ identity & clock

    async def _read_identity(self) -> None:
        values: dict[str, Any] = {}
        for uuid, field_name in _DIS.items():
            if not self.link.has(uuid):
                continue
            raw = await self.link.read(uuid)
            if field_name == "system_id":
                values[field_name] = raw.hex().upper() if len(raw) == 8 else None
            else:
                # Device Information strings are UTF-8 (GSS); strip padding NULs.
                values[field_name] = raw.decode("utf-8", "replace").strip("\x00 ") or None
        if self.link.has("2bff"):
            try:
                values["udi"] = parse_udi(await self.link.read("2bff"))
            except MalformedPayload as exc:
                # A broken UDI does not stop the measurement; the Device just lacks it.
                _log.warning("ignoring UDI for Medical Devices: %s", exc.reason)
        self.identity = DeviceIdentity(
            address=self.identity.address,
            name=self.identity.name,
            model_id=self.identity.model_id,
            display_name=self.identity.display_name,
            **values,
        )

    async def measure_clock(self) -> ClockSync | None:
        """Device clock minus host clock via a Current Time read (None if not offered)."""
        if not self.link.has("2a2b"):
            return None
        before = datetime.now(UTC)
        t0 = time.perf_counter()
        raw = await self._protected(functools.partial(self.link.read, "2a2b"))
        round_trip = time.perf_counter() - t0
        current = parse_current_time(raw)
        device = current.date_time.to_datetime(self.device_tz)
        if device is None:
            raise MalformedPayload("current time has no date", characteristic="2a2b")
        device += timedelta(seconds=current.fractions256 / 256)
        host_mid = before + timedelta(seconds=round_trip / 2)
        was_set = self.clock.was_set if self.clock else False
        self.clock = ClockSync(
            offset_s=(device - host_mid).total_seconds(),
            measured_at_utc=host_mid,
            round_trip_s=round_trip,
            was_set=was_set,
        )
        return self.clock

    async def write_clock(self) -> None:
        """Write the workstation time (in ``device_tz``) to Current Time."""
        now = datetime.now(UTC).astimezone(self.device_tz)
        payload = encode_current_time(CurrentTime.from_datetime(now))
        await self._protected(functools.partial(self.link.write, "2a2b", payload, response=True))

    async def sync_clock(self) -> ClockSync | None:
        """Measure the offset; write the clock if allowed and needed; measure again."""
        sync = await self.measure_clock()
        if sync is None or not self.set_clock:
            return sync
        always = (
            self.descriptor is not None and Quirk.SET_CLOCK_AFTER_PAIRING in self.descriptor.quirks
        )
        if always or abs(sync.offset_s) > self.clock_tolerance_s:
            await self.write_clock()
            sync = await self.measure_clock()
            if sync is not None:
                self.clock = sync = ClockSync(
                    sync.offset_s, sync.measured_at_utc, sync.round_trip_s, was_set=True
                )
        return sync

    async def _protected[T](self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run ``operation``; on :class:`PairingRequired` pair explicitly and retry once.

        If the device still demands pairing although the link is bonded, it no longer
        accepts our keys (BlueZ reports the old bond as paired and skips the pairing):
        :class:`BondLost`, whose remedy is removing the pairing and pairing again."""
        try:
            return await operation()
        except PairingRequired:
            await self.pair()
            try:
                return await operation()
            except PairingRequired as again:
                if self.bond_state is BondState.BONDED:
                    raise BondLost("the device refuses this workstation's stored keys") from again
                raise

    # ------------------------------------------------------------------ receive

    async def subscribe(self, uuids: Iterable[str]) -> list[str]:
        """Enable notifications/indications on those of ``uuids`` the device offers (pairing
        first if the device demands it); returns the ones enabled."""
        enabled: list[str] = []
        for uuid in uuids:
            key = uuid.lower()
            if not self.link.has(key) or key in self._subscribed:
                continue

            def enqueue(data: bytes, key: str = key) -> None:
                raw = _Raw(key, data, time.monotonic_ns(), datetime.now(UTC))
                self._latest[key] = raw  # latest-value slot for high-rate streams (DESIGN §3)
                try:
                    self._queue.put_nowait(raw)
                except asyncio.QueueFull:
                    self.dropped += 1

            await self._protected(functools.partial(self.link.start_notify, key, enqueue))
            self._subscribed.append(key)
            enabled.append(key)
        return enabled

    async def subscribe_measurements(self) -> list[str]:
        """Subscribe to every measurement characteristic of the model's descriptor."""
        if self.descriptor is None:
            raise Unsupported("unknown device model: no measurement characteristics")
        return await self.subscribe(
            b.uuid for b in self.descriptor.characteristics if len(b.uuid) == 4
        )

    def _parser(self, characteristic: str) -> Callable[..., object] | None:
        if characteristic in _EXTRA_PARSERS:
            return _EXTRA_PARSERS[characteristic]
        return self.descriptor.parser_for(characteristic) if self.descriptor else None

    def decode(self, raw: _Raw) -> DeviceReading | RejectedPayload:
        """Parse one queued payload (consumer side)."""
        parser = self._parser(raw.characteristic)
        try:
            if parser is None:
                raise MalformedPayload(
                    "no parser for this characteristic", characteristic=raw.characteristic
                )
            value = parser(raw.data, received_at=raw.received_at_utc)
        except MalformedPayload as exc:
            self.rejected += 1
            _log.warning("rejected payload on %s: %s", raw.characteristic, exc.reason)
            return RejectedPayload(self.identity, raw.characteristic, exc, raw.received_at_utc)
        offset = self.clock_offset_s
        measured = _device_time(value, self.device_tz)
        if measured is not None:
            measured = (measured - timedelta(seconds=offset or 0.0)).astimezone(UTC)
        return DeviceReading(
            identity=self.identity,
            transport=self.transport.backends.transport,
            bond_state=self.bond_state,
            clock_offset_s=offset,
            characteristic=raw.characteristic,
            value=value,
            received_at_utc=raw.received_at_utc,
            received_monotonic_ns=raw.monotonic_ns,
            measured_at_utc=measured,
        )

    async def next_event(self, *, timeout_s: float) -> DeviceReading | RejectedPayload:
        """The next reading (or rejected payload). Raises :class:`ConnectionLost` when the
        link dropped and ``TimeoutError`` after ``timeout_s`` of silence."""
        item = await asyncio.wait_for(self._queue.get(), timeout_s)
        if isinstance(item, _Dropped):
            raise ConnectionLost("the device dropped the link")
        return self.decode(item)

    async def next_reading(
        self, *, timeout_s: float, characteristics: Iterable[str] | None = None
    ) -> DeviceReading:
        """The next valid reading (of ``characteristics`` if given), skipping rejected
        payloads (counted in :attr:`rejected`). Same errors as :meth:`next_event`."""
        wanted = {c.lower() for c in characteristics} if characteristics else None
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no reading")
            event = await self.next_event(timeout_s=remaining)
            if isinstance(event, DeviceReading) and (
                wanted is None or event.characteristic in wanted
            ):
                return event

    def latest(self, characteristic: str) -> DeviceReading | RejectedPayload | None:
        """The most recent payload of ``characteristic``, decoded now, without consuming the
        queue (a UI timer polls this for continuous SpO2 or cuff pressure)."""
        raw = self._latest.get(characteristic.lower())
        if raw is None:
            return None
        parser = self._parser(raw.characteristic)
        if parser is None:
            return None
        try:
            value = parser(raw.data, received_at=raw.received_at_utc)
        except MalformedPayload as exc:
            return RejectedPayload(self.identity, raw.characteristic, exc, raw.received_at_utc)
        return DeviceReading(
            identity=self.identity,
            transport=self.transport.backends.transport,
            bond_state=self.bond_state,
            clock_offset_s=self.clock_offset_s,
            characteristic=raw.characteristic,
            value=value,
            received_at_utc=raw.received_at_utc,
            received_monotonic_ns=raw.monotonic_ns,
            measured_at_utc=None,
        )

    def drain_nowait(self) -> list[DeviceReading | RejectedPayload]:
        """Everything already queued, decoded (for high-rate streams polled on a timer)."""
        out: list[DeviceReading | RejectedPayload] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return out
            if isinstance(item, _Dropped):
                self._queue.put_nowait(item)
                return out
            out.append(self.decode(item))
