"""BusyRunner: a load that finishes after the clinician left does not fill the page."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from app.config import Paths, Settings
from app.workstation import Workstation
from ui.bridge import Bridge
from ui.clinical import BusyRunner


@pytest.fixture
def bridge(qapp):
    ws = Workstation(settings=Settings(), paths=Paths.default().ensure())
    ws.start()
    yield ws, Bridge(ws.runtime, ws.bus)
    ws.stop()


def _gate(ws: Workstation) -> asyncio.Event:
    async def make() -> asyncio.Event:
        return asyncio.Event()

    return ws.runtime.submit(make()).result(5)


def test_discarded_results_and_errors_do_not_reach_the_page(bridge, qtbot) -> None:
    ws, br = bridge
    changes: list[int] = []
    runner = BusyRunner(SimpleNamespace(bridge=br), lambda: changes.append(runner.pending))  # type: ignore[arg-type]
    gate = _gate(ws)
    shown: list[object] = []
    errors: list[BaseException] = []

    async def load(value: str) -> str:
        await gate.wait()
        return value

    async def fail() -> str:
        await gate.wait()
        raise RuntimeError("backend down")

    runner.run(load("previous clinician's day"), name="load", on_success=shown.append)
    runner.run(fail(), name="fail", on_success=shown.append, on_error=errors.append)
    assert runner.pending == 2
    runner.discard_pending()  # signed out while both were in flight
    runner.run(load("new clinician's day"), name="load", on_success=shown.append)

    async def release() -> None:
        gate.set()

    ws.runtime.submit(release()).result(5)

    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    assert shown == ["new clinician's day"]
    assert errors == []
    assert changes[-1] == 0  # the page re-enabled its controls


def test_without_discard_both_outcomes_arrive(bridge, qtbot) -> None:
    ws, br = bridge
    runner = BusyRunner(SimpleNamespace(bridge=br), lambda: None)  # type: ignore[arg-type]
    shown: list[object] = []
    errors: list[BaseException] = []

    async def ok() -> int:
        return 7

    async def fail() -> int:
        raise RuntimeError("backend down")

    runner.run(ok(), name="ok", on_success=shown.append)
    runner.run(fail(), name="fail", on_success=shown.append, on_error=errors.append)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    assert shown == [7]
    assert [str(e) for e in errors] == ["backend down"]
