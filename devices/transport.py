"""The only bleak user: scan, connect with retry/backoff, pair, GATT I/O, typed errors.

Application code never sees bleak's exceptions: every bleak/OS error is translated into the
``devices.errors`` hierarchy (``BluetoothUnavailable``, ``DeviceNotFound``, ``ConnectionLost``,
``PairingRequired``, ``PairingFailed``/``BondLost``). Which bleak backend runs is a
:class:`Backends` value: the platform default (BlueZ on Linux) in production, the virtual
radio's classes (``devices.lab``) in tests and demo mode; the code path is the same.

BlueZ never pairs by itself (DESIGN §5): a characteristic that needs encryption answers
"Insufficient Encryption/Authentication", which becomes :class:`PairingRequired`, and the
driver calls :meth:`GattLink.pair` explicitly.

Retry and reconnect policy lives here only (STYLE §3, as bleak-retry-connector): every wait is
bounded by :class:`ConnectPolicy`. Thread affinity: the core loop.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bleak import BleakClient, BleakScanner
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
    BleakGATTProtocolError,
    BleakGATTProtocolErrorCode,
)

from devices.errors import (
    BluetoothUnavailable,
    BondLost,
    ConnectionLost,
    DeviceError,
    DeviceNotFound,
    PairingFailed,
    PairingRequired,
    Unsupported,
)
from devices.prompter import DevicePrompter
from devices.registry import DeviceDescriptor, find_descriptor, sig_uuid

__all__ = [
    "BOND_LOST_MARKERS",
    "Advertisement",
    "Backends",
    "BleTransport",
    "ConnectPolicy",
    "GattLink",
    "translate_error",
]

_log = logging.getLogger(__name__)

#: Error texts meaning "the device rejected our stored keys" (HCI 0x06 "PIN or Key Missing",
#: BlueZ ``org.bluez.Error.AuthenticationFailed`` on an already-bonded device).
BOND_LOST_MARKERS = ("PIN or key missing", "Key Missing", "KeyMissing")
_PAIRING_MARKERS = (
    "Authentication failed",
    "AuthenticationFailed",
    "AuthenticationCanceled",
    "AuthenticationRejected",
    "AuthenticationTimeout",
)
_NEEDS_PAIRING = {
    BleakGATTProtocolErrorCode.INSUFFICIENT_AUTHENTICATION,
    BleakGATTProtocolErrorCode.INSUFFICIENT_ENCRYPTION,
    BleakGATTProtocolErrorCode.INSUFFICIENT_ENCRYPTION_KEY_SIZE,
    BleakGATTProtocolErrorCode.INSUFFICIENT_AUTHORIZATION,
}


@dataclass(frozen=True, slots=True)
class Backends:
    """Which bleak backend classes to use; None means the platform default.

    ``transport`` names the path in each reading's provenance ("ble" for a real adapter,
    "ble-virtual" for the lab).
    """

    scanner: type[BaseBleakScanner] | None = None
    client: type[BaseBleakClient] | None = None
    transport: str = "ble"

    @property
    def uses_bluez(self) -> bool:
        """True when bleak runs its BlueZ backend (platform default on Linux): pairing then
        needs our own ``org.bluez.Agent1`` (``devices.bluez_agent``)."""
        return self.client is None and sys.platform.startswith("linux")


@dataclass(frozen=True, slots=True)
class ConnectPolicy:
    """Bounds of every wait. Backoff: ``initial * factor**n`` capped at ``max``."""

    attempts: int = 3
    connect_timeout_s: float = 10.0
    operation_timeout_s: float = 10.0
    pairing_timeout_s: float = 60.0
    backoff_initial_s: float = 0.2
    backoff_factor: float = 2.0
    backoff_max_s: float = 2.0

    def backoff_s(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1-based)."""
        return min(
            self.backoff_max_s, self.backoff_initial_s * self.backoff_factor ** (attempt - 1)
        )


