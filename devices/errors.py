"""Errors of the ``devices`` package, all rooted in :class:`DeviceError`.

Parsers raise only :class:`MalformedPayload` (or its subclass :class:`ImplausibleValue`);
the transport and drivers raise the others. Thread affinity: plain exceptions, any thread.
"""

from __future__ import annotations

__all__ = [
    "BluetoothUnavailable",
    "BondLost",
    "ConnectionLost",
    "DeviceError",
    "DeviceNotFound",
    "ImplausibleValue",
    "MalformedPayload",
    "PairingFailed",
    "PairingRequired",
    "Unsupported",
]


class DeviceError(Exception):
    """Base class of every error raised by ``devices``."""


class MalformedPayload(DeviceError):
    """A characteristic payload that does not follow its GATT specification.

    ``reason`` is a short, health-data-free explanation (lengths, flag names, field names;
    never the measured values), safe to log.
    """

    def __init__(self, reason: str, *, characteristic: str | None = None) -> None:
        self.reason = reason
        self.characteristic = characteristic
        super().__init__(f"{characteristic}: {reason}" if characteristic else reason)


class ImplausibleValue(MalformedPayload):
    """Well-formed bytes carrying a physiologically impossible value; the whole packet is
    rejected (STYLE.md section 3). The reason names the field and the limit, not the value."""


class DeviceNotFound(DeviceError):
    """No advertising device matched within the scan time."""


class ConnectionLost(DeviceError):
    """The link dropped during an operation."""


class PairingRequired(DeviceError):
    """The device refused access until it is paired/bonded."""


class Unsupported(DeviceError):
    """A characteristic, opcode or model this package does not handle."""


class BluetoothUnavailable(DeviceError):
    """No usable Bluetooth adapter: missing, powered off, or access denied by the OS."""


class PairingFailed(DeviceError):
    """Pairing was attempted and refused (wrong PIN, cancelled, device not in pairing mode)."""


class BondLost(PairingFailed):
    """The workstation holds keys the device no longer accepts (the device was reset or
    paired elsewhere); the user must remove the pairing and pair again."""
