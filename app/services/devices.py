"""Bluetooth devices at the workstation: pairing, measurements, confirmation into the outbox.

The point-of-care flow the Devices page drives: scan, pair (explicitly, through the
:class:`~devices.prompter.DevicePrompter` the UI implements), take a measurement (the next
reading of a live device, or the new stored records of a glucose meter), show it, and on
confirmation write Device + DeviceUseStatement + Observations + Provenance as one outbox unit
(``app.services.device_fhir``). Several devices may be connected at once.

Failures reach the UI as :class:`DeviceFailure` with a :class:`FailureKind` the pairing wizard
explains (Bluetooth off, not in pairing mode, bond lost...). Values are kept as the device sent
them (``Decimal``) and never logged.

Thread affinity: every coroutine runs on the core loop (the UI submits through the bridge).
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.outbox import OutboxWriter
from app.events import Event, EventBus
from app.logs import safe
from app.services.device_fhir import Unmappable, build_measurement_unit
from devices.blood_pressure.parser import BloodPressureMeasurement, IntermediateCuffPressure
from devices.driver import AdvertisementDriver
from devices.errors import (
    BluetoothUnavailable,
    BondLost,
    ConnectionLost,
    DeviceError,
    DeviceNotFound,
    MalformedPayload,
    PairingFailed,
    PairingRequired,
    Unsupported,
)
from devices.glucose.driver import GlucoseDriver
from devices.glucose.parser import GlucoseMeasurement, GlucoseMeasurementContext, GlucoseUnit
from devices.heart_rate.parser import HeartRateMeasurement
from devices.ieee11073 import Measurement, SpecialValue
from devices.prompter import DevicePrompter
from devices.pulse_oximeter.parser import PlxContinuousMeasurement, PlxSpotCheckMeasurement
from devices.registry import DESCRIPTORS, Capability, Quirk
from devices.session import BondState, DeviceReading, DeviceSession
from devices.thermometer.parser import TemperatureMeasurement
from devices.transport import Advertisement, BleTransport
from devices.weight_scale.parser import (
    BodyCompositionMeasurement,
    MiScaleAdvertisement,
    WeightMeasurement,
)

__all__ = [
    "DeviceFailure",
    "DeviceLinkDidChange",
    "DeviceService",
    "DeviceTransferDidProgress",
    "DisplayValue",
    "FailureKind",
    "FoundDevice",
    "MeasurementDidSave",
    "PatientChoice",
    "PendingMeasurement",
    "SavedMeasurement",
    "patient_choice",
]

_log = logging.getLogger(__name__)

#: Live streams shown while a measurement is awaited (continuous SpO2, cuff pressure).
_LIVE = ("2a5f", "2a36")
#: Characteristics that are progress, not results (not offered for confirmation).
_PROGRESS = {"2a36", "2a52", "2a34"}
_PROFILE_SERVICES = sorted(
    {u for d in DESCRIPTORS for u in d.service_uuids}
    - {"00001805-0000-1000-8000-00805f9b34fb", "0000180a-0000-1000-8000-00805f9b34fb"}
)


class FailureKind(enum.StrEnum):
    """What went wrong, in terms the user can act on."""

    BLUETOOTH_OFF = "bluetooth_off"
    NOT_FOUND = "not_found"  # not advertising: off, out of range, not in pairing mode
    PAIRING_FAILED = "pairing_failed"  # wrong PIN, cancelled, refused
    BOND_LOST = "bond_lost"  # the device forgot us: remove the pairing and pair again
    CONNECTION_LOST = "connection_lost"
    NO_READING = "no_reading"
    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported"
    STORE_UNAVAILABLE = "store_unavailable"
    CANCELLED = "cancelled"


class DeviceFailure(Exception):
    """A device operation failed; ``kind`` drives the explanation shown to the user."""

    def __init__(self, kind: FailureKind, detail: str = "") -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail


def _failure(exc: BaseException) -> DeviceFailure:
    if isinstance(exc, DeviceFailure):
        return exc
    if isinstance(exc, BluetoothUnavailable):
        return DeviceFailure(FailureKind.BLUETOOTH_OFF, str(exc))
    if isinstance(exc, BondLost):
        return DeviceFailure(FailureKind.BOND_LOST, str(exc))
    if isinstance(exc, PairingFailed | PairingRequired):
        return DeviceFailure(FailureKind.PAIRING_FAILED, str(exc))
    if isinstance(exc, DeviceNotFound):
        return DeviceFailure(FailureKind.NOT_FOUND, str(exc))
    if isinstance(exc, MalformedPayload):
        return DeviceFailure(FailureKind.MALFORMED, exc.reason)
    if isinstance(exc, Unsupported):
        return DeviceFailure(FailureKind.UNSUPPORTED, str(exc))
    if isinstance(exc, TimeoutError):
        return DeviceFailure(FailureKind.NO_READING, "no measurement arrived in time")
    if isinstance(exc, ConnectionLost | DeviceError):
        return DeviceFailure(FailureKind.CONNECTION_LOST, str(exc))
    return DeviceFailure(FailureKind.CONNECTION_LOST, type(exc).__name__)


@dataclass(frozen=True, slots=True)
class PatientChoice:
    """A patient the measurement can be filed under (reference ``Patient/<id>``)."""

    reference: str
    key: str
    display_name: str


@dataclass(frozen=True, slots=True)
class FoundDevice:
    """A device in range; ``kind`` is the registry's model display name."""

    address: str
    name: str
    kind: str
    rssi: int
    needs_pairing: bool
    connected: bool = False