@dataclass(frozen=True, slots=True)
class Advertisement:
    """One device seen in a scan. ``ble_device`` is bleak's handle (opaque to callers)."""

    address: str
    name: str | None
    service_uuids: tuple[str, ...]
    rssi: int
    descriptor: DeviceDescriptor | None = field(repr=False)
    ble_device: Any = field(compare=False, repr=False)
    #: Service data by 128-bit service UUID (advertisement-only devices put readings here).
    service_data: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        return self.name or self.address


def translate_error(exc: BaseException, *, doing: str) -> DeviceError:
    """The ``devices.errors`` equivalent of a bleak/OS error raised while ``doing``."""
    if isinstance(exc, DeviceError):
        return exc
    if isinstance(exc, BleakBluetoothNotAvailableError):
        return BluetoothUnavailable(f"{doing}: Bluetooth not available ({exc.reason.name})")
    if isinstance(exc, BleakGATTProtocolError):
        if exc.code in _NEEDS_PAIRING:
            return PairingRequired(f"{doing}: the device requires pairing ({exc.code.name})")
        return Unsupported(f"{doing}: GATT error {exc.code.name}")
    if isinstance(exc, FileNotFoundError | ConnectionRefusedError | PermissionError):
        # No system bus socket / bluetoothd not reachable or not allowed (BlueZ); on other
        # platforms the OS stack refuses the same way.
        return BluetoothUnavailable(f"{doing}: the Bluetooth service is not reachable")
    if isinstance(exc, BleakDeviceNotFoundError):
        return DeviceNotFound(f"{doing}: device not found")
    text = str(exc)
    if isinstance(exc, BleakDBusError):
        text = f"{exc.dbus_error} {exc.dbus_error_details or ''}"
        if exc.dbus_error in (
            "org.bluez.Error.NotReady",
            "org.freedesktop.DBus.Error.ServiceUnknown",
        ):
            return BluetoothUnavailable(f"{doing}: Bluetooth not available")
    if any(m.lower() in text.lower() for m in BOND_LOST_MARKERS):
        return BondLost(f"{doing}: the device no longer accepts this workstation's pairing")
    if any(m.lower() in text.lower() for m in _PAIRING_MARKERS):
        return PairingFailed(f"{doing}: pairing refused")
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return ConnectionLost(f"{doing}: timed out")
    if isinstance(exc, BleakError | OSError | EOFError):
        return ConnectionLost(f"{doing}: {type(exc).__name__}")
    return ConnectionLost(f"{doing}: unexpected {type(exc).__name__}")


