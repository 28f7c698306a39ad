"""A BlueZ D-Bus emulator over the bumble virtual radio, for bleak's *real* BlueZ backend.

A private ``dbus-daemon`` plays the system bus; this module owns ``org.bluez`` on it and
exports the objects bleak's BlueZ backend reads (``doc/org.bluez.*.rst``): ``Adapter1`` (with
``Powered`` and ``Roles``), ``Device1`` per advertising virtual device, and after ``Connect``
the ``GattService1``/``GattCharacteristic1``/``GattDescriptor1`` tree of the device's real GATT
database (bumble discovery). Reads, writes and notifications go to the bumble GATT servers; ATT
errors are reported the way bluetoothd reports them (``org.bluez.Error.Failed`` "Operation
failed with ATT error: 0x0f"). As BlueZ, it never pairs by itself: ``Device1.Pair`` asks the
registered ``org.bluez.Agent1`` (RequestPasskey) and runs SMP through bumble.

This is test infrastructure (python-dbusmock would need dbus-python and GLib headers to build);
it speaks the real D-Bus protocol through a real bus daemon, so bleak's BlueZ code runs
unchanged.
"""

# No ``from __future__ import annotations``: dbus_fast evaluates the signature hints.

import asyncio
import contextlib
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from bumble import att
from bumble.device import Advertisement, Connection, Peer
from dbus_fast import DBusError, Message, MessageType, PropertyAccess, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusBool, DBusInt16, DBusObjectPath, DBusSignature, DBusStr
from dbus_fast.service import ServiceInterface, dbus_method, dbus_property

from devices.lab.bleak_backend import advertisement_data, uuid_str
from devices.lab.radio import VirtualRadio
from tests.integration.processes import running_process, wait_for_line

