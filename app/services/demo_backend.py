"""Demo mode: the bundled reference regional backend as a child process.

The workstation never imports ``regional_sim`` (it is a separate program); it starts
``python -m regional_sim`` with a per-user demo database and waits for its "listening" line.

Thread affinity: core loop only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from pathlib import Path

from app.logs import safe

_log = logging.getLogger(__name__)
_LISTENING = re.compile(rb"regional_sim listening on (http://[\w.:\[\]-]+)")


class DemoBackendError(Exception):
    """The bundled backend could not be started."""


class DemoBackend:
    """Start, watch and stop the reference backend for demo, training and tests."""

    def __init__(
        self,
        *,
        data_dir: Path,
        port: int = 0,
        python: str = sys.executable,
        start_timeout_s: float = 20.0,
    ) -> None:
        self._db = data_dir / "demo" / "regional_sim.sqlite3"
        self._port = port
        self._python = python
        self._start_timeout_s = start_timeout_s
        self._proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None
        self.base_url: str | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    @property
    def fhir_base(self) -> str:
        if self.base_url is None:
            raise DemoBackendError("demo backend not started")
        return f"{self.base_url}/fhir"

    def _program(self) -> list[str]:
        """``python -m regional_sim``, or the ``regional-sim`` executable beside a bundle's."""
        if getattr(sys, "frozen", False):
            exe = "regional-sim.exe" if sys.platform == "win32" else "regional-sim"
            return [str(Path(sys.executable).with_name(exe))]
        return [self._python, "-m", "regional_sim"]

    async def start(self) -> str:
        """Start the child and return its base URL; raises :class:`DemoBackendError`."""
        self._db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._proc = await asyncio.create_subprocess_exec(
            *self._program(),
            "--host",
            "127.0.0.1",
            "--port",
            str(self._port),
            "--db",
            str(self._db),
            "--seed",
            "demo",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert self._proc.stdout is not None
        try:
            async with asyncio.timeout(self._start_timeout_s):
                while True:
                    line = await self._proc.stdout.readline()
                    if not line:
                        raise DemoBackendError(
                            f"reference backend exited during start (code {self._proc.returncode})"
                        )
                    match = _LISTENING.search(line)
                    if match:
                        self.base_url = match.group(1).decode()
                        break
        except TimeoutError:
            await self.stop()
            raise DemoBackendError("reference backend did not start in time") from None
        except DemoBackendError:
            await self.stop()
            raise
        self._drain = asyncio.get_running_loop().create_task(self._drain_stdout())
        _log.info("demo backend listening on %s", safe(self.base_url))
        return self.base_url

    async def _drain_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while await self._proc.stdout.readline():
            pass

    async def stop(self) -> None:
        """Terminate the child (then kill after 5 s)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 5.0)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._drain is not None:
            self._drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain
            self._drain = None
