"""Crash handler: a redacted report on disk for the help desk, never health data.

A report holds the version, platform, thread, exception types and stack frames; exception
messages and local variables are left out because they may hold patient data. Native crashes
(segfaults in Qt or codecs) are caught by ``faulthandler``, which writes stacks only.
"""

from __future__ import annotations

import faulthandler
import logging
import platform
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from app import __version__
from app.logs import format_exception_redacted

_log = logging.getLogger(__name__)
_fault_file: IO[str] | None = None


def write_report(
    crash_dir: Path,
    exc_type: type[BaseException],
    exc: BaseException | None,
    tb: TracebackType | None,
    *,
    thread_name: str,
) -> Path:
    """Write one redacted crash report and return its path."""
    crash_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = datetime.now(UTC)
    path = crash_dir / f"crash-{now:%Y%m%dT%H%M%S%f}.txt"
    body = "\n".join(
        [
            "telemed-workstation crash report (redacted: no messages, no variables)",
            f"version: {__version__}",
            f"time_utc: {now.isoformat()}",
            f"python: {platform.python_version()}",
            f"platform: {platform.platform()}",
            f"thread: {thread_name}",
            "",
            format_exception_redacted(exc_type, exc, tb),
            "",
        ]
    )
    path.write_text(body, encoding="utf-8")
    return path


def install(crash_dir: Path) -> Callable[[], None]:
    """Install the hooks for the main thread, other threads and native faults.

    Returns a function that restores the previous hooks (used at shutdown and by tests).
    """
    global _fault_file
    previous = (sys.excepthook, threading.excepthook)

    def _hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        path = write_report(crash_dir, exc_type, exc, tb, thread_name="MainThread")
        _log.critical("unhandled exception; report written to %s", path.name)
        print(f"telemed-workstation: unexpected error, report at {path}", file=sys.stderr)

    def _thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread else "?"
        path = write_report(
            crash_dir, args.exc_type, args.exc_value, args.exc_traceback, thread_name=name
        )
        _log.critical("unhandled exception in a thread; report written to %s", path.name)

    sys.excepthook = _hook
    threading.excepthook = _thread_hook
    crash_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if _fault_file is None:
        _fault_file = (crash_dir / "native-faults.txt").open("a", encoding="utf-8")
        faulthandler.enable(_fault_file)

    def _uninstall() -> None:
        global _fault_file
        sys.excepthook, threading.excepthook = previous
        if _fault_file is not None:
            faulthandler.disable()
            _fault_file.close()
            _fault_file = None

    return _uninstall
