"""Virtual BLE health devices: full bumble stacks with real GATT servers on the lab radio.

Each device exposes its standard Bluetooth SIG service plus Device Information (0x180A) and
Current Time (0x1805), advertises its name and 16-bit service UUID, and sends measurements
built with the package's own encoders (``encode_*`` beside each parser), so the bytes on the
virtual air are the bytes a conforming device sends. Options reproduce the situations drivers
must survive: pairing with a passkey and encrypted-only characteristics, not being in pairing
mode (not advertising), a device clock that is unset, offset or drifting, stored glucose
records served by RACP, a link dropped in the middle of a transfer, a lost bond (the device
forgot the workstation), and arbitrary garbage payloads.

Thread affinity: the loop that owns the :class:`~devices.lab.radio.VirtualRadio`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from bumble import att, gatt, pairing
from bumble.core import AdvertisingData
from bumble.device import Connection, Device

from devices.blood_pressure.parser import (
    BloodPressureMeasurement,
    IntermediateCuffPressure,
    PressureUnit,
    encode_blood_pressure_measurement,
    encode_intermediate_cuff_pressure,
)
from devices.errors import MalformedPayload
from devices.gatt_time import (
    CurrentTime,
    GattDateTime,
    encode_current_time,
    encode_date_time,
    parse_current_time,
)
from devices.glucose.parser import (
    GlucoseMeasurement,
    GlucoseMeasurementContext,
    GlucoseUnit,
    encode_glucose_measurement,
    encode_glucose_measurement_context,
)
from devices.glucose.racp import (
    RacpNumberOfRecords,
    RacpOpCode,
    RacpOperator,
    RacpRequest,
    RacpResponse,
    RacpResponseCode,
    encode_racp_response,
    parse_racp_request,
)
from devices.heart_rate.parser import HeartRateMeasurement, encode_heart_rate_measurement
from devices.ieee11073 import Measurement
from devices.lab.radio import VirtualRadio, new_stack
from devices.pulse_oximeter.parser import (
    PlxContinuousMeasurement,
    PlxSpotCheckMeasurement,
    encode_plx_continuous,
    encode_plx_spot_check,
)
from devices.thermometer.parser import (
    TemperatureMeasurement,
    TemperatureType,
    TemperatureUnit,
    encode_temperature_measurement,
)
from devices.udi import Udi, encode_udi
from devices.weight_scale.parser import (
    HeightUnit,
    WeightMeasurement,
    WeightUnit,
    encode_weight_measurement,
)
from devices.wire import scaled

__all__ = [
    "FACTORY_CLOCK",
    "BloodPressureMonitor",
    "GlucoseMeter",
    "HeartRateMonitor",
    "LabOptions",
    "MiScale",
    "PulseOximeter",
    "Thermometer",
    "VirtualDevice",
    "WeightScale",
]

_log = logging.getLogger(__name__)

#: Where an unset device clock starts (many meters boot at 2000-01-01 00:00).
FACTORY_CLOCK = datetime(2000, 1, 1)

_P = gatt.Characteristic.Properties
_CCCD = gatt.GATT_CLIENT_CHARACTERISTIC_CONFIGURATION_DESCRIPTOR


@dataclass(frozen=True, slots=True)
class LabOptions:
    """Behaviour of one virtual device.

    Attributes:
        require_encryption: measurement, control point and their CCCDs need an encrypted link
            (ATT "Insufficient Encryption" until the workstation pairs).
        passkey: six-digit passkey the device "displays" (passkey-entry pairing); None pairs
            with "just works".
        in_pairing_mode: False keeps the device silent (no advertising), as a meter that was
            not put in pairing/transfer mode.
        clock_set: False starts the device clock at :data:`FACTORY_CLOCK` until a Current Time
            write; True starts it at the real time plus ``clock_offset_s``.
        clock_offset_s: device clock minus real time, in seconds, when ``clock_set``.
        clock_drift_ppm: extra drift of the device clock (parts per million of elapsed time).
        device_tz: zone of the device's wall clock.
        manufacturer, model_number, serial_number, firmware_revision, system_id: Device
            Information values (system id is the 8-octet EUI-64).
        udi: UDI for Medical Devices (0x2BFF) in Device Information, when set.
    """

    require_encryption: bool = False
    passkey: int | None = None
    in_pairing_mode: bool = True
    clock_set: bool = True
    clock_offset_s: float = 0.0
    clock_drift_ppm: float = 0.0
    device_tz: tzinfo = UTC
    manufacturer: str = "Telemed Lab"
    model_number: str = "LAB-1"
    serial_number: str = "SN000001"
    firmware_revision: str = "1.0.0"
    system_id: bytes = bytes.fromhex("0011223344556677")
    udi: Udi | None = None


class _PeripheralDelegate(pairing.PairingDelegate):
    def __init__(self, passkey: int | None) -> None:
        super().__init__(
            io_capability=(
                pairing.PairingDelegate.IoCapability.DISPLAY_OUTPUT_ONLY
                if passkey is not None
                else pairing.PairingDelegate.IoCapability.NO_OUTPUT_NO_INPUT
            )
        )
        self._passkey = passkey

    async def generate_passkey(self) -> int:
        return self._passkey if self._passkey is not None else 0

    async def display_number(self, number: int, digits: int = 6) -> None:
        return None


class VirtualDevice:
    """Base of the virtual devices: stack, Device Information, Current Time, advertising.

    Subclasses add their profile service in :meth:`_profile_services` and measurement
    methods that call :meth:`send`.
    """

    SERVICE_UUID16: int = 0
    EXTRA_SERVICE_UUID16S: tuple[int, ...] = ()
    #: Service data advertised with SERVICE_UUID16 (advertisement-only devices).
    service_data: bytes | None = None
    DEFAULT_NAME = "LAB-DEVICE"
    #: The profile service's characteristics: (16-bit UUID, properties, static read value).
    CHARACTERISTICS: tuple[tuple[int, gatt.Characteristic.Properties, bytes], ...] = ()

    def __init__(
        self,
        radio: VirtualRadio,
        *,
        name: str | None = None,
        options: LabOptions | None = None,
        address: str | None = None,
    ) -> None:
        self.radio = radio
        self.name = name or self.DEFAULT_NAME
        self.options = options or self.default_options()
        self.address = address or radio.next_address()
        self.device: Device = new_stack(radio.link, name=self.name, address=self.address)
        self.device.pairing_config_factory = lambda _c: pairing.PairingConfig(
            sc=True,
            mitm=self.options.passkey is not None,
            bonding=True,
            delegate=_PeripheralDelegate(self.options.passkey),
        )
        self._clock_base_real = time.monotonic()
        self._clock_base_device = self._initial_clock()
        self.clock_was_set = self.options.clock_set
        self.current_time_writes = 0
        self._chars: dict[int, gatt.Characteristic[bytes]] = {}
        self.device.add_services([self._device_information(), self._current_time()])
        self.device.add_services(self._profile_services())
        radio.peripherals.append(self)
        self._started = False
        self._setup()

    def _setup(self) -> None:
        """Per-model state, once the GATT database exists (subclasses override)."""

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> VirtualDevice:
        """Power on and, in pairing mode, advertise (restarting after each disconnection)."""
        await self.device.power_on()
        self._started = True
        if self.options.in_pairing_mode:
            await self.start_advertising()
        return self

    async def start_advertising(self) -> None:
        uuids = b"".join(
            u.to_bytes(2, "little") for u in (self.SERVICE_UUID16, *self.EXTRA_SERVICE_UUID16S)
        )
        structures = [
            (AdvertisingData.FLAGS, bytes([0x06])),
            (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode()),
            (AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, uuids),
        ]
        if self.service_data is not None:
            structures.append(
                (
                    AdvertisingData.SERVICE_DATA_16_BIT_UUID,
                    self.SERVICE_UUID16.to_bytes(2, "little") + self.service_data,
                )
            )
        data = bytes(AdvertisingData(structures))
        await self.device.start_advertising(
            advertising_data=data,
            auto_restart=True,
            advertising_interval_min=20,
            advertising_interval_max=20,
        )

    async def stop_advertising(self) -> None:
        await self.device.stop_advertising()

    async def stop(self) -> None:
        """Drop every link and stop advertising."""
        if not self._started:
            return
        try:
            await self.device.stop_advertising()
        except Exception as exc:  # not advertising
            _log.debug("lab stop_advertising: %s", type(exc).__name__)
        await self.drop_links()

    async def drop_links(self) -> None:
        """Disconnect every connected central (the device "walks away")."""
        for connection in list(self.device.connections.values()):
            try:
                await asyncio.wait_for(connection.disconnect(), 2.0)
            except Exception as exc:  # already gone
                _log.debug("lab drop_links: %s", type(exc).__name__)

    async def forget_bonds(self) -> None:
        """Forget every bond (a reset device, or one paired to another phone)."""
        if self.device.keystore is not None:
            await self.device.keystore.delete_all()

    @property
    def connections(self) -> list[Connection]:
        return list(self.device.connections.values())

    # ----------------------------------------------------------------- clock

    def _initial_clock(self) -> datetime:
        if self.options.clock_set:
            now = datetime.now(self.options.device_tz).replace(tzinfo=None)
            return now + timedelta(seconds=self.options.clock_offset_s)
        return FACTORY_CLOCK

    def device_now(self) -> datetime:
        """The device's wall clock (naive, in ``options.device_tz``)."""
        elapsed = time.monotonic() - self._clock_base_real
        drift = elapsed * self.options.clock_drift_ppm / 1e6
        return self._clock_base_device + timedelta(seconds=elapsed + drift)

    def device_timestamp(self) -> GattDateTime:
        return GattDateTime.from_datetime(self.device_now())

    def _read_current_time(self, _connection: Connection | None) -> bytes:
        now = self.device_now()
        return encode_current_time(CurrentTime.from_datetime(now))

    def _write_current_time(self, _connection: Connection | None, value: bytes) -> None:
        try:
            written = parse_current_time(bytes(value))
        except MalformedPayload as exc:
            raise att.ATT_Error(att.ATT_INVALID_ATTRIBUTE_LENGTH_ERROR) from exc
        base = written.date_time
        when = datetime(base.year, base.month, base.day, base.hours, base.minutes, base.seconds)
        self._clock_base_real = time.monotonic()
        self._clock_base_device = when + timedelta(microseconds=written.fractions256 * 1e6 / 256)
        self.clock_was_set = True
        self.current_time_writes += 1

    # ----------------------------------------------------------------- GATT

    def _permissions(self, *, read: bool = False, write: bool = False) -> att.Attribute.Permissions:
        perms = att.Attribute.Permissions(0)
        if read:
            perms |= att.Attribute.READABLE
            if self.options.require_encryption:
                perms |= att.Attribute.READ_REQUIRES_ENCRYPTION
        if write:
            perms |= att.Attribute.WRITEABLE
            if self.options.require_encryption:
                perms |= att.Attribute.WRITE_REQUIRES_ENCRYPTION
        return perms

    def _char(
        self,
        uuid16: int,
        properties: gatt.Characteristic.Properties,
        *,
        value: bytes | gatt.CharacteristicValue[bytes] = b"",
        protected: bool = True,
    ) -> gatt.Characteristic[bytes]:
        """A characteristic; ``protected`` ones obey ``require_encryption`` (value and CCCD)."""
        read = bool(properties & _P.READ)
        write = bool(properties & (_P.WRITE | _P.WRITE_WITHOUT_RESPONSE))
        if protected:
            perms = self._permissions(read=read, write=write)
        else:
            perms = att.Attribute.Permissions(0)
            if read:
                perms |= att.Attribute.READABLE
            if write:
                perms |= att.Attribute.WRITEABLE
        characteristic: gatt.Characteristic[bytes] = gatt.Characteristic(
            f"{uuid16:04X}", properties, perms, value
        )
        if protected and properties & (_P.NOTIFY | _P.INDICATE):
            # A CCCD of our own so that enabling indications also needs encryption (GLS 1.0
            # section 2: the Glucose CCCDs require an encrypted link when bonded).
            characteristic.descriptors = [
                gatt.Descriptor(
                    _CCCD,
                    self._permissions(read=True, write=True),
                    self.device.gatt_server.make_descriptor_value(characteristic),
                )
            ]
        self._chars[uuid16] = characteristic
        return characteristic

    def _device_information(self) -> gatt.Service:
        o = self.options
        values = (
            (0x2A29, o.manufacturer.encode()),
            (0x2A24, o.model_number.encode()),
            (0x2A25, o.serial_number.encode()),
            (0x2A26, o.firmware_revision.encode()),
            (0x2A23, o.system_id),
        ) + (((0x2BFF, encode_udi(o.udi)),) if o.udi is not None else ())
        return gatt.Service(
            "180A",
            [self._char(u, _P.READ, value=v, protected=False) for u, v in values],
        )

    def _current_time(self) -> gatt.Service:
        value = gatt.CharacteristicValue(
            read=self._read_current_time, write=self._write_current_time
        )
        return gatt.Service(
            "1805",
            [self._char(0x2A2B, _P.READ | _P.WRITE | _P.NOTIFY, value=value, protected=False)],
        )

    @classmethod
    def default_options(cls) -> LabOptions:
        """Options when none are given (subclasses model their typical device)."""
        return LabOptions()

    def _profile_services(self) -> list[gatt.Service]:
        return [
            gatt.Service(
                f"{self.SERVICE_UUID16:04X}",
                [self._char(u, props, value=value) for u, props, value in self.CHARACTERISTICS],
            )
        ]

    def characteristic(self, uuid16: int) -> gatt.Characteristic[bytes]:
        return self._chars[uuid16]

    async def send(self, uuid16: int, payload: bytes) -> int:
        """Indicate (or notify, per the characteristic's properties) ``payload`` to every
        subscribed central; returns how many received it. Indications wait for the ATT
        confirmation."""
        characteristic = self._chars[uuid16]
        sent = 0
        for connection in self.connections:
            cccd = self.device.gatt_server.subscribers.get(connection, {}).get(
                characteristic.handle
            )
            if not cccd:
                continue
            if cccd[0] & 0x02:
                await self.device.indicate_subscriber(
                    connection, characteristic, payload, force=True
                )
            elif cccd[0] & 0x01:
                await self.device.notify_subscriber(connection, characteristic, payload, force=True)
            else:
                continue
            sent += 1
        return sent

    async def wait_subscribed(self, uuid16: int | None = None, *, timeout_s: float = 5.0) -> None:
        """Wait until some central enabled notifications/indications on ``uuid16`` (None:
        on any characteristic of the device)."""
        handles = (
            {self._chars[uuid16].handle}
            if uuid16 is not None
            else {c.handle for u, c in self._chars.items() if u != 0x2A2B}
        )
        deadline = time.monotonic() + timeout_s
        while True:
            for connection in self.connections:
                cccds = self.device.gatt_server.subscribers.get(connection, {})
                if any(cccds.get(h, b"\x00")[0] & 0x03 for h in handles):
                    return
            if time.monotonic() > deadline:
                raise TimeoutError("nobody subscribed")
            await asyncio.sleep(0.005)

    async def wait_disconnected(self, *, timeout_s: float = 2.0) -> None:
        """Wait until no central is connected (the peripheral side learns it a moment after
        the central's disconnect returns)."""
        deadline = time.monotonic() + timeout_s
        while self.connections:
            if time.monotonic() > deadline:
                raise TimeoutError("still connected")
            await asyncio.sleep(0.005)

    async def inject(self, uuid16: int, garbage: bytes) -> int:
        """Send arbitrary bytes on a measurement characteristic (a broken or hostile device)."""
        return await self.send(uuid16, garbage)


