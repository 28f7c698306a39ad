"""Qt translations: Italian and English, following the OS unless the user chose one.

Every ``resources/translations/*_it.qm`` (compiled from the ``.ts`` files by the build step) is
installed for Italian, plus Qt's own ``qtbase_it`` for standard dialogs.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_log = logging.getLogger(__name__)


def resources_dir() -> Path:
    """The resources folder (``TELEMED_RESOURCES`` overrides, e.g. in a bundle)."""
    env = os.environ.get("TELEMED_RESOURCES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "resources"


def resolve_language(choice: str) -> str:
    """``system`` -> ``it`` when the OS locale is Italian, else ``en``."""
    if choice in ("it", "en"):
        return choice
    return "it" if QLocale.system().language() == QLocale.Language.Italian else "en"


class Translations:
    """Owns the installed translators; switching emits Qt's LanguageChange to every widget."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, choice: str) -> str:
        """Install the translators for ``choice`` (system/it/en); returns the effective language."""
        language = resolve_language(choice)
        self.uninstall()
        if language == "it":
            folder = resources_dir() / "translations"
            files = sorted(folder.glob("*_it.qm"))
            if not files:
                _log.warning("no Italian translation files found; run the build step")
            for qm in files:
                self._load(str(qm))
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            self._load(str(Path(qt_dir) / "qtbase_it.qm"), required=False)
            QLocale.setDefault(QLocale(QLocale.Language.Italian, QLocale.Country.Italy))
        else:
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        self.language = language
        return language

    def uninstall(self) -> None:
        """Remove this object's translators from the application (its GUI is closing)."""
        for tr in self._installed:
            self._app.removeTranslator(tr)
        self._installed.clear()

    def _load(self, path: str, *, required: bool = True) -> None:
        tr = QTranslator(self._app)
        if tr.load(path):
            self._app.installTranslator(tr)
            self._installed.append(tr)
        elif required:
            _log.warning("could not load a translation file")
