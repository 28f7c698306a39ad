"""Areas whose content later issues provide: a heading and what the area will hold."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui.context import UiContext
from ui.pages.base import Page


class PlannedArea(Page):
    """A page that says, in the user's language, what the area is for."""

    DESCRIPTION = ""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.description.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.layout_.addWidget(self.description)
        self.layout_.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        text = (
            QCoreApplication.translate("PlannedArea", self.DESCRIPTION) if self.DESCRIPTION else ""
        )
        self.description.setText(text)
        self.description.setAccessibleName(text)


class TelemonitoringPage(PlannedArea):
    AREA = "telemonitoring"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Telemonitoring"))
    DESCRIPTION = str(
        QT_TRANSLATE_NOOP(
            "PlannedArea", "Alerts by urgency and trends of the monitored parameters."
        )
    )


class DevicesPage(PlannedArea):
    AREA = "devices"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Devices"))
    DESCRIPTION = str(
        QT_TRANSLATE_NOOP(
            "PlannedArea", "Bluetooth medical devices: pairing, association and measurements."
        )
    )


class CallsPage(PlannedArea):
    AREA = "calls"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Calls"))
    DESCRIPTION = str(
        QT_TRANSLATE_NOOP(
            "PlannedArea", "Televisit and teleassistance video calls with chat and live vitals."
        )
    )