def _now() -> datetime:
    return datetime.now(UTC)


class BloodPressureMonitor(VirtualDevice):
    """Blood Pressure Service: 0x2A35 (indicate), 0x2A36 (notify), 0x2A49 feature.

    By default its clock is unset (``clock_set=False``): measurements are time-stamped from
    2000-01-01 until the workstation writes Current Time, as with the A&D/Omron monitors.
    """

    SERVICE_UUID16 = 0x1810
    DEFAULT_NAME = "LAB-BPM"
    CHARACTERISTICS = (
        (0x2A35, _P.INDICATE, b""),
        (0x2A36, _P.NOTIFY, b""),
        (0x2A49, _P.READ, (0x0005).to_bytes(2, "little")),
    )

    @classmethod
    def default_options(cls) -> LabOptions:
        return LabOptions(clock_set=False)

    def _setup(self) -> None:
        #: Readings taken while no workstation was connected; sent as a burst of
        #: indications as soon as one enables them (Omron "BLEsmart" behaviour).
        self.unsent: list[bytes] = []
        #: Drop the link right after the burst (A&D UA-651BLE behaviour).
        self.disconnect_after_transfer = False
        self._batch_tasks: set[asyncio.Task[None]] = set()
        self._chars[0x2A35].on(gatt.Characteristic.EVENT_SUBSCRIPTION, self._on_subscription)

    def store_reading(
        self,
        *,
        systolic: Measurement,
        diastolic: Measurement,
        mean_arterial: Measurement,
        pulse_rate_bpm: Measurement | None,
        when: datetime,
    ) -> None:
        """Keep a reading taken at device time ``when`` for the next connection."""
        self.unsent.append(
            encode_blood_pressure_measurement(
                BloodPressureMeasurement(
                    unit=PressureUnit.MMHG,
                    systolic=systolic,
                    diastolic=diastolic,
                    mean_arterial=mean_arterial,
                    timestamp=GattDateTime.from_datetime(when),
                    pulse_rate_bpm=pulse_rate_bpm,
                    user_id=1,
                    status=0,
                    received_at=_now(),
                )
            )
        )

    def _on_subscription(self, _bearer: object, _notify: bool, indicate: bool) -> None:
        if indicate and self.unsent:
            task = asyncio.get_running_loop().create_task(self._send_unsent())
            self._batch_tasks.add(task)
            task.add_done_callback(self._batch_tasks.discard)

    async def _send_unsent(self) -> None:
        await asyncio.sleep(0.05)  # after the CCCD write response
        while self.unsent:
            await self.send(0x2A35, self.unsent.pop(0))
        if self.disconnect_after_transfer:
            await self.drop_links()

    async def measure(
        self,
        *,
        systolic: Measurement,
        diastolic: Measurement,
        mean_arterial: Measurement,
        pulse_rate_bpm: Measurement | None = None,
        unit: PressureUnit = PressureUnit.MMHG,
        cuff_steps: Iterable[int] = (),
        status: int | None = 0,
    ) -> bytes:
        """Inflate (0x2A36 cuff notifications) then indicate the result; returns its bytes."""
        for step in cuff_steps:
            await self.send(
                0x2A36,
                encode_intermediate_cuff_pressure(
                    IntermediateCuffPressure(unit, Decimal(step), None, None, None, None, _now())
                ),
            )
        payload = encode_blood_pressure_measurement(
            BloodPressureMeasurement(
                unit=unit,
                systolic=systolic,
                diastolic=diastolic,
                mean_arterial=mean_arterial,
                timestamp=self.device_timestamp(),
                pulse_rate_bpm=pulse_rate_bpm,
                user_id=1,
                status=status,
                received_at=_now(),
            )
        )
        await self.send(0x2A35, payload)
        if self.disconnect_after_transfer:
            await self.drop_links()
        return payload


