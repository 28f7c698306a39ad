"""The standard-profile measurement driver: one device, start/stop/readings().

Works for every Bluetooth SIG profile in the registry (blood pressure, pulse oximeter,
thermometer, weight scale, body composition, heart rate, glucose live readings): it opens a
:class:`~devices.session.DeviceSession`, subscribes to the model's measurement
characteristics and yields :class:`~devices.session.DeviceReading` values. Stored-record
download for glucose meters is :class:`devices.glucose.driver.GlucoseDriver`. Proprietary
protocols plug in behind the same start/stop/readings() shape.

Thread affinity: the core loop.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, tzinfo

from devices.errors import ConnectionLost, MalformedPayload, Unsupported
from devices.gatt_time import GattDateTime
from devices.prompter import DevicePrompter
from devices.registry import sig_uuid
from devices.session import BondState, DeviceIdentity, DeviceReading, DeviceSession, RejectedPayload
from devices.transport import Advertisement, BleTransport

__all__ = ["AdvertisementDriver", "MeasurementDriver"]


class MeasurementDriver:
    """Live readings from one device.

    ``readings()`` yields readings and rejected payloads until :meth:`stop` or a link drop
    (then it raises :class:`ConnectionLost`). Several drivers may run at once.
    """

    def __init__(
        self,
        transport: BleTransport,
        advertisement: Advertisement,
        *,
        prompter: DevicePrompter | None = None,
        device_tz: tzinfo = UTC,
        set_clock: bool = True,
    ) -> None:
        self.session = DeviceSession(
            transport,
            advertisement,
            prompter=prompter,
            device_tz=device_tz,
            set_clock=set_clock,
        )
        self._stopped = False

    async def start(self, *, pair: bool | None = None) -> list[str]:
        """Connect, identify, pair if needed, set the clock, subscribe; returns the
        characteristics enabled. Raises ``devices.errors`` types."""
        self._stopped = False
        await self.session.open(pair=pair)
        try:
            return await self.session.subscribe_measurements()
        except BaseException:
            await self.session.close()
            raise

    async def stop(self) -> None:
        """Clean disconnect (unsubscribe first); never raises."""
        self._stopped = True
        await self.session.close()

    async def readings(
        self, *, idle_timeout_s: float = 3600.0
    ) -> AsyncIterator[DeviceReading | RejectedPayload]:
        """Readings as they arrive; ends on :meth:`stop` or ``idle_timeout_s`` of silence."""
        while not self._stopped:
            try:
                yield await self.session.next_event(timeout_s=idle_timeout_s)
            except TimeoutError:
                return
            except ConnectionLost:
                if self._stopped:
                    return
                raise


class AdvertisementDriver:
    """Readings carried in advertisements (no connection, no pairing): e.g. the Xiaomi Mi
    scale's 0x181D service data. Same reading type as the GATT drivers, with bond state
    ``UNBONDED`` and no clock offset (the device clock cannot be read or set).

    Thread affinity: the core loop.
    """

    def __init__(
        self, transport: BleTransport, advertisement: Advertisement, *, device_tz: tzinfo = UTC
    ) -> None:
        descriptor = advertisement.descriptor
        binding = (
            next((b for b in descriptor.characteristics if b.uuid.endswith("-adv")), None)
            if descriptor
            else None
        )
        if descriptor is None or binding is None:
            raise Unsupported("not an advertisement-only device")
        self.transport = transport
        self.advertisement = advertisement
        self.device_tz = device_tz
        self._binding = binding
        self._service = sig_uuid(int(binding.uuid[:4], 16))
        self.identity = DeviceIdentity(
            address=advertisement.address,
            name=advertisement.name,
            model_id=descriptor.model_id,
            display_name=descriptor.display_name,
        )
        self.rejected = 0

    def _decode(self, adv: Advertisement) -> DeviceReading | None:
        data = adv.service_data.get(self._service)
        if data is None:
            return None
        received = datetime.now(UTC)
        try:
            value = self._binding.parser(data, received_at=received)
        except MalformedPayload:
            self.rejected += 1
            return None
        if getattr(value, "stabilized", True) is False:
            return None  # still settling: the scale sends a stable frame when done
        stamp = getattr(value, "timestamp", None)
        measured = stamp.to_datetime(self.device_tz) if isinstance(stamp, GattDateTime) else None
        return DeviceReading(
            identity=self.identity,
            transport=f"{self.transport.backends.transport}-advertisement",
            bond_state=BondState.UNBONDED,
            clock_offset_s=None,
            characteristic=self._binding.uuid,
            value=value,
            received_at_utc=received,
            received_monotonic_ns=time.monotonic_ns(),
            measured_at_utc=measured.astimezone(UTC) if measured else None,
        )

    async def next_reading(self, *, timeout_s: float) -> DeviceReading:
        """The next stable reading the device advertises. Raises ``TimeoutError`` (nothing
        stable in time) or ``devices.errors`` types from the scan."""
        found: list[DeviceReading] = []

        def stable(adv: Advertisement) -> bool:
            if adv.address.upper() != self.advertisement.address.upper():
                return False
            reading = self._decode(adv)
            if reading is not None:
                found.append(reading)
            return bool(found)

        await self.transport.scan(
            service_uuids=[self._service], timeout_s=timeout_s, stop_when=stable
        )
        if not found:
            raise TimeoutError("no stable reading advertised")
        return found[0]
