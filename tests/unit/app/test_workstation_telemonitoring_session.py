"""The workstation drops what one clinician loaded into the telemonitoring source when another
clinician takes over or everybody signs out; a lock keeps it (same clinician comes back)."""

from __future__ import annotations

import asyncio

from app.config import Paths, Settings
from app.session.events import SessionDidChange, SessionState
from app.workstation import Workstation


def test_forgets_on_user_change_and_sign_out_not_on_lock() -> None:
    ws = Workstation(settings=Settings(), paths=Paths.default().ensure())
    ws.start()
    try:
        assert ws.telemonitoring is not None
        forgotten: list[int] = []
        original = ws.telemonitoring.forget

        def counting_forget() -> None:
            forgotten.append(1)
            original()

        ws.telemonitoring.forget = counting_forget  # type: ignore[method-assign]

        async def publish(*events: SessionDidChange) -> None:
            for event in events:
                ws.bus.publish(event)
            await asyncio.sleep(0.05)  # the bus delivers on later loop turns

        def count_after(*events: SessionDidChange) -> int:
            ws.runtime.submit(publish(*events)).result(5)
            return len(forgotten)

        assert count_after(SessionDidChange(SessionState.ACTIVE, "prac-a")) == 1
        assert count_after(SessionDidChange(SessionState.LOCKED, "prac-a")) == 1
        assert count_after(SessionDidChange(SessionState.ACTIVE, "prac-a")) == 1  # unlocked
        assert count_after(SessionDidChange(SessionState.ACTIVE, "prac-b")) == 2  # switch
        assert count_after(SessionDidChange(SessionState.SIGNED_OUT)) == 3
        assert count_after(SessionDidChange(SessionState.SIGNED_OUT)) == 3
    finally:
        ws.stop()
