"""The bridge under load: 20,000 core events cross to the GUI thread without crash or leak."""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass

import pytest

from app.config import Paths, Settings
from app.events import Event
from app.runtime import WrongThread
from app.workstation import Workstation
from ui.bridge import Bridge, assert_on_gui_thread


@dataclass(frozen=True, slots=True)
class PingDidHappen(Event):
    n: int


@pytest.fixture
def core(qapp):
    ws = Workstation(settings=Settings(), paths=Paths.default().ensure())
    ws.start()
    bridge = Bridge(ws.runtime, ws.bus)
    yield ws, bridge
    ws.stop()


def _alive(cls: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is cls)


def test_20000_events_from_the_core_thread(core, qtbot) -> None:
    ws, bridge = core
    received: list[int] = []
    threads: set[str] = set()

    def slot(e: PingDidHappen) -> None:
        received.append(e.n)
        threads.add(threading.current_thread().name)

    bridge.on(PingDidHappen, slot)

    async def burst() -> str:
        for i in range(20_000):
            ws.bus.publish(PingDidHappen(i))
        return threading.current_thread().name

    assert ws.runtime.submit(burst()).result(30) == "core-loop"
    qtbot.waitUntil(lambda: len(received) == 20_000, timeout=60_000)
    assert received == list(range(20_000))
    assert threads == {threading.main_thread().name}
    assert _alive(PingDidHappen) == 0

    # A second burst leaves nothing behind either (no growth between rounds).
    received.clear()
    ws.runtime.submit(burst()).result(30)
    qtbot.waitUntil(lambda: len(received) == 20_000, timeout=60_000)
    assert _alive(PingDidHappen) == 0


def test_submit_delivers_results_and_errors_on_the_gui_thread(core, qtbot) -> None:
    ws, bridge = core
    results: list[tuple[str, object]] = []

    async def double(x: int) -> int:
        return 2 * x

    async def fail() -> None:
        raise LookupError("nope")

    def ok(r: object) -> None:
        assert_on_gui_thread()
        results.append(("ok", r))

    def err(e: BaseException) -> None:
        assert_on_gui_thread()
        results.append(("err", type(e).__name__))

    for i in range(1000):
        bridge.submit(double(i), name="double", on_success=ok)
    bridge.submit(fail(), name="fail", on_error=err)
    qtbot.waitUntil(lambda: len(results) == 1001, timeout=30_000)
    assert sorted(r for k, r in results if k == "ok") == [2 * i for i in range(1000)]
    assert ("err", "LookupError") in results
    assert bridge.pending_count == 0

    with qtbot.waitSignal(bridge.error_occurred, timeout=5000) as blocker:
        bridge.submit(fail(), name="unhandled")
    assert blocker.args[0] == "unhandled"


def test_gui_thread_guard(core) -> None:
    errors: list[BaseException] = []

    def off_thread() -> None:
        try:
            assert_on_gui_thread()
        except WrongThread as exc:
            errors.append(exc)

    t = threading.Thread(target=off_thread)
    t.start()
    t.join(5)
    assert len(errors) == 1
    assert_on_gui_thread()
