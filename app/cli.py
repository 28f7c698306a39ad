"""Command line of ``telemed-workstation`` (headless part).

The console entry point is ``ui.entry:main`` (the composition root, the only place that knows both
the GUI and the core); it parses with :func:`build_parser` and hands every subcommand but ``gui``
to :func:`run_headless`, which never imports Qt.
"""

from __future__ import annotations

import argparse
import sys

from app import __version__
from app.commands import discover
from app.config import LANGUAGES, ConfigError, Paths, Settings, load_settings

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_DISPLAY = 3


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options, ``gui`` (default) and every discovered command."""
    parser = argparse.ArgumentParser(
        prog="telemed-workstation",
        description="Telemedicine clinician workstation (IRT Lombardia).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="demo mode: bundled reference backend, virtual devices, demo patients",
    )
    parser.add_argument("--language", choices=LANGUAGES, help="user interface language")
    # For installer smoke tests and the start-up benchmark: report when the window is shown,
    # then quit after this many seconds.
    parser.add_argument("--quit-after", type=float, default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help="open the workstation window (default)")
    for module in discover():
        module.register(sub)
    return parser


def effective_settings(args: argparse.Namespace, paths: Paths) -> Settings:
    """Settings from disk overridden by the command line."""
    settings = load_settings(paths)
    changes: dict[str, object] = {}
    if args.demo:
        changes["demo"] = True
    if getattr(args, "language", None):
        changes["language"] = args.language
    return settings.replace(**changes) if changes else settings


def run_headless(args: argparse.Namespace) -> int:
    """Run a non-GUI subcommand; returns the process exit code."""
    handler = getattr(args, "handler", None)
    if handler is None:
        print(f"telemed-workstation: unknown command {args.command!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = effective_settings(args, Paths.default())
    except ConfigError as exc:
        print(f"telemed-workstation: {exc}", file=sys.stderr)
        return EXIT_ERROR
    result: int = handler(args, settings)
    return result
