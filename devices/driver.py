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

from collections.abc import AsyncIterator
from datetime import UTC, tzinfo

from devices.errors import ConnectionLost
from devices.prompter import DevicePrompter
from devices.session import DeviceReading, DeviceSession, RejectedPayload
from devices.transport import Advertisement, BleTransport

__all__ = ["MeasurementDriver"]


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
