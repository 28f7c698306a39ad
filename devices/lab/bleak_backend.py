"""A bleak backend over the bumble virtual radio, so application code uses plain bleak.

``BleakScanner(backend=Scanner)`` and ``BleakClient(device, backend=Client)`` with the classes
from :func:`bound_backends` behave like bleak's BlueZ backend against the virtual devices:
advertisements become :class:`~bleak.backends.scanner.AdvertisementData`, GATT discovery fills
a :class:`~bleak.backends.service.BleakGATTServiceCollection`, ATT errors become
:class:`~bleak.exc.BleakGATTProtocolError`, a switched-off adapter raises
:class:`~bleak.exc.BleakBluetoothNotAvailableError`. As with BlueZ, nothing pairs by itself:
``pair()`` must be called explicitly. ``pair(prompter=...)`` takes a
:class:`devices.prompter.DevicePrompter` for passkey entry/numeric comparison (the BlueZ
backend ignores the argument; there the desktop's agent asks).

Written against bleak 3.1 (``bleak/backends/client.py``, ``scanner.py``). Thread affinity:
the loop that owns the radio.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from bleak.args import SizedBuffer
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDeviceNotFoundError,
    BleakError,
    BleakGATTProtocolError,
)
from bumble import att, hci
from bumble.core import UUID as BumbleUUID
from bumble.core import TimeoutError as BumbleTimeoutError
from bumble.device import Advertisement, Connection, Peer
from bumble.gatt import Characteristic
from bumble.gatt_client import CharacteristicProxy

from devices.lab.radio import LabAdapter

__all__ = ["BOND_LOST_MESSAGE", "LabBleakClient", "LabBleakScanner", "bound_backends"]

_log = logging.getLogger(__name__)

#: Text of the error raised when the device rejects the workstation's stored keys
#: (HCI "PIN or Key Missing" on encryption), matched by ``devices.transport``.
BOND_LOST_MESSAGE = "Authentication failed: PIN or key missing"

_PROPS: tuple[tuple[Characteristic.Properties, str], ...] = (
    (Characteristic.Properties.BROADCAST, "broadcast"),
    (Characteristic.Properties.READ, "read"),
    (Characteristic.Properties.WRITE_WITHOUT_RESPONSE, "write-without-response"),
    (Characteristic.Properties.WRITE, "write"),
    (Characteristic.Properties.NOTIFY, "notify"),
    (Characteristic.Properties.INDICATE, "indicate"),
    (Characteristic.Properties.AUTHENTICATED_SIGNED_WRITES, "authenticated-signed-writes"),
    (Characteristic.Properties.EXTENDED_PROPERTIES, "extended-properties"),
)


def uuid_str(value: BumbleUUID) -> str:
    """bleak's 128-bit lower-case string of a bumble UUID."""
    return str(uuid.UUID(bytes=bytes(reversed(value.to_bytes(force_128=True)))))


def _bare(address: object) -> str:
    return str(address).removesuffix("/P")


def _uuid16_list(data: bytes) -> list[str]:
    return [
        f"0000{int.from_bytes(data[i : i + 2], 'little'):04x}-0000-1000-8000-00805f9b34fb"
        for i in range(0, len(data) - 1, 2)
    ]


def advertisement_data(adv: Advertisement) -> AdvertisementData:
    """Translate a bumble advertisement report into bleak's :class:`AdvertisementData`."""
    name: str | None = None
    services: list[str] = []
    service_data: dict[str, bytes] = {}
    manufacturer: dict[int, bytes] = {}
    tx_power: int | None = None
    for ad_type, raw in adv.data.ad_structures:
        if ad_type in (0x08, 0x09):
            name = raw.decode("utf-8", "replace")
        elif ad_type in (0x02, 0x03):
            services += _uuid16_list(raw)
        elif ad_type in (0x06, 0x07):
            for i in range(0, len(raw) - 15, 16):
                services.append(str(uuid.UUID(bytes=bytes(reversed(raw[i : i + 16])))))
        elif ad_type == 0x16 and len(raw) >= 2:
            service_data[_uuid16_list(raw[:2])[0]] = bytes(raw[2:])
        elif ad_type == 0xFF and len(raw) >= 2:
            manufacturer[int.from_bytes(raw[:2], "little")] = bytes(raw[2:])
        elif ad_type == 0x0A and raw:
            tx_power = int.from_bytes(raw[:1], "little", signed=True)
    return AdvertisementData(
        local_name=name,
        manufacturer_data=manufacturer,
        service_data=service_data,
        service_uuids=list(dict.fromkeys(services)),
        tx_power=tx_power,
        rssi=adv.rssi,
        platform_data=(adv,),
    )