class PulseOximeter(VirtualDevice):
    """Pulse Oximeter Service: 0x2A5E spot-check (indicate), 0x2A5F continuous (notify),
    0x2A60 features."""

    SERVICE_UUID16 = 0x1822
    DEFAULT_NAME = "LAB-PLX"
    CHARACTERISTICS = (
        (0x2A5E, _P.INDICATE, b""),
        (0x2A5F, _P.NOTIFY, b""),
        (0x2A60, _P.READ, (0).to_bytes(2, "little")),
    )

    async def spot_check(self, *, spo2_pct: Measurement, pulse_rate_bpm: Measurement) -> bytes:
        payload = encode_plx_spot_check(
            PlxSpotCheckMeasurement(
                spo2_pct=spo2_pct,
                pulse_rate_bpm=pulse_rate_bpm,
                timestamp=self.device_timestamp(),
                measurement_status=None,
                device_sensor_status=None,
                pulse_amplitude_index_pct=None,
                device_clock_not_set=not self.clock_was_set,
                received_at=_now(),
            )
        )
        await self.send(0x2A5E, payload)
        return payload

    async def stream(
        self, samples: Iterable[tuple[Measurement, Measurement]], *, interval_s: float = 0.0
    ) -> int:
        """Notify one continuous measurement per ``(spo2_pct, pulse_rate_bpm)``."""
        count = 0
        for spo2, pulse in samples:
            await self.send(
                0x2A5F,
                encode_plx_continuous(
                    PlxContinuousMeasurement(
                        spo2, pulse, None, None, None, None, None, None, None, _now()
                    )
                ),
            )
            count += 1
            await asyncio.sleep(interval_s)
        return count