@dataclass(frozen=True, slots=True)
class DisplayValue:
    """One line of a measurement as shown: ``label`` is an English source text the UI
    translates; ``value`` keeps the device's digits (``"37.60"``), or a special value label."""

    label: str
    value: str
    unit: str


@dataclass(frozen=True, slots=True)
class PendingMeasurement:
    """A measurement waiting for the clinician's confirmation."""

    measurement_id: str
    device_address: str
    device_name: str
    values: tuple[DisplayValue, ...]
    measured_at_utc: datetime
    record_count: int
    bonded: bool
    clock_offset_s: float | None


@dataclass(frozen=True, slots=True)
class SavedMeasurement:
    measurement_id: str
    unit_id: str
    observation_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MeasurementDidSave(Event):
    """A confirmed measurement is durable in the outbox (no health data)."""

    measurement_id: str
    observation_count: int


@dataclass(frozen=True, slots=True)
class DeviceTransferDidProgress(Event):
    """Stored records received so far from a meter (``total`` None when unknown)."""

    address: str
    received: int
    total: int | None


@dataclass(frozen=True, slots=True)
class DeviceLinkDidChange(Event):
    """A device link came up or went down (address only)."""

    address: str
    connected: bool


def _text(value: Measurement | Decimal | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, SpecialValue):
        return value.label
    return str(value)


def _live_values(value: object) -> tuple[DisplayValue, ...]:
    if isinstance(value, IntermediateCuffPressure):
        return (DisplayValue("Cuff pressure", _text(value.cuff_pressure), value.unit.value),)
    return display_values(value)


def display_values(value: object) -> tuple[DisplayValue, ...]:
    """What the confirmation screen shows for a decoded reading."""
    if isinstance(value, BloodPressureMeasurement):
        unit = value.unit.value
        lines = [
            DisplayValue("Systolic", _text(value.systolic), unit),
            DisplayValue("Diastolic", _text(value.diastolic), unit),
            DisplayValue("Mean arterial pressure", _text(value.mean_arterial), unit),
        ]
        if value.pulse_rate_bpm is not None:
            lines.append(DisplayValue("Pulse rate", _text(value.pulse_rate_bpm), "/min"))
        return tuple(lines)
    if isinstance(value, PlxSpotCheckMeasurement | PlxContinuousMeasurement):
        return (
            DisplayValue("SpO2", _text(value.spo2_pct), "%"),
            DisplayValue("Pulse rate", _text(value.pulse_rate_bpm), "/min"),
        )
    if isinstance(value, TemperatureMeasurement):
        return (DisplayValue("Temperature", _text(value.temperature), "°" + value.unit.value),)
    if isinstance(value, WeightMeasurement | MiScaleAdvertisement):
        return (DisplayValue("Weight", _text(value.weight), value.unit.value),)
    if isinstance(value, BodyCompositionMeasurement):
        return (DisplayValue("Body fat", _text(value.body_fat_pct), "%"),)
    if isinstance(value, GlucoseMeasurement):
        c = value.concentration
        if value.unit is GlucoseUnit.MOL_PER_L:
            return (
                DisplayValue(
                    "Glucose", _text(c.scaleb(3) if isinstance(c, Decimal) else c), "mmol/L"
                ),
            )
        return (
            DisplayValue("Glucose", _text(c.scaleb(5) if isinstance(c, Decimal) else c), "mg/dL"),
        )
    if isinstance(value, HeartRateMeasurement):
        return (DisplayValue("Heart rate", str(value.heart_rate_bpm), "/min"),)
    return ()


