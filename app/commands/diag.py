"""``telemed-workstation diag``: the help-desk report, printed and optionally bundled."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from app.config import Paths, Settings
from app.services.diagnostics import Status, run_diagnostics, write_bundle


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("diag", help="help-desk diagnostics (no health data)")
    p.add_argument("--offline", action="store_true", help="skip the network checks")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--bundle", type=Path, help="also write a redacted zip bundle to this path")
    p.add_argument("--user", help="also report this clinician's sync queue (their login id)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    report = asyncio.run(run_diagnostics(settings, offline=args.offline, subject=args.user))
    print(report.to_json() if args.json else report.to_text())
    if args.bundle:
        path = write_bundle(report, Paths.default(), args.bundle)
        print(f"bundle written to {path}")
    return 1 if report.worst is Status.ERROR else 0