class Thermometer(VirtualDevice):
    """Health Thermometer Service: 0x2A1C (indicate), 0x2A1D temperature type."""

    SERVICE_UUID16 = 0x1809
    DEFAULT_NAME = "LAB-THERMO"
    CHARACTERISTICS = (
        (0x2A1C, _P.INDICATE, b""),
        (0x2A1D, _P.READ, bytes([TemperatureType.EAR])),
    )

    async def measure(
        self, *, temperature: Measurement, unit: TemperatureUnit = TemperatureUnit.CELSIUS
    ) -> bytes:
        payload = encode_temperature_measurement(
            TemperatureMeasurement(
                unit, temperature, self.device_timestamp(), TemperatureType.EAR, _now()
            )
        )
        await self.send(0x2A1C, payload)
        return payload


class WeightScale(VirtualDevice):
    """Weight Scale Service: 0x2A9D (indicate), 0x2A9E feature."""

    SERVICE_UUID16 = 0x181D
    DEFAULT_NAME = "LAB-SCALE"
    CHARACTERISTICS = (
        (0x2A9D, _P.INDICATE, b""),
        (0x2A9E, _P.READ, (0x0000000E).to_bytes(4, "little")),
    )

    async def measure(self, *, weight: Decimal | None, unit: WeightUnit = WeightUnit.KG) -> bytes:
        payload = encode_weight_measurement(
            WeightMeasurement(
                unit=unit,
                weight=weight,
                measurement_unsuccessful=weight is None,
                timestamp=self.device_timestamp(),
                user_id=None,
                bmi_kg_m2=None,
                height=None,
                height_unit=HeightUnit.M if unit is WeightUnit.KG else HeightUnit.IN,
                received_at=_now(),
            )
        )
        await self.send(0x2A9D, payload)
        return payload


