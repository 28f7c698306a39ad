"""The console entry point and composition root (``telemed-workstation``).

Headless subcommands go to :mod:`app.cli` without importing Qt; ``gui`` (the default) builds the
workstation core, the bridge and the main window. Tests call :func:`launch` to get exactly the
window users get.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.cli import EXIT_ERROR, EXIT_NO_DISPLAY, build_parser, effective_settings, run_headless
from app.config import ConfigError, Paths
from app.logs import configure_logging, safe

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.workstation import Workstation
    from ui.bridge import Bridge
    from ui.i18n import Translations
    from ui.lock_screen import ShellLock
    from ui.main_window import MainWindow

_log = logging.getLogger(__name__)

NO_DISPLAY_HELP = """telemed-workstation: no graphical display was found.
Run it on a desktop session, or without a screen:
  xvfb-run -a telemed-workstation --demo          (virtual X display; apt-get install xvfb)
  QT_QPA_PLATFORM=offscreen telemed-workstation --demo   (no window is shown)
"""


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why Qt could not open a window here, or None. Only Linux/BSD need a display variable."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return None
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY_HELP


@dataclass
class GuiSession:
    """A running GUI: Qt application, core, bridge, window. :meth:`close` shuts it all down."""

    qt_app: QApplication
    workstation: Workstation
    bridge: Bridge
    translations: Translations
    window: MainWindow
    cleanups: list[Callable[[], None]]
    shell_lock: ShellLock | None = None

    def close(self) -> None:
        """Close the window, stop the core (awaited shutdown), remove process-wide hooks."""
        self.window.close()
        self.workstation.stop()
        for cleanup in reversed(self.cleanups):
            cleanup()
        self.cleanups.clear()
        self.translations.uninstall()  # the next GUI of this process starts untranslated


def launch(argv: list[str] | None = None) -> GuiSession:
    """Build and show the main window exactly as ``telemed-workstation [--demo] gui`` does."""
    args = build_parser().parse_args(argv)
    return _launch(args)


def _launch(args: argparse.Namespace) -> GuiSession:
    from PySide6.QtWidgets import QApplication

    from app import crash
    from app.workstation import Workstation
    from ui.audit_banner import AuditBanner
    from ui.bridge import Bridge
    from ui.context import UiContext
    from ui.i18n import Translations
    from ui.lock_screen import ShellLock
    from ui.main_window import MainWindow

    paths = Paths.default().ensure()
    log_handler = configure_logging(paths.log_dir)
    cleanups: list[Callable[[], None]] = [
        lambda: logging.getLogger().removeHandler(log_handler),
        log_handler.close,
        crash.install(paths.log_dir / "crash"),
    ]
    settings = effective_settings(args, paths)
    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qt_app.setApplicationName("telemed-workstation")
    qt_app.setOrganizationName("IRT-Lombardia")
    translations = Translations(qt_app)
    translations.apply(settings.language)
    workstation = Workstation(settings=settings, paths=paths)
    workstation.start()  # the core loop runs before the window shows
    bridge = Bridge(workstation.runtime, workstation.bus)
    window = MainWindow(
        UiContext(workstation=workstation, bridge=bridge, translations=translations),
        # Locked at start (outside demo mode): the areas are built after login, so the login
        # screen is up without importing and building them first.
        defer_pages=not settings.demo,
    )
    shell_lock = ShellLock(
        window,
        bridge=bridge,
        session=workstation.session,
        auto_lock_s=lambda: workstation.settings.auto_lock_s,
        # Outside demo mode nobody sees anything before logging in.
        start_locked=not settings.demo,
    )
    cleanups.append(shell_lock.dispose)
    AuditBanner(window, bridge)
    window.show()
    _log.info(
        "main window shown (demo=%s, language=%s)", safe(settings.demo), safe(translations.language)
    )
    return GuiSession(qt_app, workstation, bridge, translations, window, cleanups, shell_lock)


def _report_shown_and_quit(session: GuiSession, quit_after_s: float) -> None:
    """Print one line once the event loop runs with the window shown, then quit later.

    The start-up benchmark and installer smoke tests time this line from the parent process.
    """
    from PySide6.QtCore import QTimer

    from app.events import BackendConnectionDidChange

    QTimer.singleShot(0, lambda: print("telemed-workstation: main window shown", flush=True))
    session.bridge.on(
        BackendConnectionDidChange,
        lambda e: print(f"telemed-workstation: backend {e.state.value}", flush=True),
    )
    QTimer.singleShot(int(quit_after_s * 1000), session.qt_app.quit)


def main(argv: list[str] | None = None) -> int:
    """Console entry point."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command not in (None, "gui"):
        return run_headless(args)
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr, end="")
        return EXIT_NO_DISPLAY
    try:
        session = _launch(args)
    except ConfigError as exc:
        print(f"telemed-workstation: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.quit_after is not None:
        _report_shown_and_quit(session, args.quit_after)
    try:
        return int(session.qt_app.exec())
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main())
