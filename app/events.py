"""The thread-safe core event bus (STYLE §2).

Events are frozen dataclasses named subject-did-verb. Handlers are held by weak reference and
always run on the core loop. ``ui/bridge.py`` re-emits them as queued Qt signals.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    """Base class of every core event."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], object]


class ConnectionState(enum.Enum):
    """Reachability of the regional backend as the workstation sees it."""

    OFFLINE = "offline"
    CONNECTING = "connecting"
    ONLINE = "online"


@dataclass(frozen=True, slots=True)
class BackendConnectionDidChange(Event):
    state: ConnectionState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SyncQueueDidChange(Event):
    """Outbox depth. ``pending`` waiting items, ``dead`` dead letters; no health data."""

    pending: int
    dead: int = 0
    draining: bool = False
    last_success_utc: datetime | None = None


class EventBus:
    """Publish from any thread; deliver on the core loop.

    Thread affinity: ``publish``, ``subscribe`` and ``unsubscribe`` are safe from any thread.
    Handlers run on the loop given at construction, in publish order.

    Handlers are held weakly: a bound method lives as long as its object; a plain function or a
    closure must be kept alive by the subscriber.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._handlers: dict[type[Event], list[weakref.ref[Any]]] = {}

    def subscribe(self, event_type: type[E], handler: Callable[[E], object]) -> None:
        """Call ``handler(event)`` on the core loop for every event of ``event_type`` (or subclass)."""
        ref: weakref.ref[Any]
        if hasattr(handler, "__self__") and hasattr(handler, "__func__"):
            ref = weakref.WeakMethod(handler)  # type: ignore[arg-type]
        else:
            ref = weakref.ref(handler)
        with self._lock:
            self._handlers.setdefault(event_type, []).append(ref)

    def unsubscribe(self, event_type: type[Event], handler: Handler) -> None:
        with self._lock:
            refs = self._handlers.get(event_type, [])
            self._handlers[event_type] = [r for r in refs if r() is not None and r() != handler]

    def publish(self, event: Event) -> None:
        """Queue ``event`` for delivery on the core loop; never blocks, never raises on closed loop."""
        if self._loop.is_closed():
            return
        try:
            self._loop.call_soon_threadsafe(self._dispatch, event)
        except RuntimeError:  # loop closed between the check and the call
            return

    def _matching(self, event: Event) -> list[Handler]:
        live: list[Handler] = []
        with self._lock:
            for etype, refs in self._handlers.items():
                if not isinstance(event, etype):
                    continue
                kept = []
                for r in refs:
                    h = r()
                    if h is not None:
                        kept.append(r)
                        live.append(h)
                self._handlers[etype] = kept
        return live

    def _dispatch(self, event: Event) -> None:
        for handler in self._matching(event):
            try:
                handler(event)
            except Exception as exc:  # one broken handler must not starve the others
                _log.error(
                    "event handler failed for %s: %s", type(event).__name__, type(exc).__name__
                )