_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
"""

ADAPTER = "/org/bluez/hci0"
_ADDRESS_RE = re.compile(r"\S+")  # --print-address: the first line is the bus address
_START_TIMEOUT_S = 10.0


@contextlib.contextmanager
def private_system_bus() -> Iterator[str]:
    """A ``dbus-daemon`` in a temporary directory; yields its address (bounded start)."""
    with tempfile.TemporaryDirectory(prefix="bluez-emu-") as tmp:
        socket = Path(tmp) / "system_bus_socket"
        config = Path(tmp) / "system.conf"
        config.write_text(_CONFIG.format(socket=socket))
        cmd = ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"]
        with running_process(cmd, capture_output=True, stop_timeout_s=5) as proc:
            address = wait_for_line(
                proc, name="dbus-daemon", pattern=_ADDRESS_RE, timeout_s=_START_TIMEOUT_S
            )
            yield address.group(0)


def _att_error(exc: att.ATT_Error) -> DBusError:
    return DBusError(
        "org.bluez.Error.Failed", f"Operation failed with ATT error: 0x{int(exc.error_code):02x}"
    )


ASList = Annotated[list[str], DBusSignature("as")]
AV = Annotated[dict[str, Variant], DBusSignature("a{sv}")]
AY = Annotated[bytes, DBusSignature("ay")]
MfrData = Annotated[dict[int, Variant], DBusSignature("a{qv}")]


class Adapter1(ServiceInterface):
    def __init__(self, emulator: "BlueZEmulator") -> None:
        super().__init__("org.bluez.Adapter1")
        self.emulator = emulator
        self.powered = True
        self.discovering = False

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> DBusStr:  # noqa: N802
        return "F0:F0:F0:F0:F0:F0"

    @dbus_property(access=PropertyAccess.READ)
    def AddressType(self) -> DBusStr:  # noqa: N802
        return "public"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> DBusStr:  # noqa: N802
        return "workstation"

    @dbus_property(access=PropertyAccess.READ)
    def Alias(self) -> DBusStr:  # noqa: N802
        return "workstation"

    @dbus_property(access=PropertyAccess.READ)
    def Powered(self) -> DBusBool:  # noqa: N802
        return self.powered

    @dbus_property(access=PropertyAccess.READ)
    def Discovering(self) -> DBusBool:  # noqa: N802
        return self.discovering

    @dbus_property(access=PropertyAccess.READ)
    def Roles(self) -> ASList:  # noqa: N802
        return ["central", "peripheral"]

    @dbus_property(access=PropertyAccess.READ)
    def UUIDs(self) -> ASList:  # noqa: N802
        return []

    @dbus_method()
    def SetDiscoveryFilter(self, properties: AV) -> None:  # noqa: N802
        uuids = properties.get("UUIDs")
        self.emulator.filter_uuids = [u.lower() for u in uuids.value] if uuids else []

    @dbus_method()
    def GetDiscoveryFilters(self) -> ASList:  # noqa: N802
        return ["UUIDs", "RSSI", "Transport", "DuplicateData"]

    @dbus_method()
    async def StartDiscovery(self) -> None:  # noqa: N802
        if not self.powered:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        await self.emulator.start_discovery()
        self.discovering = True
        self.emit_properties_changed({"Discovering": True})

    @dbus_method()
    async def StopDiscovery(self) -> None:  # noqa: N802
        await self.emulator.stop_discovery()
        self.discovering = False
        self.emit_properties_changed({"Discovering": False})

    @dbus_method()
    async def RemoveDevice(self, device: DBusObjectPath) -> None:  # noqa: N802
        await self.emulator.remove_device(device)


class AgentManager1(ServiceInterface):
    def __init__(self, emulator: "BlueZEmulator") -> None:
        super().__init__("org.bluez.AgentManager1")
        self.emulator = emulator

    @dbus_method()
    def RegisterAgent(self, agent: DBusObjectPath, capability: DBusStr) -> None:  # noqa: N802
        self.emulator.agent_capability = capability

    @dbus_method()
    def RequestDefaultAgent(self, agent: DBusObjectPath) -> None:  # noqa: N802
        return None

    @dbus_method()
    def UnregisterAgent(self, agent: DBusObjectPath) -> None:  # noqa: N802
        self.emulator.agent = None


class Device1(ServiceInterface):
    def __init__(self, emulator: "BlueZEmulator", path: str, adv: Advertisement) -> None:
        super().__init__("org.bluez.Device1")
        self.emulator = emulator
        self.path = path
        self.update(adv)
        self.connected = False
        self.resolved = False
        self.paired = False
        self.trusted = False
        self.connection: Connection | None = None
        self.objects: list[tuple[str, ServiceInterface]] = []
        self.last_report = 0.0

    def update(self, adv: Advertisement) -> None:
        data = advertisement_data(adv)
        self.address = str(adv.address).removesuffix("/P")
        # Not ``self.name``: that is the D-Bus interface name of a ServiceInterface.
        self.local_name = data.local_name or self.address
        self.uuids = list(data.service_uuids)
        self.rssi = data.rssi

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> DBusStr:  # noqa: N802
        return self.address

    @dbus_property(access=PropertyAccess.READ)
    def AddressType(self) -> DBusStr:  # noqa: N802
        return "public"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> DBusStr:  # noqa: N802
        return self.local_name

    @dbus_property(access=PropertyAccess.READ)
    def Alias(self) -> DBusStr:  # noqa: N802
        return self.local_name

    @dbus_property(access=PropertyAccess.READ)
    def Adapter(self) -> DBusObjectPath:  # noqa: N802
        return ADAPTER

    @dbus_property(access=PropertyAccess.READ)
    def UUIDs(self) -> ASList:  # noqa: N802
        return self.uuids

    @dbus_property(access=PropertyAccess.READ)
    def RSSI(self) -> DBusInt16:  # noqa: N802
        return self.rssi

    @dbus_property(access=PropertyAccess.READ)
    def ManufacturerData(self) -> MfrData:  # noqa: N802
        return {}

    @dbus_property(access=PropertyAccess.READ)
    def ServiceData(self) -> AV:  # noqa: N802
        return {}

    @dbus_property(access=PropertyAccess.READ)
    def Paired(self) -> DBusBool:  # noqa: N802
        return self.paired

    @dbus_property(access=PropertyAccess.READ)
    def Bonded(self) -> DBusBool:  # noqa: N802
        return self.paired

    @dbus_property()
    def Trusted(self) -> DBusBool:  # noqa: N802
        return self.trusted

    @Trusted.setter
    def Trusted(self, value: DBusBool) -> None:  # noqa: N802
        self.trusted = value

    @dbus_property(access=PropertyAccess.READ)
    def Blocked(self) -> DBusBool:  # noqa: N802
        return False

    @dbus_property(access=PropertyAccess.READ)
    def LegacyPairing(self) -> DBusBool:  # noqa: N802
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Connected(self) -> DBusBool:  # noqa: N802
        return self.connected

    @dbus_property(access=PropertyAccess.READ)
    def ServicesResolved(self) -> DBusBool:  # noqa: N802
        return self.resolved

    @dbus_method()
    async def Connect(self) -> None:  # noqa: N802
        await self.emulator.connect(self)

    @dbus_method()
    async def Disconnect(self) -> None:  # noqa: N802
        if self.connection is not None:
            await self.connection.disconnect()

    @dbus_method()
    async def Pair(self) -> None:  # noqa: N802
        await self.emulator.pair(self)

    @dbus_method()
    def CancelPairing(self) -> None:  # noqa: N802
        return None


class GattService1(ServiceInterface):
    def __init__(self, uuid: str, device: str) -> None:
        super().__init__("org.bluez.GattService1")
        self.uuid = uuid
        self.device = device

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> DBusStr:  # noqa: N802
        return self.uuid

    @dbus_property(access=PropertyAccess.READ)
    def Device(self) -> DBusObjectPath:  # noqa: N802
        return self.device

    @dbus_property(access=PropertyAccess.READ)
    def Primary(self) -> DBusBool:  # noqa: N802
        return True


class GattCharacteristic1(ServiceInterface):
    def __init__(self, proxy: Any, uuid: str, service: str, flags: list[str]) -> None:
        super().__init__("org.bluez.GattCharacteristic1")
        self.proxy = proxy
        self.uuid = uuid
        self.service = service
        self.flags = flags
        self.notifying = False
        self.value = b""

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> DBusStr:  # noqa: N802
        return self.uuid

    @dbus_property(access=PropertyAccess.READ)
    def Service(self) -> DBusObjectPath:  # noqa: N802
        return self.service

    @dbus_property(access=PropertyAccess.READ)
    def Flags(self) -> ASList:  # noqa: N802
        return self.flags

    @dbus_property(access=PropertyAccess.READ)
    def Notifying(self) -> DBusBool:  # noqa: N802
        return self.notifying

    @dbus_property(access=PropertyAccess.READ)
    def Value(self) -> AY:  # noqa: N802
        return self.value

    @dbus_method()
    async def ReadValue(self, options: AV) -> AY:  # noqa: N802
        try:
            return bytes(await self.proxy.read_value())
        except att.ATT_Error as exc:
            raise _att_error(exc) from exc

    @dbus_method()
    async def WriteValue(self, value: AY, options: AV) -> None:  # noqa: N802
        kind = options.get("type")
        try:
            await self.proxy.write_value(
                bytes(value), with_response=not (kind and kind.value == "command")
            )
        except att.ATT_Error as exc:
            raise _att_error(exc) from exc

    @dbus_method()
    async def StartNotify(self) -> None:  # noqa: N802
        if not {"notify", "indicate"} & set(self.flags):
            raise DBusError("org.bluez.Error.NotSupported", "Operation is not supported")

        def deliver(value: bytes) -> None:
            self.value = bytes(value)
            self.emit_properties_changed({"Value": self.value})

        try:
            await self.proxy.subscribe(deliver, prefer_notify=True)
        except att.ATT_Error as exc:
            client = self.proxy.client
            for table in (client.notification_subscribers, client.indication_subscribers):
                table.pop(self.proxy.handle, None)
            raise _att_error(exc) from exc
        self.notifying = True
        self.emit_properties_changed({"Notifying": True})

    @dbus_method()
    async def StopNotify(self) -> None:  # noqa: N802
        with contextlib.suppress(att.ATT_Error):
            await self.proxy.unsubscribe()
        self.notifying = False
        self.emit_properties_changed({"Notifying": False})


class GattDescriptor1(ServiceInterface):
    def __init__(self, proxy: Any, uuid: str, characteristic: str) -> None:
        super().__init__("org.bluez.GattDescriptor1")
        self.proxy = proxy
        self.uuid = uuid
        self.characteristic = characteristic

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> DBusStr:  # noqa: N802
        return self.uuid

    @dbus_property(access=PropertyAccess.READ)
    def Characteristic(self) -> DBusObjectPath:  # noqa: N802
        return self.characteristic

    @dbus_method()
    async def ReadValue(self, options: AV) -> AY:  # noqa: N802
        try:
            return bytes(await self.proxy.read_value())
        except att.ATT_Error as exc:
            raise _att_error(exc) from exc


_FLAG_NAMES = (
    (0x02, "read"),
    (0x04, "write-without-response"),
    (0x08, "write"),
    (0x10, "notify"),
    (0x20, "indicate"),
)


class _AgentPrompter:
    """Bridges bumble's pairing questions to the registered org.bluez.Agent1 over D-Bus."""

    def __init__(self, emulator: "BlueZEmulator", device: Device1) -> None:
        self.emulator = emulator
        self.device = device

    async def request_passkey(self, _label: object) -> int | None:
        reply = await self.emulator.call_agent("RequestPasskey", "o", [self.device.path])
        if reply.message_type == MessageType.ERROR:
            return None
        return int(reply.body[0])

    async def confirm_passkey(self, _label: object, passkey: int) -> bool:
        reply = await self.emulator.call_agent(
            "RequestConfirmation", "ou", [self.device.path, passkey]
        )
        return reply.message_type != MessageType.ERROR


