"""The core asyncio loop, running in its own thread (DESIGN §3, STYLE §2).

The GUI thread never runs asyncio. Everything that does I/O (httpx, bleak, aiortc, the sync
worker) runs on the single loop owned by :class:`CoreRuntime`. The UI reaches it only through
``ui/bridge.py``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

_log = logging.getLogger(__name__)

T = TypeVar("T")

ShutdownHook = Callable[[], Awaitable[None]]


class RuntimeError_(Exception):
    """Base of the runtime's errors."""


class RuntimeNotRunning(RuntimeError_):
    """Raised when work is submitted to a runtime that is not (or no longer) running."""


class WrongThread(RuntimeError_):
    """Raised by the thread-affinity guards."""


_core_loop: asyncio.AbstractEventLoop | None = None


def assert_on_core_loop() -> None:
    """Raise :class:`WrongThread` unless called from a task or callback on the core loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        raise WrongThread("not on the core loop: no running event loop") from None
    if _core_loop is not None and loop is not _core_loop:
        raise WrongThread("not on the core loop: another event loop is running")


class CoreRuntime:
    """Owns the core thread and its asyncio loop.

    Thread affinity: ``start``, ``submit``, ``spawn_threadsafe`` and ``stop`` may be called from any
    thread (normally the GUI thread); ``spawn`` and ``add_shutdown_hook`` from the core loop or before
    ``start``.
    """

    def __init__(self, *, name: str = "core-loop", start_timeout_s: float = 10.0) -> None:
        self._name = name
        self._start_timeout_s = start_timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._shutdown_hooks: list[ShutdownHook] = []

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The core loop; raises :class:`RuntimeNotRunning` before ``start``."""
        if self._loop is None:
            raise RuntimeNotRunning("core runtime not started")
        return self._loop

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    @property
    def running(self) -> bool:
        return self._loop is not None and self._loop.is_running() and not self._stopped.is_set()

    def start(self) -> None:
        """Start the core thread and block until its loop runs (bounded by ``start_timeout_s``)."""
        if self._thread is not None:
            raise RuntimeError_("core runtime already started")
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        if not self._ready.wait(self._start_timeout_s):
            raise RuntimeNotRunning("core loop did not start in time")

    def _run(self) -> None:
        global _core_loop
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(self._on_loop_exception)
        self._loop = loop
        _core_loop = loop
        asyncio.set_event_loop(loop)
        loop.call_soon(self._ready.set)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._stopped.set()

    @staticmethod
    def _on_loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        # The message of an exception may carry data; log only its type (the file handler also
        # redacts arguments).
        _log.error(
            "unhandled error on the core loop: %s",
            type(exc).__name__ if exc else context.get("message", "?"),
        )

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coro`` on the core loop from any thread; returns a concurrent future."""
        if not self.running:
            coro.close()
            raise RuntimeNotRunning("core runtime is not running")
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call_soon_threadsafe(self, callback: Callable[..., object], *args: object) -> None:
        """Schedule a plain callback on the core loop from any thread."""
        if not self.running:
            raise RuntimeNotRunning("core runtime is not running")
        self.loop.call_soon_threadsafe(callback, *args)

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Start a supervised background task (core loop only): referenced, failures logged."""
        assert_on_core_loop()
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._on_task_done)
        return task

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.error(
                "background task %s failed: %s",
                task.get_name(),
                type(task.exception()).__name__,
            )

    def add_shutdown_hook(self, hook: ShutdownHook) -> None:
        """Register an async hook awaited by :meth:`stop`, last registered first."""
        self._shutdown_hooks.append(hook)

    async def _shutdown(self) -> None:
        for hook in reversed(self._shutdown_hooks):
            try:
                await asyncio.wait_for(hook(), timeout=5.0)
            except Exception as exc:  # a failing hook must not block the others
                _log.error("shutdown hook failed: %s", type(exc).__name__)
        tasks = [t for t in self._tasks if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5.0)

    def stop(self, *, timeout_s: float = 15.0) -> None:
        """Await the shutdown hooks and stop the loop; blocks the caller up to ``timeout_s``."""
        global _core_loop
        if self._loop is None or self._thread is None:
            return
        if self._loop.is_running():
            fut = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            try:
                fut.result(timeout=timeout_s)
            except (TimeoutError, concurrent.futures.TimeoutError):
                _log.error("core shutdown timed out")
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=timeout_s)
        if _core_loop is self._loop:
            _core_loop = None
