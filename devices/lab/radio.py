"""The virtual radio: a bumble ``LocalLink`` with the workstation's own adapter on it.

Every virtual device (``devices.lab.peripherals``) is a full bumble stack (controller + host +
GATT server) attached to the same link; :class:`LabAdapter` is the workstation side, a bumble
central that the project bleak backend (``devices.lab.bleak_backend``) drives. Nothing here is
a mock: advertising, connections, ATT, SMP pairing and encryption run through bumble's
controllers exactly as they would over HCI.

Thread affinity: everything runs on one asyncio loop (the core loop in the app, the test loop in
tests); create a :class:`VirtualRadio` inside that loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import weakref
from collections.abc import Callable

from bumble import pairing
from bumble.controller import Controller
from bumble.device import Advertisement, Connection, Device
from bumble.hci import Address
from bumble.host import Host
from bumble.keys import MemoryKeyStore, PairingKeys
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from devices.prompter import DeviceLabel, DevicePrompter

__all__ = ["LabAdapter", "VirtualRadio", "new_stack"]

_log = logging.getLogger(__name__)

_ADDRESSES = itertools.count(1)
#: Each lab stack's emulated controller, by id of its Device (see LabAdapter.connect).
_CONTROLLERS: weakref.WeakKeyDictionary[Device, Controller] = weakref.WeakKeyDictionary()


class _LabKeyStore(MemoryKeyStore):
    """Keys filed by bare address: bumble files a bond under the peer's identity address
    (``AA:..:FF/P``) but looks it up under the connection address (``AA:..:FF``); on the
    virtual radio the two are the same device."""

    async def delete(self, name: str) -> None:
        await super().delete(name.removesuffix("/P"))

    async def update(self, name: str, keys: PairingKeys) -> None:
        await super().update(name.removesuffix("/P"), keys)

    async def get(self, name: str) -> PairingKeys | None:
        return await super().get(name.removesuffix("/P"))


def new_stack(link: LocalLink, *, name: str, address: str) -> Device:
    """A bumble device (controller + host) on ``link`` with an in-memory key store."""
    controller = Controller(name, link=link, public_address=address)
    device = Device(
        name=name, address=Address(address), host=Host(controller, AsyncPipeSink(controller))
    )
    device.keystore = _LabKeyStore()
    _CONTROLLERS[device] = controller
    return device


class _CentralDelegate(pairing.PairingDelegate):
    """The workstation's pairing agent: asks the connection's :class:`DevicePrompter`."""

    def __init__(self, adapter: LabAdapter, connection: Connection) -> None:
        super().__init__(
            io_capability=pairing.PairingDelegate.IoCapability.DISPLAY_OUTPUT_AND_KEYBOARD_INPUT
        )
        self._adapter = adapter
        self._connection = connection

    def _label(self) -> DeviceLabel:
        address = str(self._connection.peer_address).removesuffix("/P")
        return DeviceLabel(self._adapter.names.get(address, address), address)

    async def accept(self) -> bool:
        return True

    async def confirm(self, auto: bool = False) -> bool:
        # "Just works": no user question (BlueZ behaves the same for NoInputNoOutput peers).
        return True

    async def compare_numbers(self, number: int, digits: int) -> bool:
        prompter = self._adapter.prompter_for(self._connection)
        if prompter is None:
            return False
        return await prompter.confirm_passkey(self._label(), number)

    async def get_number(self) -> int | None:
        prompter = self._adapter.prompter_for(self._connection)
        if prompter is None:
            return None
        return await prompter.request_passkey(self._label())


class LabAdapter:
    """The workstation's Bluetooth adapter on the virtual radio (a bumble central).

    ``powered`` False makes scans and connections fail as with a switched-off adapter.
    Connections are serialised (one LE connection setup at a time, as in a real controller);
    several links may be up at once.
    """

    def __init__(self, radio: VirtualRadio, device: Device) -> None:
        self.radio = radio
        self.device = device
        self.powered = True
        self.names: dict[str, str] = {}
        self._connect_lock = asyncio.Lock()
        self._scanners: dict[object, Callable[[Advertisement], None]] = {}
        self._scanning = False
        self._prompters: dict[int, DevicePrompter | None] = {}
        device.pairing_config_factory = self._pairing_config
        device.on(device.EVENT_ADVERTISEMENT, self._on_advertisement)

    def _pairing_config(self, connection: Connection) -> pairing.PairingConfig:
        return pairing.PairingConfig(
            sc=True, mitm=True, bonding=True, delegate=_CentralDelegate(self, connection)
        )

    def prompter_for(self, connection: Connection) -> DevicePrompter | None:
        """The prompter the client gave for this connection's pairing (or None)."""
        return self._prompters.get(connection.handle)

    def set_prompter(self, connection: Connection, prompter: DevicePrompter | None) -> None:
        """Who answers pairing questions on ``connection``."""
        self._prompters[connection.handle] = prompter

    def _on_advertisement(self, advertisement: Advertisement) -> None:
        for callback in list(self._scanners.values()):
            callback(advertisement)

    async def add_scanner(self, token: object, callback: Callable[[Advertisement], None]) -> None:
        """Deliver advertisements to ``callback`` (scanning starts with the first scanner)."""
        self._scanners[token] = callback
        if not self._scanning:
            self._scanning = True
            await self.device.start_scanning(filter_duplicates=False)

    async def remove_scanner(self, token: object) -> None:
        """Stop delivering to ``token``'s callback (scanning stops with the last one)."""
        self._scanners.pop(token, None)
        if not self._scanners and self._scanning:
            self._scanning = False
            await self.device.stop_scanning()

    async def connect(self, address: str, *, timeout_s: float) -> Connection:
        """An LE connection to ``address`` (bumble raises on timeout)."""
        async with self._connect_lock:
            try:
                return await self.device.connect(address, timeout=timeout_s)
            except BaseException:
                # An attempt abandoned from outside (timeout, cancellation) leaves bumble's
                # emulated controller initiating, and its LE Create Connection Cancel is a
                # no-op: clear the pending attempt so the next one is accepted.
                controller = _CONTROLLERS.get(self.device)
                if controller is not None:
                    controller.pending_le_connection = None
                raise

    async def forget(self, address: str) -> None:
        """Remove the workstation's keys for ``address`` (unpair)."""
        if self.device.keystore is not None:
            try:
                await self.device.keystore.delete(address)
            except KeyError:
                pass

    async def has_bond_for_address(self, address: str) -> bool:
        """True if the workstation holds keys for ``address``."""
        if self.device.keystore is None:
            return False
        return await self.device.keystore.get(address) is not None

    async def bond_for(self, connection: Connection) -> bool:
        """True if the workstation holds keys for the peer of ``connection``."""
        if self.device.keystore is None:
            return False
        return await self.device.keystore.get(str(connection.peer_address)) is not None