class BlueZEmulator:
    """``org.bluez`` on ``bus_address``, backed by ``radio``'s workstation adapter."""

    def __init__(self, radio: VirtualRadio, bus_address: str) -> None:
        self.radio = radio
        self.bus_address = bus_address
        self.bus: MessageBus | None = None
        self.adapter = Adapter1(self)
        self.devices: dict[str, Device1] = {}
        self.filter_uuids: list[str] = []
        self.agent: tuple[str, str] | None = None
        self.agent_capability = ""
        self.pair_calls = 0
        self._scan_token = object()

    async def start(self) -> "BlueZEmulator":
        bus = await MessageBus(bus_address=self.bus_address).connect()
        self.bus = bus
        bus.add_message_handler(self._watch_agent)
        bus.export("/org/bluez", AgentManager1(self))
        bus.export(ADAPTER, self.adapter)
        await bus.request_name("org.bluez")
        return self

    async def stop(self) -> None:
        await self.radio.adapter.remove_scanner(self._scan_token)
        for device in list(self.devices.values()):
            if device.connection is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(device.connection.disconnect(), 2)
        if self.bus is not None:
            self.bus.disconnect()

    def _watch_agent(self, msg: Message) -> None:
        # The agent's bus name is the sender of RegisterAgent (ServiceInterface methods do not
        # see it); dbus_fast also passes replies here, which we leave alone.
        if msg.member == "RegisterAgent" and msg.interface == "org.bluez.AgentManager1":
            self.agent = (str(msg.sender), str(msg.body[0]))
        return None

    async def call_agent(self, member: str, signature: str, body: list[object]) -> Message:
        assert self.bus is not None
        if self.agent is None:
            return Message.new_error(Message(serial=1), "org.bluez.Error.Rejected", "no agent")  # type: ignore[arg-type]
        sender, path = self.agent
        reply = await self.bus.call(
            Message(
                destination=sender,
                path=path,
                interface="org.bluez.Agent1",
                member=member,
                signature=signature,
                body=body,
            )
        )
        assert reply is not None
        return reply

    # ---------------------------------------------------------------- discovery

    async def start_discovery(self) -> None:
        await self.radio.adapter.add_scanner(self._scan_token, self._on_advertisement)

    async def stop_discovery(self) -> None:
        await self.radio.adapter.remove_scanner(self._scan_token)

    def _on_advertisement(self, adv: Advertisement) -> None:
        assert self.bus is not None
        address = str(adv.address).removesuffix("/P")
        path = f"{ADAPTER}/dev_{address.replace(':', '_')}"
        device = self.devices.get(path)
        if device is None:
            device = Device1(self, path, adv)
            self.devices[path] = device
            self.bus.export(path, device)
        else:
            device.update(adv)
            now = time.monotonic()
            if now - device.last_report > 0.1:  # bluetoothd also coalesces reports
                device.last_report = now
                device.emit_properties_changed({"RSSI": device.rssi})

    async def remove_device(self, path: str) -> None:
        device = self.devices.pop(path, None)
        if device is None:
            raise DBusError("org.bluez.Error.DoesNotExist", "Does Not Exist")
        if device.connection is not None:
            await device.connection.disconnect()
        await self.radio.adapter.forget(device.address)
        assert self.bus is not None
        self.bus.unexport(path)

    # ---------------------------------------------------------------- connection

    async def connect(self, device: Device1) -> None:
        assert self.bus is not None
        if device.connection is not None:
            return
        try:
            connection = await self.radio.adapter.connect(device.address, timeout_s=5)
        except Exception as exc:
            raise DBusError("org.bluez.Error.Failed", "le-connection-abort-by-local") from exc
        device.connection = connection
        connection.on(
            connection.EVENT_DISCONNECTION, lambda _reason: self._on_disconnection(device)
        )
        device.connected = True
        device.emit_properties_changed({"Connected": True})
        peer = Peer(connection)
        await peer.discover_services()
        for service in peer.services:
            await service.discover_characteristics()
            spath = f"{device.path}/service{service.handle:04x}"
            self._export(device, spath, GattService1(uuid_str(service.uuid), device.path))
            for char in service.characteristics:
                await char.discover_descriptors()
                cpath = f"{spath}/char{char.handle:04x}"
                flags = [name for bit, name in _FLAG_NAMES if int(char.properties) & bit]
                self._export(
                    device, cpath, GattCharacteristic1(char, uuid_str(char.uuid), spath, flags)
                )
                for desc in char.descriptors:
                    self._export(
                        device,
                        f"{cpath}/desc{desc.handle:04x}",
                        GattDescriptor1(desc, uuid_str(desc.type), cpath),
                    )
        device.resolved = True
        device.emit_properties_changed({"ServicesResolved": True})

    def _export(self, device: Device1, path: str, interface: ServiceInterface) -> None:
        assert self.bus is not None
        self.bus.export(path, interface)
        device.objects.append((path, interface))

    def _on_disconnection(self, device: Device1) -> None:
        assert self.bus is not None
        device.connection = None
        for path, _interface in reversed(device.objects):
            self.bus.unexport(path)
        device.objects.clear()
        device.resolved = False
        device.connected = False
        device.emit_properties_changed({"ServicesResolved": False, "Connected": False})

    async def pair(self, device: Device1) -> None:
        self.pair_calls += 1
        connection = device.connection
        if connection is None:
            raise DBusError("org.bluez.Error.Failed", "Not connected")
        adapter = self.radio.adapter
        adapter.set_prompter(connection, _AgentPrompter(self, device))
        try:
            if await adapter.bond_for(connection):
                await connection.encrypt()
            else:
                await connection.pair()
        except Exception as exc:
            raise DBusError(
                "org.bluez.Error.AuthenticationFailed", "Authentication Failed"
            ) from exc
        device.paired = True
        device.emit_properties_changed({"Paired": True, "Bonded": True})


__all__ = ["BlueZEmulator", "private_system_bus"]