class GattLink:
    """One connected device. All methods raise only ``devices.errors`` types.

    ``on_disconnect`` (given to :meth:`BleTransport.connect`) runs on the loop when the link
    drops without :meth:`disconnect` being called.
    """

    def __init__(
        self,
        client: BleakClient,
        advertisement: Advertisement,
        policy: ConnectPolicy,
        *,
        bluez: bool = False,
        custom: bool = False,
    ) -> None:
        self._client = client
        self.advertisement = advertisement
        self._custom = custom
        self._policy = policy
        self._bluez = bluez
        self.bonded = False

    @property
    def address(self) -> str:
        return self.advertisement.address

    @property
    def is_connected(self) -> bool:
        return self._client.is_connected

    @property
    def mtu_size(self) -> int:
        return self._client.mtu_size

    def has(self, uuid: str) -> bool:
        """True if the device exposes characteristic ``uuid`` (16-bit hex or 128-bit)."""
        try:
            return self._client.services.get_characteristic(_full(uuid)) is not None
        except BleakError:
            return False

    def has_service(self, uuid: str) -> bool:
        """True if the device exposes service ``uuid``."""
        try:
            return self._client.services.get_service(_full(uuid)) is not None
        except BleakError:
            return False

    async def _guard[T](self, doing: str, coro: Any, timeout_s: float | None = None) -> T:
        try:
            result: T = await asyncio.wait_for(coro, timeout_s or self._policy.operation_timeout_s)
        except Exception as exc:
            raise translate_error(exc, doing=doing) from exc
        return result

    async def read(self, uuid: str) -> bytes:
        """Read a characteristic. Raises ``PairingRequired``, ``Unsupported``,
        ``ConnectionLost`` (also on timeout)."""
        self._require(uuid)
        data: bytearray = await self._guard(
            f"read {uuid}", self._client.read_gatt_char(_full(uuid))
        )
        return bytes(data)

    async def write(self, uuid: str, data: bytes, *, response: bool = True) -> None:
        """Write a characteristic (with response by default). Same errors as :meth:`read`."""
        self._require(uuid)
        await self._guard(
            f"write {uuid}", self._client.write_gatt_char(_full(uuid), data, response=response)
        )

    async def start_notify(self, uuid: str, callback: Callable[[bytes], None]) -> None:
        """Enable notifications/indications; ``callback(payload)`` runs on the loop and must
        only enqueue (STYLE §3)."""
        self._require(uuid)

        def deliver(_characteristic: object, data: bytearray) -> None:
            callback(bytes(data))

        await self._guard(f"subscribe {uuid}", self._client.start_notify(_full(uuid), deliver))

    async def stop_notify(self, uuid: str) -> None:
        """Disable notifications/indications. Raises ``devices.errors`` types."""
        await self._guard(f"unsubscribe {uuid}", self._client.stop_notify(_full(uuid)))

    async def pair(self, prompter: DevicePrompter | None) -> None:
        """Pair (or re-encrypt with an existing bond). Raises :class:`PairingFailed`,
        :class:`BondLost` (keys rejected: remove the pairing and pair again) or
        :class:`ConnectionLost`."""
        if self._bluez:
            from devices.bluez_agent import bluez_agent

            names = {self.address.upper(): self.advertisement.label}
            async with bluez_agent(prompter, names=names):
                await self._guard("pair", self._client.pair(), self._policy.pairing_timeout_s)
        elif self._custom:
            # Project backends (the virtual lab) take the prompter directly.
            await self._guard(
                "pair", self._client.pair(prompter=prompter), self._policy.pairing_timeout_s
            )
        else:
            # WinRT/CoreBluetooth: the operating system shows its own pairing dialog.
            await self._guard("pair", self._client.pair(), self._policy.pairing_timeout_s)
        self.bonded = True

    async def unpair(self) -> None:
        """Forget the bond on the workstation side (also disconnects)."""
        await self._guard("unpair", self._client.unpair())
        self.bonded = False

    async def disconnect(self) -> None:
        """Clean disconnect; never raises (a link that is already gone is fine)."""
        try:
            await asyncio.wait_for(self._client.disconnect(), self._policy.operation_timeout_s)
        except Exception as exc:  # disconnect is best effort by design
            _log.debug("disconnect: %s", type(exc).__name__)

    def _require(self, uuid: str) -> None:
        if not self._client.is_connected:
            raise ConnectionLost(f"{uuid}: not connected")
        if not self.has(uuid):
            raise Unsupported(f"characteristic {uuid} not offered by the device")


def _full(uuid: str) -> str:
    u = uuid.lower()
    return sig_uuid(int(u, 16)) if len(u) <= 4 else u