class VirtualRadio:
    """One LocalLink, the workstation adapter and the virtual devices on it.

    Use as ``async with VirtualRadio() as radio:`` (powers the adapter on, and on exit
    disconnects everything). ``radio.backends()`` gives the bleak backend classes bound to this
    radio.
    """

    def __init__(self) -> None:
        # bumble's controller warns about every packet for a link that just dropped, which
        # the lab does on purpose; keep the log for real problems.
        logging.getLogger("bumble").setLevel(logging.ERROR)
        self.link = LocalLink()  # type: ignore[no-untyped-call]
        self.adapter = LabAdapter(
            self, new_stack(self.link, name="workstation", address="F0:F0:F0:F0:F0:F0")
        )
        self.peripherals: list[object] = []

    @staticmethod
    def next_address() -> str:
        """A fresh static address for a new virtual device (C0:..:NN)."""
        n = next(_ADDRESSES)
        return f"C0:00:00:00:{n >> 8 & 0xFF:02X}:{n & 0xFF:02X}"

    async def start(self) -> None:
        """Power the workstation adapter on."""
        await self.adapter.device.power_on()

    async def stop(self) -> None:
        """Stop every virtual device and drop the workstation's links."""
        for peripheral in list(self.peripherals):
            stop = getattr(peripheral, "stop", None)
            if stop is not None:
                await stop()
        for connection in list(self.adapter.device.connections.values()):
            try:
                await asyncio.wait_for(connection.disconnect(), 2.0)
            except Exception as exc:  # already gone: nothing to clean up
                _log.debug("lab disconnect on stop: %s", type(exc).__name__)

    async def __aenter__(self) -> VirtualRadio:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def backends(self) -> tuple[type, type]:
        """``(scanner_class, client_class)`` for ``BleakScanner(backend=...)`` and
        ``BleakClient(backend=...)``, bound to this radio."""
        from devices.lab.bleak_backend import bound_backends

        return bound_backends(self.adapter)
