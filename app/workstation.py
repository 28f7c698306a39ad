"""Composition of the core: runtime, event bus, settings and the services later issues add.

Thread affinity: construct, ``start`` and ``stop`` on the GUI (main) thread; coroutine methods run
on the core loop.
"""

from __future__ import annotations

import asyncio
import logging

from app.config import Paths, Settings, save_settings
from app.events import EventBus
from app.runtime import CoreRuntime

_log = logging.getLogger(__name__)


class Workstation:
    """The running core of one workstation process."""

    def __init__(self, *, settings: Settings, paths: Paths) -> None:
        self.paths = paths
        self._settings = settings
        self.runtime = CoreRuntime()
        self._bus: EventBus | None = None

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
        _log.info("core services started")

    def stop(self) -> None:
        """Await every service's shutdown and stop the loop."""
        self.runtime.stop()

    async def update_settings(self, settings: Settings) -> Settings:
        """Validate, persist (off the loop) and adopt new settings."""
        settings.validate()
        await asyncio.to_thread(save_settings, self.paths, settings)
        self._settings = settings
        return settings
