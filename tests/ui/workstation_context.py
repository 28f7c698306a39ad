"""A started workstation with the UI's bridge and translations, for the UI tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QApplication

from app.config import Paths, Settings
from app.workstation import Workstation
from ui.bridge import Bridge
from ui.context import UiContext
from ui.i18n import Translations


@contextmanager
def workstation_context(settings: Settings, *, language: str | None = None) -> Iterator[UiContext]:
    """Start a ``Workstation`` on the test's own paths (``TELEMED_HOME``) and stop it on exit.

    ``language`` (``"en"``, ``"it"``) is applied to the translations first when given.
    """
    ws = Workstation(settings=settings, paths=Paths.default().ensure())
    ws.start()
    try:
        translations = Translations(QApplication.instance())
        if language is not None:
            translations.apply(language)
        yield UiContext(ws, Bridge(ws.runtime, ws.bus), translations)
    finally:
        ws.stop()