class HeartRateMonitor(VirtualDevice):
    """Heart Rate Service: 0x2A37 (notify)."""

    SERVICE_UUID16 = 0x180D
    DEFAULT_NAME = "LAB-HR"
    CHARACTERISTICS = (
        (0x2A37, _P.NOTIFY, b""),
        (0x2A38, _P.READ, b"\x01"),
    )

    async def beat(self, heart_rate_bpm: int) -> bytes:
        payload = encode_heart_rate_measurement(
            HeartRateMeasurement(heart_rate_bpm, True, None, (), _now())
        )
        await self.send(0x2A37, payload)
        return payload


class MiScale(VirtualDevice):
    """Xiaomi Mi Smart Scale (XMTZC01HM) style: the weight is in the 0x181D service data of
    its advertisements (vendor layout, see ``parse_mi_scale_v1_advertisement``); no GATT
    connection is needed. :meth:`step_on` advertises settling then stable frames."""

    SERVICE_UUID16 = 0x181D
    DEFAULT_NAME = "MI_SCALE"

    async def _advertise(self, payload: bytes) -> None:
        self.service_data = payload
        with contextlib.suppress(Exception):  # not advertising yet
            await self.device.stop_advertising()
        await self.start_advertising()

    async def step_on(self, weight_kg: Decimal, *, settle_frames: int = 2) -> bytes:
        """Advertise ``settle_frames`` unstable frames, then the stable weight; returns it."""
        stamp = encode_date_time(self.device_timestamp())
        raw = scaled(weight_kg, Decimal("0.005"), "weight").to_bytes(2, "little")
        for step in range(settle_frames):
            wobble = scaled(
                weight_kg + Decimal("0.5") * (settle_frames - step), Decimal("0.005"), "w"
            )
            await self._advertise(b"\x82" + wobble.to_bytes(2, "little") + stamp)
            await asyncio.sleep(0.05)
        stable = b"\x02" + raw + stamp
        await self._advertise(stable)
        return stable


