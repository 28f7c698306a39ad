"""bleak/OS errors -> devices.errors (what the pairing wizard explains)."""

from __future__ import annotations

import pytest
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
    BleakGATTProtocolError,
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
from devices.transport import ConnectPolicy, translate_error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            BleakBluetoothNotAvailableError("off", BleakBluetoothNotAvailableReason.POWERED_OFF),
            BluetoothUnavailable,
        ),
        (BleakDBusError("org.bluez.Error.NotReady", ["Resource Not Ready"]), BluetoothUnavailable),
        (BleakGATTProtocolError(0x0F), PairingRequired),
        (BleakGATTProtocolError(0x05), PairingRequired),
        (BleakGATTProtocolError(0x03), Unsupported),
        (BleakDeviceNotFoundError("AA"), DeviceNotFound),
        (BleakError("Authentication failed: PIN or key missing"), BondLost),
        (
            BleakDBusError("org.bluez.Error.AuthenticationFailed", ["Authentication Failed"]),
            PairingFailed,
        ),
        (BleakDBusError("org.bluez.Error.AuthenticationCanceled", []), PairingFailed),
        (BleakError("Not connected"), ConnectionLost),
        (FileNotFoundError(2, "No such file or directory"), BluetoothUnavailable),
        (ConnectionRefusedError(), BluetoothUnavailable),
        (TimeoutError(), ConnectionLost),
        (EOFError(), ConnectionLost),
    ],
)
def test_translation(error: BaseException, expected: type[DeviceError]) -> None:
    translated = translate_error(error, doing="op")
    assert type(translated) is expected
    assert str(translated).startswith("op")


def test_typed_errors_pass_through() -> None:
    original = PairingFailed("x")
    assert translate_error(original, doing="op") is original


def test_backoff_grows_and_is_capped() -> None:
    policy = ConnectPolicy(backoff_initial_s=0.25, backoff_factor=2.0, backoff_max_s=1.0)
    assert [policy.backoff_s(n) for n in (1, 2, 3, 4)] == [0.25, 0.5, 1.0, 1.0]
