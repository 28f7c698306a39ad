"""Composition of the core: runtime, event bus, settings and the services later issues add.

Thread affinity: construct, ``start`` and ``stop`` on the GUI (main) thread; coroutine methods run
on the core loop.
"""

from __future__ import annotations

import asyncio
import logging

from app.config import Paths, Settings, save_settings
from app.events import BackendConnectionDidChange, ConnectionState, EventBus
from app.runtime import CoreRuntime
from app.services.demo_backend import DemoBackend, DemoBackendError

_log = logging.getLogger(__name__)


class Workstation:
    """The running core of one workstation process."""

    def __init__(self, *, settings: Settings, paths: Paths) -> None:
        self.paths = paths
        self._settings = settings
        self.runtime = CoreRuntime()
        self._bus: EventBus | None = None
        self.demo_backend: DemoBackend | None = None

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def bus(self) -> EventBus:
        if self._bus is None:
            raise RuntimeError("workstation not started")
        return self._bus

    def start(self, *, timeout_s: float = 20.0) -> None:
        """Start the core loop and the core services (blocks up to ``timeout_s``)."""
        self.runtime.start()
        self._bus = EventBus(self.runtime.loop)
        self.runtime.submit(self._start_services()).result(timeout=timeout_s)

    async def _start_services(self) -> None:
        if self._settings.demo:
            self.demo_backend = DemoBackend(data_dir=self.paths.data_dir)
            self.runtime.add_shutdown_hook(self.demo_backend.stop)
            self.runtime.spawn(self._start_demo_backend(self.demo_backend), name="demo-backend")
        _log.info("core services started")

    async def _start_demo_backend(self, backend: DemoBackend) -> None:
        """Start the bundled backend in the background: the window does not wait for it."""
        self.bus.publish(BackendConnectionDidChange(ConnectionState.CONNECTING, "demo backend"))
        try:
            url = await backend.start()
        except DemoBackendError as exc:
            _log.error("demo backend failed to start")
            self.bus.publish(BackendConnectionDidChange(ConnectionState.OFFLINE, str(exc)))
            return
        # Demo mode talks to the bundled backend; the user's saved address is left untouched.
        self._settings = self._settings.replace(backend_url=url)
        self.bus.publish(BackendConnectionDidChange(ConnectionState.ONLINE, "demo backend"))

    def stop(self) -> None:
        """Await every service's shutdown and stop the loop."""
        self.runtime.stop()

    async def update_settings(self, settings: Settings) -> Settings:
        """Validate, persist (off the loop) and adopt new settings."""
        settings.validate()
        await asyncio.to_thread(save_settings, self.paths, settings)
        self._settings = settings
        return settings
