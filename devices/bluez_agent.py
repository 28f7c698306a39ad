"""A BlueZ pairing agent (``org.bluez.Agent1``) that asks a :class:`DevicePrompter`.

BlueZ asks the registered agent for the passkey or the numeric comparison during
``Device1.Pair``; without one, passkey pairing (glucose meters) fails. bleak does not provide an
agent, so the transport registers this one around an explicit pairing on Linux (BlueZ
``doc/org.bluez.Agent.rst``, ``org.bluez.AgentManager.rst``): capability ``KeyboardDisplay``,
requested as the default agent for the duration of the pairing, unregistered afterwards.

Thread affinity: the core loop (dbus_fast asyncio bus).
"""

# No ``from __future__ import annotations``: dbus_fast reads the D-Bus signatures from the
# evaluated ``Annotated`` hints of the methods.

import contextlib
import logging
import re
import uuid
from collections.abc import AsyncIterator

from dbus_fast import BusType, DBusError, Message, MessageType
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusObjectPath, DBusStr, DBusUInt16, DBusUInt32
from dbus_fast.service import ServiceInterface, dbus_method

from devices.errors import BluetoothUnavailable
from devices.prompter import DeviceLabel, DevicePrompter

__all__ = ["PairingAgent", "bluez_agent"]

_log = logging.getLogger(__name__)

_REJECTED = "org.bluez.Error.Rejected"
_CANCELED = "org.bluez.Error.Canceled"
_DEVICE_PATH = re.compile(r"dev_([0-9A-Fa-f]{2}(?:_[0-9A-Fa-f]{2}){5})$")


def _label(device_path: str, names: dict[str, str]) -> DeviceLabel:
    match = _DEVICE_PATH.search(device_path)
    address = match.group(1).replace("_", ":").upper() if match else device_path
    return DeviceLabel(names.get(address, address), address)


class PairingAgent(ServiceInterface):
    """``org.bluez.Agent1`` answering from a :class:`DevicePrompter`.

    ``names`` maps addresses to advertised names, to show the user which device asks.
    """

    def __init__(
        self, prompter: DevicePrompter | None, names: dict[str, str] | None = None
    ) -> None:
        super().__init__("org.bluez.Agent1")
        self.prompter = prompter
        self.names = names or {}
        self.requests = 0

    @dbus_method()
    def Release(self) -> None:  # noqa: N802 (D-Bus member names)
        return None

    @dbus_method()
    async def RequestPinCode(self, device: DBusObjectPath) -> DBusStr:  # noqa: N802
        passkey = await self._passkey(device)
        return f"{passkey:06d}"

    @dbus_method()
    async def RequestPasskey(self, device: DBusObjectPath) -> DBusUInt32:  # noqa: N802
        return await self._passkey(device)

    async def _passkey(self, device: str) -> int:
        self.requests += 1
        if self.prompter is None:
            raise DBusError(_REJECTED, "no one to ask for the passkey")
        answer = await self.prompter.request_passkey(_label(device, self.names))
        if answer is None:
            raise DBusError(_CANCELED, "cancelled by the user")
        return int(answer)

    @dbus_method()
    def DisplayPinCode(self, device: DBusObjectPath, pincode: DBusStr) -> None:  # noqa: N802
        return None

    @dbus_method()
    def DisplayPasskey(  # noqa: N802
        self, device: DBusObjectPath, passkey: DBusUInt32, entered: DBusUInt16
    ) -> None:
        return None

    @dbus_method()
    async def RequestConfirmation(self, device: DBusObjectPath, passkey: DBusUInt32) -> None:  # noqa: N802
        self.requests += 1
        if self.prompter is None or not await self.prompter.confirm_passkey(
            _label(device, self.names), int(passkey)
        ):
            raise DBusError(_REJECTED, "numbers differ or cancelled")

    @dbus_method()
    def RequestAuthorization(self, device: DBusObjectPath) -> None:  # noqa: N802
        # "Just works" pairing started by this workstation on purpose: accept.
        return None

    @dbus_method()
    def AuthorizeService(self, device: DBusObjectPath, uuid: DBusStr) -> None:  # noqa: N802
        return None

    @dbus_method()
    def Cancel(self) -> None:  # noqa: N802
        return None


async def _call(bus: MessageBus, member: str, signature: str, body: list[object]) -> None:
    reply = await bus.call(
        Message(
            destination="org.bluez",
            path="/org/bluez",
            interface="org.bluez.AgentManager1",
            member=member,
            signature=signature,
            body=body,
        )
    )
    if reply is None or reply.message_type == MessageType.ERROR:
        name = reply.error_name if reply is not None else "no reply"
        raise BluetoothUnavailable(f"BlueZ agent manager {member} failed: {name}")


@contextlib.asynccontextmanager
async def bluez_agent(
    prompter: DevicePrompter | None, *, names: dict[str, str] | None = None
) -> AsyncIterator[PairingAgent]:
    """Register a :class:`PairingAgent` as BlueZ's default agent for the ``with`` block.

    Raises :class:`BluetoothUnavailable` if the system bus or BlueZ is not there.
    """
    try:
        bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
    except (OSError, ValueError) as exc:
        raise BluetoothUnavailable(f"no D-Bus system bus: {type(exc).__name__}") from exc
    path = f"/org/telemed/agent_{uuid.uuid4().hex[:12]}"
    agent = PairingAgent(prompter, names)
    bus.export(path, agent)
    try:
        await _call(bus, "RegisterAgent", "os", [path, "KeyboardDisplay"])
        try:
            await _call(bus, "RequestDefaultAgent", "o", [path])
            yield agent
        finally:
            try:
                await _call(bus, "UnregisterAgent", "o", [path])
            except BluetoothUnavailable as exc:
                _log.debug("unregister agent: %s", exc)
    finally:
        bus.unexport(path)
        bus.disconnect()