class GlucoseMeter(VirtualDevice):
    """Glucose Service with stored records: 0x2A18/0x2A34 (notify), 0x2A51 feature,
    0x2A52 Record Access Control Point (write + indicate).

    By default it requires pairing with passkey 123456 (``LabOptions(require_encryption=True,
    passkey=123456)``), as the Roche/Ascensia meters. ``drop_link_after`` makes the next RACP
    transfer disconnect after that many records (once).
    """

    SERVICE_UUID16 = 0x1808
    DEFAULT_NAME = "meter+00001"

    @classmethod
    def default_options(cls) -> LabOptions:
        return LabOptions(require_encryption=True, passkey=123456)

    def _setup(self) -> None:
        self.records: list[GlucoseMeasurement] = []
        self.contexts: dict[int, GlucoseMeasurementContext] = {}
        self.drop_link_after: int | None = None
        #: False: only "all records" is implemented (answers Operator Not Supported otherwise).
        self.supports_filters = True
        self.record_interval_s = 0.0
        self.requests: list[RacpRequest] = []
        self._transfer: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    def _profile_services(self) -> list[gatt.Service]:
        racp = gatt.CharacteristicValue(write=self._on_racp_write)
        return [
            gatt.Service(
                "1808",
                [
                    self._char(0x2A18, _P.NOTIFY),
                    self._char(0x2A34, _P.NOTIFY),
                    self._char(0x2A51, _P.READ, value=(0x0400).to_bytes(2, "little")),
                    self._char(0x2A52, _P.WRITE | _P.INDICATE, value=racp),
                ],
            )
        ]

    def add_records(
        self,
        concentrations_mg_dl: Iterable[Decimal],
        *,
        start: datetime | None = None,
        every: timedelta = timedelta(hours=4),
        meal: int | None = None,
    ) -> None:
        """Store records (sequence numbers continue from the last one), time-stamped by the
        device clock from ``start`` (default: now minus ``every`` per record). ``meal`` (GLS
        1 preprandial .. 5 bedtime) adds a Glucose Measurement Context to each record."""
        values = list(concentrations_mg_dl)
        when = start or (self.device_now() - every * len(values))
        seq = self.records[-1].sequence_number + 1 if self.records else 1
        for value in values:
            self.records.append(
                GlucoseMeasurement(
                    sequence_number=seq & 0xFFFF,
                    base_time=GattDateTime.from_datetime(when),
                    time_offset_min=0,
                    # mg/dL -> kg/L keeping the stated digits (100 -> 100E-5).
                    concentration=value.scaleb(-5),
                    unit=GlucoseUnit.KG_PER_L,
                    sample_type=1,
                    sample_location=1,
                    sensor_status=None,
                    context_follows=meal is not None,
                    received_at=_now(),
                )
            )
            if meal is not None:
                self.contexts[seq & 0xFFFF] = GlucoseMeasurementContext(
                    seq & 0xFFFF,
                    None,
                    None,
                    None,
                    meal,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    _now(),
                )
            seq += 1
            when += every

    def _on_racp_write(self, _connection: Connection | None, value: bytes) -> None:
        try:
            request = parse_racp_request(bytes(value))
        except MalformedPayload:
            # GLS: a malformed request gets a Response Code, not an ATT error.
            opcode = value[0] if value else 0
            self._spawn(self._respond(RacpResponse(opcode, RacpResponseCode.INVALID_OPERATOR)))
            return
        self.requests.append(request)
        if request.opcode is RacpOpCode.ABORT_OPERATION:
            if self._transfer is not None:
                self._transfer.cancel()
            self._spawn(self._respond(RacpResponse(request.opcode, RacpResponseCode.SUCCESS)))
            return
        if self._transfer is not None and not self._transfer.done():
            raise att.ATT_Error(0xFE)  # Procedure Already In Progress (CSS Part B 1.2)
        self._transfer = asyncio.get_running_loop().create_task(self._serve(request))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _select(self, request: RacpRequest) -> list[GlucoseMeasurement] | None:
        if request.operator is not RacpOperator.ALL_RECORDS and not self.supports_filters:
            return None
        if request.operator is RacpOperator.ALL_RECORDS:
            return list(self.records)
        if request.operator is RacpOperator.LAST_RECORD:
            return self.records[-1:]
        if request.operator is RacpOperator.FIRST_RECORD:
            return self.records[:1]
        if request.filter_type is None or not all(isinstance(v, int) for v in request.values):
            return None
        bounds = [int(v) for v in request.values if isinstance(v, int)]
        if request.operator is RacpOperator.GREATER_THAN_OR_EQUAL:
            return [r for r in self.records if r.sequence_number >= bounds[0]]
        if request.operator is RacpOperator.LESS_THAN_OR_EQUAL:
            return [r for r in self.records if r.sequence_number <= bounds[0]]
        if request.operator is RacpOperator.WITHIN_RANGE:
            return [r for r in self.records if bounds[0] <= r.sequence_number <= bounds[1]]
        return None

    async def _respond(self, response: RacpResponse | RacpNumberOfRecords) -> None:
        await asyncio.sleep(0)  # after the ATT Write Response
        await self.send(0x2A52, encode_racp_response(response))

    async def _serve(self, request: RacpRequest) -> None:
        await asyncio.sleep(0)
        selected = self._select(request)
        if selected is None:
            await self._respond(
                RacpResponse(request.opcode, RacpResponseCode.OPERAND_NOT_SUPPORTED)
            )
            return
        if request.opcode is RacpOpCode.REPORT_NUMBER_OF_RECORDS:
            await self._respond(RacpNumberOfRecords(len(selected)))
            return
        if request.opcode is RacpOpCode.DELETE_STORED_RECORDS:
            doomed = {r.sequence_number for r in selected}
            self.records = [r for r in self.records if r.sequence_number not in doomed]
            await self._respond(RacpResponse(request.opcode, RacpResponseCode.SUCCESS))
            return
        if not selected:
            await self._respond(RacpResponse(request.opcode, RacpResponseCode.NO_RECORDS_FOUND))
            return
        for index, record in enumerate(selected):
            if self.drop_link_after is not None and index == self.drop_link_after:
                self.drop_link_after = None
                await self.drop_links()
                return
            await self.send(0x2A18, encode_glucose_measurement(replace(record, received_at=_now())))
            context = self.contexts.get(record.sequence_number)
            if record.context_follows and context is not None:
                await self.send(0x2A34, encode_glucose_measurement_context(context))
            if self.record_interval_s:
                await asyncio.sleep(self.record_interval_s)
        await self._respond(RacpResponse(request.opcode, RacpResponseCode.SUCCESS))
