"""The only seam between Qt and the core (DESIGN §3, STYLE §2).

Core -> UI: every :class:`app.events.Event` published on the bus is re-emitted on the GUI thread
as the queued signal :attr:`Bridge.event_received`, and dispatched to typed slots registered with
:meth:`Bridge.on`. UI -> core: :meth:`Bridge.submit` runs a coroutine on the core loop and calls
the success or failure callback on the GUI thread. Errors without a callback go to
:attr:`Bridge.error_occurred`, the one error presenter.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from app.events import Event, EventBus
from app.runtime import CoreRuntime, WrongThread


def assert_on_gui_thread() -> None:
    """Raise :class:`app.runtime.WrongThread` unless called on the Qt GUI thread."""
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        raise WrongThread("not on the GUI thread")


class Bridge(QObject):
    """Queued signals from the core, coroutine submission to the core."""

    event_received = Signal(object)
    error_occurred = Signal(str, object)  # (operation name, exception)
    _event_from_core = Signal(object)
    _result_from_core = Signal(int, object, object)

    def __init__(self, runtime: CoreRuntime, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        assert_on_gui_thread()
        self._runtime = runtime
        self._bus = bus
        self._tokens = itertools.count(1)
        self._pending: dict[
            int, tuple[str, Callable[[Any], None] | None, Callable[[BaseException], None] | None]
        ] = {}
        self._slots: dict[type[Event], list[Callable[[Any], None]]] = {}
        self._event_from_core.connect(self._deliver_event, Qt.ConnectionType.QueuedConnection)
        self._result_from_core.connect(self._deliver_result, Qt.ConnectionType.QueuedConnection)
        bus.subscribe(Event, self._on_core_event)

    # -- core -> UI -------------------------------------------------------------------------
    def _on_core_event(self, event: Event) -> None:
        """Runs on the core loop; only queues."""
        self._event_from_core.emit(event)

    @Slot(object)
    def _deliver_event(self, event: Event) -> None:
        self.event_received.emit(event)
        for etype, slots in self._slots.items():
            if isinstance(event, etype):
                for slot in list(slots):
                    slot(event)

    def on(self, event_type: type[Event], slot: Callable[[Any], None]) -> None:
        """Call ``slot(event)`` on the GUI thread for each event of ``event_type``."""
        self._slots.setdefault(event_type, []).append(slot)

    def off(self, event_type: type[Event], slot: Callable[[Any], None]) -> None:
        slots = self._slots.get(event_type, [])
        if slot in slots:
            slots.remove(slot)

    # -- UI -> core -------------------------------------------------------------------------
    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def submit(
        self,
        coro: Coroutine[Any, Any, Any],
        *,
        name: str,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run ``coro`` on the core loop; callbacks run later on the GUI thread.

        Returns a token. Disable the control that started the operation until a callback runs.
        """
        assert_on_gui_thread()
        token = next(self._tokens)
        self._pending[token] = (name, on_success, on_error)
        try:
            fut = self._runtime.submit(coro)
        except Exception as exc:
            self._pending.pop(token, None)
            self._report(name, on_error, exc)
            return token

        def _done(f: Any) -> None:  # core thread
            if f.cancelled():
                self._result_from_core.emit(token, None, TimeoutError("cancelled"))
                return
            exc = f.exception()
            self._result_from_core.emit(token, None if exc else f.result(), exc)

        fut.add_done_callback(_done)
        return token

    @Slot(int, object, object)
    def _deliver_result(self, token: int, result: Any, error: BaseException | None) -> None:
        entry = self._pending.pop(token, None)
        if entry is None:
            return
        name, on_success, on_error = entry
        if error is not None:
            self._report(name, on_error, error)
        elif on_success is not None:
            on_success(result)

    def _report(
        self, name: str, on_error: Callable[[BaseException], None] | None, error: BaseException
    ) -> None:
        if on_error is not None:
            on_error(error)
        else:
            self.error_occurred.emit(name, error)
