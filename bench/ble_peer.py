"""The peer of the device benchmarks: a bare bumble central on the same virtual radio.

No bleak, no project backend, no parsing: it subscribes to the thermometer's Temperature
Measurement and timestamps the raw bytes in the callback. Shared by ``device_latency.py``
and ``device_ui_latency.py``.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from bumble.core import UUID
from bumble.device import Peer

from devices.lab import Thermometer, VirtualRadio
from devices.lab.radio import new_stack


async def bare_indication_latency_ms(
    radio: VirtualRadio, thermo: Thermometer, n: int, *, address: str
) -> list[float]:
    """``n`` samples of indication sent -> raw bytes in a bare bumble subscriber (ms)."""
    central = new_stack(radio.link, name=f"bare-{address[-2:]}", address=address)
    await central.power_on()
    connection = await central.connect(thermo.address, timeout=5)
    peer = Peer(connection)
    await peer.discover_services()
    for service in peer.services:
        await service.discover_characteristics()
    (char,) = peer.get_characteristics_by_uuid(UUID("2A1C"))
    queue: asyncio.Queue[int] = asyncio.Queue()
    await char.subscribe(lambda _v: queue.put_nowait(time.monotonic_ns()), prefer_notify=False)
    samples: list[float] = []
    for i in range(n):
        t0 = time.monotonic_ns()
        await thermo.measure(temperature=Decimal(365 + i % 20) / 10)
        samples.append((await asyncio.wait_for(queue.get(), 2) - t0) / 1e6)
    await connection.disconnect()
    return samples
