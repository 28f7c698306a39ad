"""Find a row of the Agenda page's list by the agenda item it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

if TYPE_CHECKING:  # for the hints only: importing a test must not import the page module
    from app.domain.workflows import AgendaItem
    from ui.pages.agenda import AgendaPage


def agenda_row(agenda: AgendaPage, where: Callable[[AgendaItem], bool]) -> QTreeWidgetItem:
    """The first top-level row whose item (``Qt.UserRole`` data) satisfies ``where``."""
    return next(
        agenda.list.topLevelItem(i)
        for i in range(agenda.list.topLevelItemCount())
        if where(agenda.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole))
    )
