"""Base of every area page: retranslation on language change, a heading, accessible names."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.context import UiContext

AREA_CONTEXT = "Areas"


def area_title(source: str) -> str:
    """Translate an area name registered with ``QT_TRANSLATE_NOOP("Areas", ...)``."""
    return QCoreApplication.translate(AREA_CONTEXT, source)


class Page(QWidget):
    """An area of the main window.

    Subclasses set ``AREA`` (a stable key) and ``TITLE`` (``QT_TRANSLATE_NOOP("Areas", ...)``),
    build their widgets and extend :meth:`retranslate`, called again on every language change.
    """

    AREA: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page_{self.AREA}")
        self.heading = QLabel(self)
        self.heading.setObjectName("pageHeading")
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.heading)

    def title(self) -> str:
        return area_title(self.TITLE)

    def retranslate(self) -> None:
        self.heading.setText(self.title())
        self.heading.setAccessibleName(self.title())
        self.setAccessibleName(self.title())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