class DeviceService:
    """Devices of this workstation. ``outbox`` None: measurements cannot be confirmed
    (:data:`FailureKind.STORE_UNAVAILABLE`) until a store is attached.

    ``patients`` lists the patients the clinician may file a measurement under.
    """

    def __init__(
        self,
        *,
        transport: BleTransport,
        outbox: OutboxWriter | Callable[[], OutboxWriter | None] | None,
        bus: EventBus | None = None,
        device_tz: tzinfo = UTC,
        patients: Callable[[], Awaitable[Sequence[PatientChoice]]] | None = None,
        scan_timeout_s: float = 3.0,
        cursor_path: Path | None = None,
    ) -> None:
        self.transport = transport
        #: Where the last saved record sequence number of each meter is kept between runs
        #: (device key -> sequence; no health data), so "since last" survives a restart.
        self.cursor_path = cursor_path
        self._outbox = outbox
        self._bus = bus
        self.device_tz = device_tz
        self._patients = patients
        self.scan_timeout_s = scan_timeout_s
        #: Quiet time that ends a burst of stored readings.
        self.batch_window_s = 1.0
        self.prompter: DevicePrompter | None = None
        #: Called with (patient reference, Observations) once a measurement is durable, so other
        #: areas (telemonitoring trends and alerts) show it at once; its failures are logged only.
        self.on_saved: Callable[[str, Sequence[Mapping[str, Any]]], Awaitable[object]] | None = None
        #: Called (on the core loop) when a measurement is awaited from a device: demo and
        #: training mode use it to make the virtual device measure, as a patient pressing Start.
        self.on_measure_started: Callable[[str], None] | None = None
        self._seen: dict[str, Advertisement] = {}
        self._sessions: dict[str, DeviceSession] = {}
        self._pending: dict[str, tuple[PendingMeasurement, tuple[DeviceReading, ...]]] = {}
        self._contexts: dict[str, Mapping[int, GlucoseMeasurementContext]] = {}
        self._cancels: dict[str, asyncio.Event] = {}
        self._live: dict[str, tuple[DisplayValue, ...]] = {}
        self._last_sequence: dict[str, int] = {}
        self._cursors_loaded = False

    @classmethod
    def for_platform(
        cls,
        *,
        outbox: OutboxWriter | Callable[[], OutboxWriter | None] | None,
        bus: EventBus | None,
        device_tz: tzinfo | None = None,
        patients: Callable[[], Awaitable[Sequence[PatientChoice]]] | None = None,
        cursor_path: Path | None = None,
    ) -> DeviceService:
        """A service on the operating system's Bluetooth adapter (BlueZ, WinRT, CoreBluetooth)."""
        return cls(
            transport=BleTransport(),
            outbox=outbox,
            bus=bus,
            device_tz=device_tz or datetime.now().astimezone().tzinfo or UTC,
            patients=patients,
            cursor_path=cursor_path,
        )

    @property
    def outbox(self) -> OutboxWriter | None:
        """The store's outbox (resolved on each use: the store opens after login)."""
        if self._outbox is None or isinstance(self._outbox, OutboxWriter):
            return self._outbox
        return self._outbox()

    # ------------------------------------------------------------------ helpers

    def _publish(self, event: Event) -> None:
        if self._bus is not None:
            self._bus.publish(event)

    async def list_patients(self) -> list[PatientChoice]:
        """The patients the measurement may be filed under (from the ``patients`` source)."""
        return list(await self._patients()) if self._patients else []

    def _on_drop(self, address: str) -> None:
        self._publish(DeviceLinkDidChange(address, False))

    # ------------------------------------------------------------------ scan & pair

    async def scan(self, *, timeout_s: float | None = None) -> list[FoundDevice]:
        """Health devices advertising now (standard profile services). Raises
        :class:`DeviceFailure`."""
        try:
            found = await self.transport.scan(
                service_uuids=_PROFILE_SERVICES, timeout_s=timeout_s or self.scan_timeout_s
            )
        except DeviceError as exc:
            raise _failure(exc) from exc
        out = []
        for adv in found:
            self._seen[adv.address] = adv
            d = adv.descriptor
            out.append(
                FoundDevice(
                    address=adv.address,
                    name=adv.label,
                    kind=d.display_name if d else "",
                    rssi=adv.rssi,
                    needs_pairing=bool(
                        d and d.quirks & {Quirk.PIN_PAIRING, Quirk.BOND_BEFORE_INDICATIONS}
                    ),
                    connected=adv.address in self._sessions
                    and self._sessions[adv.address].is_connected,
                )
            )
        return out

    async def _advertisement(self, address: str) -> Advertisement:
        adv = self._seen.get(address)
        if adv is not None:
            return adv
        try:
            adv = await self.transport.find(address=address, timeout_s=self.scan_timeout_s)
        except DeviceError as exc:
            raise _failure(exc) from exc
        self._seen[address] = adv
        return adv

    async def _session(self, address: str, *, pair: bool | None) -> DeviceSession:
        session = self._sessions.get(address)
        if session is not None and session.is_connected:
            session.prompter = self.prompter
            if pair and session.bond_state is not BondState.BONDED:
                await session.pair()
            return session
        for attempt in (1, 2):
            adv = await self._advertisement(address)
            fresh = DeviceSession(
                self.transport,
                adv,
                prompter=self.prompter,
                device_tz=self.device_tz,
                on_drop=lambda: self._on_drop(address),
            )
            try:
                await fresh.open(pair=pair)
                break
            except DeviceNotFound:
                # The OS forgot the device since the scan (BlueZ drops devices some time
                # after discovery stops): scan for it again once.
                self._seen.pop(address, None)
                if attempt == 2:
                    raise
        self._sessions[address] = fresh
        self._publish(DeviceLinkDidChange(address, True))
        return fresh

    async def pair(self, address: str) -> FoundDevice:
        """Connect and pair explicitly (the prompter asks for the PIN if the device wants
        one). Raises :class:`DeviceFailure`."""
        adv = self._seen.get(address)
        if adv is not None and adv.descriptor is not None:
            if Capability.ADVERTISEMENT_ONLY in adv.descriptor.capabilities:
                # Nothing to pair: the readings are broadcast.
                return FoundDevice(
                    adv.address, adv.label, adv.descriptor.display_name, adv.rssi, False
                )
        try:
            session = await self._session(address, pair=True)
        except DeviceError as exc:
            self._sessions.pop(address, None)
            raise _failure(exc) from exc
        adv = session.advertisement
        return FoundDevice(
            address=address,
            name=adv.label,
            kind=session.identity.display_name or "",
            rssi=adv.rssi,
            needs_pairing=False,
            connected=True,
        )

    async def forget(self, address: str) -> None:
        """Remove the workstation's pairing (the cure for a lost bond)."""
        session = self._sessions.pop(address, None)
        if session is not None:
            await session.close()
        adv = await self._advertisement(address)
        try:
            await self.transport.forget(adv)
        except DeviceError as exc:
            raise _failure(exc) from exc

    async def disconnect(self, address: str) -> None:
        """Clean disconnect of one device (unsubscribe first); never raises."""
        session = self._sessions.pop(address, None)
        if session is not None:
            await session.close()
            self._publish(DeviceLinkDidChange(address, False))

    async def shutdown(self) -> None:
        """Disconnect every device (workstation shutdown hook)."""
        for address in list(self._sessions):
            await self.disconnect(address)

    # ------------------------------------------------------------------ measure

    async def measure(self, address: str, *, timeout_s: float = 60.0) -> PendingMeasurement:
        """Wait for the next measurement from the device (glucose meters: download the
        records not yet saved). Raises :class:`DeviceFailure`."""
        adv = self._seen.get(address)
        if adv is not None and adv.descriptor is not None:
            if Capability.ADVERTISEMENT_ONLY in adv.descriptor.capabilities:
                return await self._measure_advertised(adv, timeout_s)
        cancel = asyncio.Event()
        self._cancels[address] = cancel
        try:
            session = await self._session(address, pair=None)
            stored = (
                session.descriptor is not None
                and Capability.STORED_RECORDS in session.descriptor.capabilities
            )
            if not stored:
                await session.subscribe_measurements()
            if self.on_measure_started is not None:
                self.on_measure_started(address)
            readings, contexts = await self._acquire(session, stored, timeout_s, cancel)
        except (DeviceError, TimeoutError) as exc:
            if isinstance(exc, ConnectionLost):
                self._sessions.pop(address, None)
            raise _failure(exc) from exc
        finally:
            self._cancels.pop(address, None)
        latest = readings[-1]
        pending = PendingMeasurement(
            measurement_id=str(uuid.uuid4()),
            device_address=address,
            device_name=session.advertisement.label,
            values=display_values(latest.value) + _meal_line(latest.value, contexts),
            measured_at_utc=latest.measured_at_utc or latest.received_at_utc,
            record_count=len(readings),
            bonded=latest.bond_state is BondState.BONDED,
            clock_offset_s=latest.clock_offset_s,
        )
        self._pending[pending.measurement_id] = (pending, readings)
        if contexts:
            self._contexts[pending.measurement_id] = contexts
        return pending

    async def _measure_advertised(self, adv: Advertisement, timeout_s: float) -> PendingMeasurement:
        """A device that puts its readings in advertisements: no connection, no pairing."""
        try:
            driver = AdvertisementDriver(self.transport, adv, device_tz=self.device_tz)
            if self.on_measure_started is not None:
                self.on_measure_started(adv.address)
            reading = await driver.next_reading(timeout_s=timeout_s)
        except (DeviceError, TimeoutError) as exc:
            raise _failure(exc) from exc
        pending = PendingMeasurement(
            measurement_id=str(uuid.uuid4()),
            device_address=adv.address,
            device_name=adv.label,
            values=display_values(reading.value),
            measured_at_utc=reading.measured_at_utc or reading.received_at_utc,
            record_count=1,
            bonded=False,
            clock_offset_s=None,
        )
        self._pending[pending.measurement_id] = (pending, (reading,))
        return pending

    async def _acquire(
        self, session: DeviceSession, stored: bool, timeout_s: float, cancel: asyncio.Event
    ) -> tuple[tuple[DeviceReading, ...], Mapping[int, GlucoseMeasurementContext]]:
        """Wait for the readings, unless :meth:`cancel_measurement` comes first; then the
        session is closed (a half-read transfer leaves nothing behind for the next one)."""

        async def work() -> tuple[
            tuple[DeviceReading, ...], Mapping[int, GlucoseMeasurementContext]
        ]:
            if stored:
                return await self._download(session)
            return await self._collect(session, timeout_s), {}

        task = asyncio.ensure_future(work())
        stop = asyncio.ensure_future(cancel.wait())
        try:
            done, _ = await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if task in done:
            return task.result()
        task.cancel()
        await asyncio.wait({task})
        if not task.cancelled():
            task.exception()  # retrieved: a failure racing the cancel is moot
        address = session.advertisement.address
        self._sessions.pop(address, None)
        await session.close()
        self._publish(DeviceLinkDidChange(address, False))
        raise DeviceFailure(FailureKind.CANCELLED, "cancelled by the user")

    def cancel_measurement(self, address: str) -> bool:
        """Stop waiting for a measurement from ``address`` (core loop); True if one was
        waiting. The pending :meth:`measure` raises ``DeviceFailure(CANCELLED)``."""
        cancel = self._cancels.get(address)
        if cancel is None:
            return False
        cancel.set()
        return True

    async def _next_result(self, session: DeviceSession, timeout_s: float) -> DeviceReading:
        assert session.descriptor is not None
        wanted = [b.uuid for b in session.descriptor.characteristics if b.uuid not in _PROGRESS]
        if "2a5e" in wanted and session.link.has("2a5e"):
            # An oximeter with a spot-check result: the continuous stream is shown live
            # while the reading settles; the spot-check is the measurement.
            wanted.remove("2a5f")
        return await session.next_reading(timeout_s=timeout_s, characteristics=wanted)

    async def _collect(self, session: DeviceSession, timeout_s: float) -> tuple[DeviceReading, ...]:
        """The next result; for models that send their unsent readings in a burst after the
        subscription (``SENDS_STORED_BATCH_ON_CONNECT``), also the rest of the burst. A link
        dropped after a result (``DISCONNECTS_AFTER_TRANSFER``) ends the burst, not the
        measurement."""
        readings = [await self._next_result(session, timeout_s)]
        quirks = session.descriptor.quirks if session.descriptor else frozenset()
        if Quirk.SENDS_STORED_BATCH_ON_CONNECT in quirks:
            while True:
                try:
                    readings.append(await self._next_result(session, self.batch_window_s))
                except (TimeoutError, ConnectionLost):
                    break
        return tuple(readings)

    async def _load_cursors(self) -> None:
        if self._cursors_loaded or self.cursor_path is None:
            return
        path = self.cursor_path

        def read() -> dict[str, int]:
            try:
                raw = json.loads(path.read_text("utf-8"))
            except FileNotFoundError:
                return {}
            except (OSError, ValueError) as exc:
                _log.warning(
                    "device cursors unreadable, starting over: %s", safe(type(exc).__name__)
                )
                return {}
            if not isinstance(raw, dict):
                return {}
            return {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}

        self._last_sequence = {**await asyncio.to_thread(read), **self._last_sequence}
        self._cursors_loaded = True

    async def _save_cursors(self) -> None:
        if self.cursor_path is None:
            return
        path, data = self.cursor_path, json.dumps(self._last_sequence, sort_keys=True)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(data, "utf-8")
            os.replace(tmp, path)

        await asyncio.to_thread(write)

    async def _download(
        self, session: DeviceSession
    ) -> tuple[tuple[DeviceReading, ...], Mapping[int, GlucoseMeasurementContext]]:
        await self._load_cursors()
        key = session.identity.key
        after = self._last_sequence.get(key)
        address = session.advertisement.address
        driver = GlucoseDriver(session)
        # How many records are coming, for a determinate progress bar (GLS "Report Number of
        # Stored Records"); a meter that refuses the count still downloads.
        try:
            total: int | None = await driver.count_records(after_sequence=after)
        except (MalformedPayload, TimeoutError, ConnectionLost):
            total = None  # the download below resumes after a drop on its own
        last_report = 0.0

        def progress(received: int) -> None:
            nonlocal last_report
            now = time.monotonic()
            # Throttled: one event per 0.2 s at most, plus the last record (DESIGN §3).
            if now - last_report >= 0.2 or received == total:
                last_report = now
                self._publish(DeviceTransferDidProgress(address, received, total))

        self._publish(DeviceTransferDidProgress(address, 0, total))
        driver.progress = progress
        download = await driver.download(after_sequence=after)
        if not download.readings:
            if download.complete:
                raise DeviceFailure(FailureKind.NO_READING, "no new records on the meter")
            raise DeviceFailure(FailureKind.CONNECTION_LOST, "the meter dropped the link")
        return download.readings, download.contexts

    def live_values(self, address: str) -> tuple[DisplayValue, ...]:
        """Latest live value of a device being waited for (continuous SpO2, cuff pressure),
        for a UI poll: read from the session's latest-value slot, never one event per sample
        and without consuming the readings the measurement waits for (DESIGN §3)."""
        session = self._sessions.get(address)
        if session is None:
            return ()
        for characteristic in _LIVE:
            event = session.latest(characteristic)
            if isinstance(event, DeviceReading):
                self._live[address] = _live_values(event.value)
        return self._live.get(address, ())

    # ------------------------------------------------------------------ confirm

    async def confirm(self, measurement_id: str, patient: PatientChoice) -> SavedMeasurement:
        """File the measurement under ``patient``: one outbox unit, durable on return.
        Raises :class:`DeviceFailure` (STORE_UNAVAILABLE) or ``KeyError`` for an unknown id."""
        pending, readings = self._pending[measurement_id]
        outbox = self.outbox
        if outbox is None:
            raise DeviceFailure(FailureKind.STORE_UNAVAILABLE, "no local store is open")
        try:
            unit, observations = build_measurement_unit(
                readings,
                patient_reference=patient.reference,
                patient_key=patient.key,
                label=_label(readings[-1].value),
                contexts=self._contexts.get(measurement_id),
            )
        except Unmappable as exc:
            raise DeviceFailure(FailureKind.UNSUPPORTED, str(exc)) from exc
        try:
            await outbox.enqueue(unit)
        except Exception as exc:  # the store's errors; the measurement stays pending
            _log.error("measurement not stored: %s", safe(type(exc).__name__))
            raise DeviceFailure(FailureKind.STORE_UNAVAILABLE, type(exc).__name__) from exc
        del self._pending[measurement_id]
        self._contexts.pop(measurement_id, None)
        sequences = [
            r.value.sequence_number for r in readings if isinstance(r.value, GlucoseMeasurement)
        ]
        if sequences:
            await self._load_cursors()
            key = readings[0].identity.key
            self._last_sequence[key] = max(sequences + [self._last_sequence.get(key, 0)])
            try:
                await self._save_cursors()
            except OSError as exc:  # the unit is durable; only the next download is longer
                _log.warning("device cursor not saved: %s", safe(type(exc).__name__))
        self._publish(MeasurementDidSave(measurement_id, len(observations)))
        if self.on_saved is not None:
            try:
                await self.on_saved(patient.reference, observations)
            except Exception as exc:  # the unit is durable; only the live view lags
                _log.warning("saved measurement not shown live: %s", safe(type(exc).__name__))
        return SavedMeasurement(
            measurement_id, str(unit.unit_id), tuple(o["id"] for o in observations)
        )

    def discard(self, measurement_id: str) -> None:
        """Forget a pending measurement (the clinician rejected it); unknown ids are ignored."""
        self._pending.pop(measurement_id, None)
        self._contexts.pop(measurement_id, None)

    def pending(self, measurement_id: str) -> PendingMeasurement:
        """A measurement still waiting for confirmation; ``KeyError`` if unknown."""
        return self._pending[measurement_id][0]


