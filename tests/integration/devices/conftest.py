"""Fixtures of the BLE integration tests: a virtual radio with bumble devices on a LocalLink,
reached through the project bleak backend (``devices.lab``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from devices.lab import VirtualRadio
from devices.transport import Backends, BleTransport, ConnectPolicy


@pytest.fixture
async def radio() -> AsyncIterator[VirtualRadio]:
    async with VirtualRadio() as r:
        yield r


@pytest.fixture
def transport(radio: VirtualRadio) -> BleTransport:
    scanner, client = radio.backends()
    return BleTransport(
        Backends(scanner, client, "ble-virtual"),
        ConnectPolicy(
            attempts=3,
            connect_timeout_s=2.0,
            operation_timeout_s=2.0,
            pairing_timeout_s=5.0,
            backoff_initial_s=0.01,
        ),
    )
