"""Shared plumbing of the clinical workflow pages: the services, navigation, busy tracking."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QDateTime,
    QIODevice,
    QLocale,
    QPoint,
    QRect,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app.domain.workflows import AgendaItemKind, IdentityWarning, TeleconsultStatus
from app.services.clinical import ClinicalServices
from app.session.errors import SessionError
from app.session.events import SessionDidChange, SessionState
from app.workstation import Workstation
from ui.context import UiContext

_SERVICES: weakref.WeakKeyDictionary[Workstation, ClinicalServices] = weakref.WeakKeyDictionary()


def clinical_services(ctx: UiContext) -> ClinicalServices:
    """The workstation's clinical services (one instance shared by every page).

    They follow the session: the logged-in clinician is the acting practitioner, and while the
    clinician's vault is open, units go to its outbox and drafts/offline copies into it.
    """
    ws = ctx.workstation
    existing = _SERVICES.get(ws)
    if existing is None:
        existing = ClinicalServices(client=ws.backend_client)
        _SERVICES[ws] = existing
        services = existing

        def on_session(event: SessionDidChange) -> None:
            follow_session(services, ws, event)

        ctx.bridge.on(SessionDidChange, on_session)
        session = ws.session
        if session is not None and session.identity is not None:
            follow_session(
                existing,
                ws,
                SessionDidChange(session.state, session.identity.subject),
            )
    return existing


_BOUND: weakref.WeakKeyDictionary[ClinicalServices, tuple[str, int]] = weakref.WeakKeyDictionary()


def follow_session(services: ClinicalServices, ws: Workstation, event: SessionDidChange) -> None:
    """Adopt the session's clinician and vault (GUI thread; stores switch, no I/O).

    Unlocking as the same clinician with the same vault keeps the stores (and the drafts and
    offline copies held in memory before the vault opened).
    """
    if event.state is SessionState.ACTIVE and event.subject:
        services.practitioner_ref = f"Practitioner/{event.subject}"
        vault = None
        if ws.session is not None:
            try:
                vault = ws.session.vault_for(event.subject)
            except SessionError:
                vault = None
        binding = (event.subject, id(vault))
        if _BOUND.get(services) == binding:
            return
        _BOUND[services] = binding
        if vault is None or not services.use_vault(vault):
            services.use_stores()
    elif event.state is SessionState.SIGNED_OUT:
        _BOUND.pop(services, None)
        services.use_stores()


def use_services(ctx: UiContext, services: ClinicalServices) -> None:
    """Make ``services`` the workstation's clinical services (tests, session start)."""
    _SERVICES[ctx.workstation] = services


def label_controls(*rows: tuple[Any, str | None, str]) -> None:
    """Set each control's visible text (``None``: keep it) and its accessible name."""
    for widget, text, accessible in rows:
        if text is not None:
            widget.setText(text)
        widget.setAccessibleName(accessible)


def open_patient(widget: QWidget, patient_id: str) -> None:
    """Show the patient area of the main window with ``patient_id`` loaded."""
    window = widget.window()
    pages = getattr(window, "pages", [])
    for page in pages:
        if getattr(page, "AREA", "") == "patient":
            page.open_patient(patient_id)
            window.show_area("patient")  # type: ignore[attr-defined]
            return


def local_time(dt: datetime | None, *, with_date: bool = False) -> str:
    """``dt`` in the user's locale and time zone (time only, or date and time)."""
    if dt is None:
        return ""
    qdt = QDateTime.fromSecsSinceEpoch(int(dt.timestamp()))
    if with_date:
        return QLocale().toString(qdt, QLocale.FormatType.ShortFormat)
    return QLocale().toString(qdt.time(), QLocale.FormatType.ShortFormat)


def show_area(widget: QWidget, area: str) -> QWidget | None:
    """Show ``area`` in the main window; returns its page (None outside a main window)."""
    window = widget.window()
    for page in getattr(window, "pages", []):
        if getattr(page, "AREA", "") == area:
            window.show_area(area)  # type: ignore[attr-defined]
            return page  # type: ignore[no-any-return]
    return None


