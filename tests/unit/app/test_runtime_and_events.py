from __future__ import annotations

import asyncio
import gc
import threading
from dataclasses import dataclass

import pytest

from app.events import Event, EventBus
from app.runtime import CoreRuntime, RuntimeNotRunning, WrongThread, assert_on_core_loop


@dataclass(frozen=True, slots=True)
class ThingDidHappen(Event):
    n: int


@pytest.fixture
def runtime():
    rt = CoreRuntime()
    rt.start()
    yield rt
    rt.stop()


def test_core_loop_runs_in_its_own_thread(runtime: CoreRuntime) -> None:
    async def where() -> str:
        assert_on_core_loop()
        return threading.current_thread().name

    assert runtime.submit(where()).result(5) == "core-loop"
    with pytest.raises(WrongThread):
        assert_on_core_loop()


def test_stop_awaits_shutdown_hooks_and_cancels_tasks() -> None:
    rt = CoreRuntime()
    rt.start()
    order: list[str] = []
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def hook() -> None:
        await asyncio.sleep(0.01)
        order.append("hook")

    async def setup() -> None:
        rt.spawn(forever(), name="forever")
        rt.add_shutdown_hook(hook)

    rt.submit(setup()).result(5)
    rt.stop()
    assert order == ["hook"]
    assert cancelled.is_set()
    assert not rt.running
    with pytest.raises(RuntimeNotRunning):
        rt.submit(asyncio.sleep(0))


def test_bus_delivers_on_core_loop_in_order_and_holds_handlers_weakly(
    runtime: CoreRuntime,
) -> None:
    bus = EventBus(runtime.loop)
    seen: list[tuple[int, str]] = []
    done = threading.Event()

    class Listener:
        def on_thing(self, e: ThingDidHappen) -> None:
            seen.append((e.n, threading.current_thread().name))
            if e.n == 99:
                done.set()

    listener = Listener()
    bus.subscribe(ThingDidHappen, listener.on_thing)
    for i in range(100):
        bus.publish(ThingDidHappen(i))
    assert done.wait(5)
    assert [n for n, _ in seen] == list(range(100))
    assert {t for _, t in seen} == {"core-loop"}

    del listener
    gc.collect()
    seen.clear()
    bus.publish(ThingDidHappen(1))
    runtime.submit(asyncio.sleep(0.05)).result(5)
    assert seen == []


def test_a_failing_handler_does_not_starve_others(runtime: CoreRuntime) -> None:
    bus = EventBus(runtime.loop)
    got = threading.Event()

    def broken(e: ThingDidHappen) -> None:
        raise RuntimeError("boom")

    def fine(e: ThingDidHappen) -> None:
        got.set()

    bus.subscribe(ThingDidHappen, broken)
    bus.subscribe(ThingDidHappen, fine)
    bus.publish(ThingDidHappen(1))
    assert got.wait(5)
