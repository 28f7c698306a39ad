"""What every page receives: the bridge, the core facade and the translations."""

from __future__ import annotations

from dataclasses import dataclass

from app.workstation import Workstation
from ui.bridge import Bridge
from ui.i18n import Translations


@dataclass(frozen=True)
class UiContext:
    workstation: Workstation
    bridge: Bridge
    translations: Translations