class BusyRunner:
    """Submits coroutines through the bridge and counts the pending ones.

    ``on_change`` runs (GUI thread) whenever the count changes, so pages can disable controls.
    :meth:`discard_pending` drops the results of what is still running: a load that a clinician
    started must not fill the page after they signed out or another clinician took over.
    """

    def __init__(self, ctx: UiContext, on_change: Callable[[], None]) -> None:
        self._ctx = ctx
        self._on_change = on_change
        self.pending = 0
        self._generation = 0

    def discard_pending(self) -> None:
        """Results (and errors) of the coroutines submitted so far will not reach their callbacks."""
        self._generation += 1

    def run(
        self,
        coro: Coroutine[Any, Any, Any],
        *,
        name: str,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.pending += 1
        self._on_change()
        generation = self._generation

        def done(result: Any) -> None:
            self.pending -= 1
            try:
                if generation == self._generation:
                    on_success(result)
            finally:
                self._on_change()

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            try:
                if generation != self._generation:
                    return
                if on_error is not None:
                    on_error(exc)
                else:
                    self._ctx.bridge.error_occurred.emit(name, exc)
            finally:
                self._on_change()

        self._ctx.bridge.submit(coro, name=name, on_success=done, on_error=failed)


def kind_label(kind: AgendaItemKind) -> str:
    return {
        AgendaItemKind.TELEVISIT: QCoreApplication.translate("Workflows", "Televisit"),
        AgendaItemKind.TELEASSISTANCE: QCoreApplication.translate("Workflows", "Teleassistance"),
        AgendaItemKind.TELECONSULT: QCoreApplication.translate("Workflows", "Teleconsult"),
        AgendaItemKind.TELEMONITORING: QCoreApplication.translate("Workflows", "Telemonitoring"),
        AgendaItemKind.ALERT: QCoreApplication.translate("Workflows", "Alert"),
    }[kind]


def status_label(status: str) -> str:
    labels = {
        "booked": QCoreApplication.translate("Workflows", "Booked"),
        "arrived": QCoreApplication.translate("Workflows", "Arrived"),
        "fulfilled": QCoreApplication.translate("Workflows", "Done"),
        "pending": QCoreApplication.translate("Workflows", "Pending"),
        "proposed": QCoreApplication.translate("Workflows", "Proposed"),
        "active": QCoreApplication.translate("Workflows", "Active"),
        TeleconsultStatus.REQUESTED.value: QCoreApplication.translate("Workflows", "Requested"),
        TeleconsultStatus.ACCEPTED.value: QCoreApplication.translate("Workflows", "Accepted"),
        TeleconsultStatus.IN_PROGRESS.value: QCoreApplication.translate("Workflows", "In progress"),
        TeleconsultStatus.COMPLETED.value: QCoreApplication.translate("Workflows", "Completed"),
        TeleconsultStatus.REJECTED.value: QCoreApplication.translate("Workflows", "Rejected"),
        TeleconsultStatus.CANCELLED.value: QCoreApplication.translate("Workflows", "Cancelled"),
    }
    return labels.get(status, status)


def identity_warning_text(warning: IdentityWarning) -> str:
    return {
        IdentityWarning.CF_INVALID: QCoreApplication.translate(
            "Workflows", "The codice fiscale on record is not valid (wrong check letter)."
        ),
        IdentityWarning.CF_SEX_MISMATCH: QCoreApplication.translate(
            "Workflows", "The codice fiscale does not match the recorded sex: check identity."
        ),
        IdentityWarning.CF_BIRTH_DATE_MISMATCH: QCoreApplication.translate(
            "Workflows",
            "The codice fiscale does not match the recorded birth date: check identity.",
        ),
        IdentityWarning.CF_OMOCODIA: QCoreApplication.translate(
            "Workflows",
            "Omocodia variant of the codice fiscale: another person may share the base code.",
        ),
    }[warning]


def cf_error_text(reason: str) -> str:
    """Translate the reasons raised by ``app.domain.codice_fiscale``."""
    return {
        "a codice fiscale has 16 characters": QCoreApplication.translate(
            "Workflows", "A codice fiscale has 16 characters."
        ),
        "characters in unexpected positions": QCoreApplication.translate(
            "Workflows", "Invalid codice fiscale: characters in unexpected positions."
        ),
        "wrong check letter": QCoreApplication.translate(
            "Workflows", "Invalid codice fiscale: wrong check letter. Check for typing errors."
        ),
        "impossible birth day": QCoreApplication.translate(
            "Workflows", "Invalid codice fiscale: impossible birth day."
        ),
        "impossible birth date": QCoreApplication.translate(
            "Workflows", "Invalid codice fiscale: impossible birth date."
        ),
    }.get(reason, QCoreApplication.translate("Workflows", "Invalid codice fiscale."))


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print a PDF (rendered page by page at the printer's resolution); returns the pages
    printed, 0 if the printer cannot be opened. GUI thread."""
    doc = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            target = printer.pageLayout().paintRectPixels(printer.resolution())
            size = (
                doc.pagePointSize(i)
                .toSize()
                .scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            )
            painter.drawImage(QRect(QPoint(0, 0), size), doc.render(i, size))
    finally:
        painter.end()
    return doc.pageCount()