def _gatt_error(exc: att.ATT_Error) -> BleakGATTProtocolError:
    return BleakGATTProtocolError(int(exc.error_code))


class LabBleakScanner(BaseBleakScanner):
    """Scanner over the :class:`LabAdapter` (subclassed per radio by :func:`bound_backends`)."""

    adapter: LabAdapter

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: Literal["active", "passive"] = "active",
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._token = object()

    async def start(self) -> None:
        if not self.adapter.powered:
            raise BleakBluetoothNotAvailableError(
                "Bluetooth adapter is powered off", BleakBluetoothNotAvailableReason.POWERED_OFF
            )
        self.seen_devices = {}
        await self.adapter.add_scanner(self._token, self._on_advertisement)

    async def stop(self) -> None:
        await self.adapter.remove_scanner(self._token)

    def _on_advertisement(self, adv: Advertisement) -> None:
        data = advertisement_data(adv)
        address = _bare(adv.address)
        if data.local_name:
            self.adapter.names[address] = data.local_name
        if not self.is_allowed_uuid(data.service_uuids):
            return
        device = self.create_or_update_device(address, address, data.local_name, None, data)
        self.call_detection_callbacks(device, data)


class LabBleakClient(BaseBleakClient):
    """Client over the :class:`LabAdapter` (subclassed per radio by :func:`bound_backends`)."""

    adapter: LabAdapter

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None,
        timeout: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        self._name = (
            address_or_ble_device.name
            if isinstance(address_or_ble_device, BLEDevice) and address_or_ble_device.name
            else self.address
        )
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._subscriptions: dict[int, Callable[[bytes], None]] = {}
        self._closing = False
        self._gone = asyncio.Event()

    @property
    def name(self) -> str:
        return self._name

    @property
    def mtu_size(self) -> int:
        return self._peer.gatt_client.mtu if self._peer is not None else 23

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        if not self.adapter.powered:
            raise BleakBluetoothNotAvailableError(
                "Bluetooth adapter is powered off", BleakBluetoothNotAvailableReason.POWERED_OFF
            )
        try:
            connection = await self.adapter.connect(self.address, timeout_s=self._timeout)
        except (TimeoutError, BumbleTimeoutError, hci.HCI_Error) as exc:
            raise BleakDeviceNotFoundError(self.address, f"connect failed: {exc!r}") from exc
        self._connection = connection
        self._closing = False
        self._gone = asyncio.Event()
        connection.on(connection.EVENT_DISCONNECTION, self._on_disconnection)
        peer = Peer(connection)
        self._peer = peer
        try:
            if pair:
                await self.pair(**kwargs)
            self.services = await self._att(self._discover(peer))
        except BaseException:
            await self.disconnect()
            raise

    async def _discover(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        await peer.discover_services()
        for service_proxy in peer.services:
            await service_proxy.discover_characteristics()
            service = BleakGATTService(
                service_proxy, service_proxy.handle, uuid_str(service_proxy.uuid)
            )
            collection.add_service(service)
            for char_proxy in service_proxy.characteristics:
                await char_proxy.discover_descriptors()
                props = [name for bit, name in _PROPS if char_proxy.properties & bit]
                characteristic = BleakGATTCharacteristic(
                    char_proxy,
                    char_proxy.handle,
                    uuid_str(char_proxy.uuid),
                    props,  # type: ignore[arg-type]
                    lambda: self.mtu_size - 3,
                    service,
                )
                collection.add_characteristic(characteristic)
                for desc_proxy in char_proxy.descriptors:
                    collection.add_descriptor(
                        BleakGATTDescriptor(
                            desc_proxy, desc_proxy.handle, uuid_str(desc_proxy.type), characteristic
                        )
                    )
        return collection

    def _on_disconnection(self, reason: int) -> None:
        self._gone.set()
        self._connection = None
        self._peer = None
        self._subscriptions.clear()
        if not self._closing and self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is None:
            return
        self._closing = True
        try:
            await asyncio.wait_for(connection.disconnect(), self._timeout)
        except (TimeoutError, hci.HCI_Error) as exc:
            _log.debug("lab disconnect: %s", type(exc).__name__)
        self._connection = None
        self._peer = None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        connection = self._require()
        self.adapter.set_prompter(connection, kwargs.get("prompter"))
        if connection.encryption:
            return
        try:
            if await self.adapter.bond_for(connection):
                # Bonded before: re-encrypt with the stored key, as BlueZ does on reconnect.
                await connection.encrypt()
            else:
                await connection.pair()
        except hci.HCI_Error as exc:
            if exc.error_code == hci.HCI_PIN_OR_KEY_MISSING_ERROR:
                raise BleakError(BOND_LOST_MESSAGE) from exc
            raise BleakError(f"Authentication failed: {exc.error_name}") from exc
        except Exception as exc:  # bumble raises its own protocol errors on SMP failure
            if self._connection is None:
                raise BleakError("Not connected") from exc
            raise BleakError(f"Authentication failed: {type(exc).__name__}") from exc

    async def unpair(self) -> None:
        await self.adapter.forget(self.address)
        await self.disconnect()

    def _require(self) -> Connection:
        if self._connection is None:
            raise BleakError("Not connected")
        return self._connection

    def _proxy(self, characteristic: BleakGATTCharacteristic) -> CharacteristicProxy[bytes]:
        self._require()
        proxy: CharacteristicProxy[bytes] = characteristic.obj
        return proxy

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        proxy = self._proxy(characteristic)
        try:
            value = await self._att(proxy.read_value())
        except att.ATT_Error as exc:
            raise _gatt_error(exc) from exc
        except TimeoutError as exc:
            raise self._lost_or(exc) from exc
        return bytearray(value)

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        self._require()
        try:
            value = await self._att(descriptor.obj.read_value())
        except att.ATT_Error as exc:
            raise _gatt_error(exc) from exc
        return bytearray(value)

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        proxy = self._proxy(characteristic)
        try:
            await self._att(proxy.write_value(bytes(data), with_response=response))
        except att.ATT_Error as exc:
            raise _gatt_error(exc) from exc
        except TimeoutError as exc:
            raise self._lost_or(exc) from exc

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        self._require()
        try:
            await self._att(descriptor.obj.write_value(bytes(data), with_response=True))
        except att.ATT_Error as exc:
            raise _gatt_error(exc) from exc

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        proxy = self._proxy(characteristic)

        def deliver(value: bytes) -> None:
            callback(bytearray(value))

        self._subscriptions[characteristic.handle] = deliver
        # Prefer notifications when both are offered (bleak's documented behaviour).
        try:
            await self._att(proxy.subscribe(deliver, prefer_notify=True))
        except att.ATT_Error as exc:
            # bumble registers the subscriber before writing the CCCD: undo it.
            self._subscriptions.pop(characteristic.handle, None)
            client = proxy.client
            for table in (client.notification_subscribers, client.indication_subscribers):
                table.pop(characteristic.handle, None)
            raise _gatt_error(exc) from exc

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        proxy = self._proxy(characteristic)
        deliver = self._subscriptions.pop(characteristic.handle, None)
        try:
            await self._att(proxy.unsubscribe(deliver))
        except att.ATT_Error as exc:
            raise _gatt_error(exc) from exc

    async def _att[T](self, operation: Awaitable[T]) -> T:
        """An ATT procedure bounded by the timeout and cut short by a disconnection (as
        BlueZ fails pending requests when the link drops, instead of waiting them out)."""
        task = asyncio.ensure_future(operation)
        gone = asyncio.ensure_future(self._gone.wait())
        try:
            done, _ = await asyncio.wait(
                {task, gone}, timeout=self._timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            gone.cancel()
        if task in done:
            if task.cancelled():
                # bumble cancels the requests pending on a link that just dropped.
                raise BleakError("Not connected")
            return task.result()
        task.cancel()
        await asyncio.wait({task})
        if not task.cancelled():
            task.exception()
        if self._gone.is_set():
            raise BleakError("Not connected")
        raise TimeoutError("ATT operation timed out")

    def _lost_or(self, exc: BaseException) -> BleakError:
        if self._connection is None:
            return BleakError("Not connected")
        return BleakError(f"ATT operation timed out: {type(exc).__name__}")


def bound_backends(
    adapter: LabAdapter,
) -> tuple[type[LabBleakScanner], type[LabBleakClient]]:
    """Scanner and client classes bound to ``adapter`` (bleak instantiates the class itself,
    so the radio travels as a class attribute)."""
    scanner = type("LabBleakScanner", (LabBleakScanner,), {"adapter": adapter})
    client = type("LabBleakClient", (LabBleakClient,), {"adapter": adapter})
    return scanner, client