class BleTransport:
    """Scanning and connecting through bleak with the configured backend.

    Thread affinity: the core loop. Several links may be open at once.
    """

    def __init__(
        self, backends: Backends | None = None, policy: ConnectPolicy | None = None
    ) -> None:
        self.backends = backends or Backends()
        self.policy = policy or ConnectPolicy()

    async def scan(
        self,
        *,
        service_uuids: Iterable[str] = (),
        timeout_s: float = 5.0,
        stop_when: Callable[[Advertisement], bool] | None = None,
    ) -> list[Advertisement]:
        """Devices advertising any of ``service_uuids`` (all devices if empty), strongest
        first. Returns early once ``stop_when`` accepts one. Raises
        :class:`BluetoothUnavailable`."""
        wanted = [_full(u) for u in service_uuids]
        found: dict[str, Advertisement] = {}
        done = asyncio.Event()

        def seen(device: BLEDevice, data: AdvertisementData) -> None:
            adv = Advertisement(
                address=device.address,
                name=data.local_name or device.name,
                service_uuids=tuple(data.service_uuids),
                rssi=data.rssi,
                descriptor=find_descriptor(data.local_name or device.name, data.service_uuids),
                ble_device=device,
                service_data={k.lower(): bytes(v) for k, v in data.service_data.items()},
            )
            found[device.address] = adv
            if stop_when is not None and stop_when(adv):
                done.set()

        scanner = BleakScanner(seen, service_uuids=wanted or None, backend=self.backends.scanner)
        try:
            await asyncio.wait_for(scanner.start(), self.policy.operation_timeout_s)
        except Exception as exc:
            raise translate_error(exc, doing="scan") from exc
        try:
            try:
                await asyncio.wait_for(done.wait(), timeout_s)
            except TimeoutError:
                pass
        finally:
            try:
                await asyncio.wait_for(scanner.stop(), self.policy.operation_timeout_s)
            except Exception as exc:  # stopping a scan that the OS already ended
                _log.debug("scan stop: %s", type(exc).__name__)
        return sorted(found.values(), key=lambda a: -a.rssi)

    async def find(
        self,
        *,
        address: str | None = None,
        service_uuids: Iterable[str] = (),
        timeout_s: float = 5.0,
    ) -> Advertisement:
        """The first device matching ``address`` (or any with the services). Raises
        :class:`DeviceNotFound` (not advertising: switched off, out of range, or not in
        pairing mode) or :class:`BluetoothUnavailable`."""
        wanted = address.upper() if address else None

        def match(adv: Advertisement) -> bool:
            return wanted is None or adv.address.upper() == wanted

        found = [
            a
            for a in await self.scan(
                service_uuids=service_uuids, timeout_s=timeout_s, stop_when=match
            )
            if match(a)
        ]
        if not found:
            raise DeviceNotFound("no matching device is advertising")
        return found[0]

    async def forget(self, advertisement: Advertisement) -> None:
        """Remove the workstation's pairing with a device (the cure for :class:`BondLost`;
        the device side must then be put back in pairing mode). Raises ``devices.errors``."""
        client = BleakClient(
            advertisement.ble_device,
            timeout=self.policy.connect_timeout_s,
            backend=self.backends.client,
        )
        try:
            await asyncio.wait_for(client.unpair(), self.policy.operation_timeout_s)
        except Exception as exc:
            raise translate_error(exc, doing="unpair") from exc

    async def connect(
        self, advertisement: Advertisement, *, on_disconnect: Callable[[], None] | None = None
    ) -> GattLink:
        """Connect with retry and backoff (``policy.attempts``). Raises the last attempt's
        typed error (:class:`ConnectionLost`, :class:`DeviceNotFound`,
        :class:`BluetoothUnavailable` is not retried)."""
        last: DeviceError | None = None
        for attempt in range(1, self.policy.attempts + 1):
            client = BleakClient(
                advertisement.ble_device,
                disconnected_callback=(lambda _c: on_disconnect()) if on_disconnect else None,
                timeout=self.policy.connect_timeout_s,
                backend=self.backends.client,
            )
            started = time.monotonic()
            try:
                await asyncio.wait_for(client.connect(), self.policy.connect_timeout_s * 2)
                return GattLink(
                    client,
                    advertisement,
                    self.policy,
                    bluez=self.backends.uses_bluez,
                    custom=self.backends.client is not None,
                )
            except Exception as exc:
                last = (
                    # Nothing answered the connection request: gone, out of range or
                    # asleep - for the user the device is not there.
                    DeviceNotFound("connect: the device did not answer")
                    if isinstance(exc, TimeoutError)
                    else translate_error(exc, doing="connect")
                )
                _log.info(
                    "connect attempt %d failed after %.2f s: %s",
                    attempt,
                    time.monotonic() - started,
                    type(last).__name__,
                )
                if isinstance(last, BluetoothUnavailable):
                    raise last from exc
            if attempt < self.policy.attempts:
                await asyncio.sleep(self.policy.backoff_s(attempt))
        assert last is not None
        raise last
