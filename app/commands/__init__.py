"""Headless subcommands of ``telemed-workstation``, one module each.

Each module exposes ``register(subparsers)`` and sets ``handler(args, settings) -> int`` as the
parser default. They are discovered here so that adding a tool never edits a shared file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from typing import Protocol


class CommandModule(Protocol):
    def register(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None: ...


def discover() -> list[CommandModule]:
    """Import every command module of this package, sorted by name."""
    mods: list[CommandModule] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "register"):
            mods.append(mod)
    return mods