_MEAL_NAMES = {1: "before a meal", 2: "after a meal", 3: "fasting", 4: "casual", 5: "bedtime"}


def _meal_line(
    value: object, contexts: Mapping[int, GlucoseMeasurementContext]
) -> tuple[DisplayValue, ...]:
    """The meal of a glucose reading, when the meter recorded one (label/value are English
    source texts the UI translates)."""
    if not isinstance(value, GlucoseMeasurement):
        return ()
    context = contexts.get(value.sequence_number)
    if context is None or context.meal not in _MEAL_NAMES:
        return ()
    return (DisplayValue("Meal", _MEAL_NAMES[context.meal], ""),)


def patient_choice(resource: Mapping[str, Any]) -> PatientChoice | None:
    """A FHIR Patient as a choice (codice fiscale as key when present)."""
    pid = resource.get("id")
    if not isinstance(pid, str):
        return None
    key = pid
    for ident in resource.get("identifier") or []:
        if isinstance(ident, Mapping) and ident.get("system") == "http://hl7.it/sid/codiceFiscale":
            key = str(ident.get("value") or pid)
    name = ""
    for n in resource.get("name") or []:
        if isinstance(n, Mapping):
            given = " ".join(str(g) for g in n.get("given") or [])
            name = f"{given} {n.get('family', '')}".strip() or str(n.get("text", ""))
            break
    return PatientChoice(f"Patient/{pid}", key, name or key)


def _label(value: Any) -> str:
    names = {
        BloodPressureMeasurement: "Blood pressure (device)",
        PlxSpotCheckMeasurement: "SpO2 (device)",
        PlxContinuousMeasurement: "SpO2 (device)",
        TemperatureMeasurement: "Body temperature (device)",
        WeightMeasurement: "Body weight (device)",
        MiScaleAdvertisement: "Body weight (device)",
        BodyCompositionMeasurement: "Body composition (device)",
        GlucoseMeasurement: "Blood glucose (device)",
        HeartRateMeasurement: "Heart rate (device)",
    }
    return names.get(type(value), "Device measurement")
